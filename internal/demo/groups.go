package demo

import (
	"strings"

	"filiere/internal/directory"
)

// Sizes of the demo's corporate groups.
const (
	industrialGroups = 4 // large companies heading a group
	subsidiaries     = 2 // companies each of them owns, at most
)

// assignGroups puts a few organisations of drafts in corporate groups, so
// that the demo's calls for projects meet conflicts of interest by group:
// the first large companies head a group joined by companies of their
// main sector, and each university hospital shares its group with its
// city's clinical investigation centre and first research lab (a joint
// unit). It reads the drafts in order and draws nothing, so the rest of
// the demo is the same with or without it.
func assignGroups(drafts []*draft) {
	heads := 0
	for _, head := range drafts {
		if heads == industrialGroups {
			break
		}
		h := &head.org
		if h.Kind != "large" || h.Group != "" || len(h.Sectors) == 0 {
			continue
		}
		var subs []*directory.Organisation
		for _, d := range drafts {
			o := &d.org
			if len(subs) == subsidiaries {
				break
			}
			if (o.Kind == "midcap" || o.Kind == "sme") && o.Group == "" && len(o.Sectors) > 0 && o.Sectors[0] == h.Sectors[0] {
				subs = append(subs, o)
			}
		}
		if len(subs) == 0 {
			continue // a group of one says nothing
		}
		heads++
		h.Group = h.Name // the parent company names the group
		for _, o := range subs {
			o.Group = h.Group
		}
	}
	for _, hosp := range drafts {
		h := &hosp.org
		if h.Kind != "hospital" || !strings.HasPrefix(h.ShortName, "CHU ") {
			continue
		}
		group := "Groupe hospitalier universitaire " + de(h.City)
		var cic, lab *directory.Organisation
		for _, d := range drafts {
			o := &d.org
			switch {
			case o.City != h.City || o.Group != "":
			case o.Kind == "cic" && cic == nil:
				cic = o
			case o.Kind == "lab" && lab == nil:
				lab = o
			}
		}
		if cic == nil && lab == nil {
			continue // a group of one says nothing
		}
		h.Group = group
		for _, o := range []*directory.Organisation{cic, lab} {
			if o != nil {
				o.Group = group
			}
		}
	}
}
