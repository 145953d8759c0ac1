package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"filiere/internal/directory"
)

// The profile of an organisation: bands, SIRET, certifications, capacities,
// equipment, keywords and visibilities. The kind generators fill what their
// kind knows; finish completes and normalises the rest.

// expiredShare is the share of certifications that have lapsed.
const expiredShare = 0.1

// headcountBand returns the band of directory.HeadcountBands n employees
// fall in.
func headcountBand(n int) string {
	for i, limit := range []int{10, 50, 250, 5000} {
		if n < limit {
			return directory.HeadcountBands[i]
		}
	}
	return directory.HeadcountBands[4]
}

// revenueBand returns the band of directory.RevenueBands a yearly turnover
// in euros falls in.
func revenueBand(euros float64) string {
	for i, limit := range []float64{2e6, 10e6, 50e6, 1500e6} {
		if euros < limit {
			return directory.RevenueBands[i]
		}
	}
	return directory.RevenueBands[4]
}

// revenuePerHead is the yearly turnover per employee, in thousands of
// euros, of the kinds that report a revenue.
var revenuePerHead = map[string][2]int{
	"startup": {15, 120}, "sme": {90, 220}, "midcap": {120, 320}, "large": {200, 450}, "consultancy": {90, 170},
}

// staff sets o's headcount band from n employees and, for the kinds that
// report one, its revenue band.
func (g *generator) staff(o *directory.Organisation, n int) {
	o.Headcount = headcountBand(n)
	if r, ok := revenuePerHead[o.Kind]; ok {
		perHead := float64(r[0]+g.r.IntN(r[1]-r[0]+1)) * 1000
		o.Revenue = revenueBand(float64(n) * perHead)
	}
}

// between returns a whole number in [lo, hi].
func (g *generator) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// around returns a value drawn log-uniformly in [lo, hi], rounded to two
// significant digits: 12,000 or 3,400,000 rather than 12,347.
func (g *generator) around(lo, hi float64) float64 {
	v := lo * math.Pow(hi/lo, g.r.Float64())
	scale := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Max(lo, math.Min(hi, math.Round(v/scale)*scale))
}

// cleanroom returns the capacities of a cleanroom of one of classes and an
// area in [minArea, maxArea] m², by 10 m².
func (g *generator) cleanroom(classes []int, minArea, maxArea int) []directory.CapacityValue {
	class := pick(g.r, classes)
	area := minArea + 10*g.r.IntN((maxArea-minArea)/10+1)
	return []directory.CapacityValue{{Attribute: "cleanroom_class", Value: float64(class)}, {Attribute: "cleanroom_area", Value: float64(area)}}
}

// capacity returns o's value of attribute and whether o declares it.
func capacity(o *directory.Organisation, attribute string) (float64, bool) {
	for _, c := range o.Capacities {
		if c.Attribute == attribute {
			return c.Value, true
		}
	}
	return 0, false
}

// cleanroomText describes o's cleanroom in French and English, or returns
// empty strings when o has none.
func cleanroomText(o *directory.Organisation) (string, string) {
	class, ok := capacity(o, "cleanroom_class")
	area, _ := capacity(o, "cleanroom_area")
	if !ok {
		return "", ""
	}
	return fmt.Sprintf("Salle propre ISO %d de %s m².", int(class), thousandsFR(int(area))),
		fmt.Sprintf("%s m² ISO %d cleanroom.", thousandsEN(int(area)), int(class))
}

// siret returns a new checksum-valid SIRET: a SIREN starting with prefix,
// completed with random digits and its Luhn digit, then a 5-digit
// establishment number whose last digit makes the 14 digits Luhn-valid.
func (g *generator) siret(prefix string) string {
	for {
		b := make([]byte, 0, 14)
		b = append(b, prefix...)
		for len(b) < 8 {
			b = append(b, byte('0'+g.r.IntN(10)))
		}
		b = append(b, luhnDigit(b))
		if g.sirens[string(b)] {
			continue
		}
		g.sirens[string(b)] = true
		// Head offices mostly carry a low establishment number: 00012, 00034…
		b = append(b, '0', '0', '0', byte('1'+g.r.IntN(9)))
		b = append(b, luhnDigit(b))
		return string(b)
	}
}

// luhnDigit returns the check digit that makes digits followed by it pass
// the Luhn check.
func luhnDigit(digits []byte) byte {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 { // doubled: the check digit will take the rightmost place
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// sirenPrefix is how the SIREN of an organisation starts: 2 for public
// bodies (23 regions, 20 intermunicipal bodies, 26 hospitals, 19 public
// schools), 3 to 9 for companies and associations. "" means the
// organisation has no SIRET of its own (a lab's belongs to its university).
func (g *generator) sirenPrefix(o *directory.Organisation) string {
	company := string(pick(g.r, []byte("3457889")))
	switch o.Kind {
	case "lab", "platform", "cic":
		return ""
	case "hospital":
		return "26"
	case "authority":
		switch {
		case strings.HasPrefix(o.Name, "Conseil régional"):
			return "23"
		case strings.HasPrefix(o.Name, "Communauté d'agglomération"):
			return "20"
		}
	case "training":
		if g.chance(0.5) {
			return "19"
		}
	case "investor", "incubator":
		if g.chance(0.1) { // a few register under their parent's SIRET
			return ""
		}
	}
	return company
}

// validUntil returns the last day of a certification: mostly in 2027-2029,
// expiredShare of them lapsed in 2025 or early 2026.
func (g *generator) validUntil() time.Time {
	if g.chance(expiredShare) {
		return time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(420))
	}
	return time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.r.IntN(3*365+120))
}

// certify gives o the certifications codes, issued for activity (a French
// phrase) at its site in city.
func (g *generator) certify(o *directory.Organisation, codes []string, activity, city string) {
	for _, code := range codes {
		scope := activity
		switch code {
		case "ISO 14001":
			scope = "Management environnemental du site " + de(city)
		case "HDS":
			scope = "Hébergement de données de santé à caractère personnel, activités 1 à 6"
		case "ISO 27001":
			scope = "Sécurité de l'information : " + lowerFirst(activity)
		case "COFRAC ISO 17025":
			scope = fmt.Sprintf("Accréditation n° 1-%04d : %s", 1000+g.r.IntN(7000), lowerFirst(activity))
		case "BPL":
			scope = "Études non cliniques de sécurité : " + lowerFirst(activity)
		case "ISO 14644":
			class, _ := capacity(o, "cleanroom_class")
			area, _ := capacity(o, "cleanroom_area")
			scope = fmt.Sprintf("Salle propre ISO %d de %s m²", int(class), thousandsFR(int(area)))
		}
		o.Certifications = append(o.Certifications, directory.Certification{
			Code: code, Scope: scope, Issuer: pick(g.r, certIssuers[code]), ValidUntil: g.validUntil(),
		})
	}
}

// equipment returns k items of equipment drawn from those of bricks in
// sector, as a French sentence: "Centres d'usinage 5 axes, tours à poupée
// mobile et machine de mesure tridimensionnelle."
func (g *generator) equipment(sector string, bricks []string, k int) string {
	var pool []string
	for _, b := range bricks {
		items, ok := sectorEquipment[sector][b]
		if !ok {
			items = equipmentByBrick[b]
		}
		for _, e := range items {
			if !slices.Contains(pool, e) {
				pool = append(pool, e)
			}
		}
	}
	if len(pool) == 0 {
		return ""
	}
	return sentence(sample(g.r, pool, k))
}

// sentence joins items as a French list, capitalised and ended by a full
// stop.
func sentence(items []string) string {
	s := items[0]
	if len(items) > 1 {
		s = strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
	}
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:]) + "."
}

// keywords gives o three to six keywords drawn from pools, in pool order.
func (g *generator) keywords(o *directory.Organisation, pools ...[]string) {
	var all []string
	seen := map[string]bool{}
	for _, p := range pools {
		for _, k := range p {
			if f := directory.Fold(k); !seen[f] {
				seen[f] = true
				all = append(all, k)
			}
		}
	}
	o.Keywords = sample(g.r, all, 3+g.r.IntN(4))
}

// familiesOf returns the technology brick families of sectors.
func familiesOf(sectors []string) []string {
	var out []string
	for _, s := range sectors {
		if f := sectorFamily[s]; !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// labels returns the French and English labels of taxonomy codes of list
// ("steps" or "bricks"), lower-cased and joined by commas.
func (g *generator) labels(list string, codes []string) (string, string) {
	var fr, en []string
	for _, c := range codes {
		var t directory.Term
		var ok bool
		if list == "steps" {
			t, ok = g.tax.Step(c)
		} else {
			t, ok = g.tax.Brick(c)
		}
		if ok {
			fr, en = append(fr, lowerFirst(t.FR)), append(en, lowerFirst(t.EN))
		}
	}
	return strings.Join(fr, ", "), strings.Join(en, ", ")
}

// ordered returns codes without duplicates, sorted by rank.
func ordered(codes []string, rank map[string]int) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(rank[a], rank[b]) })
	return out
}

// visibility lets some organisations choose other visibilities than the
// defaults: a few hide their revenue from members or show it to all, some
// show their contacts publicly, some keep their capacities or equipment to
// members.
func (g *generator) visibility(o *directory.Organisation) {
	v := map[string]directory.Visibility{}
	if o.Revenue != "" {
		switch p := g.r.Float64(); {
		case p < 0.08:
			v[directory.FieldRevenue] = directory.StaffOnly
		case p < 0.13:
			v[directory.FieldRevenue] = directory.Public
		}
	}
	if g.chance(0.12) {
		v[directory.FieldContacts] = directory.Public
	}
	if len(o.Capacities) > 0 && g.chance(0.2) {
		v[directory.FieldCapacities] = directory.MembersOnly
	}
	if o.Equipment != "" && g.chance(0.1) {
		v[directory.FieldEquipment] = directory.MembersOnly
	}
	if o.Headcount != "" && g.chance(0.04) {
		v[directory.FieldHeadcount] = directory.MembersOnly
	}
	if o.SIRET != "" && g.chance(0.03) {
		v[directory.FieldSIRET] = directory.MembersOnly
	}
	o.Visibility = v
}

// finish completes o once its kind generator has run: SIRET, visibilities,
// a founding year no later than joining, and the coded lists in taxonomy
// order, as the directory stores them, so that the search documents built
// from the draft are those a reindex would build.
func (g *generator) finish(o *directory.Organisation) {
	if o.MemberSince != 0 && o.Founded > o.MemberSince {
		o.Founded = o.MemberSince
	}
	if prefix := g.sirenPrefix(o); prefix != "" {
		o.SIRET = g.siret(prefix)
	}
	o.Sectors = ordered(o.Sectors, g.sectorRank)
	o.Steps = ordered(o.Steps, g.stepRank)
	o.Bricks = ordered(o.Bricks, g.brickRank)
	slices.SortStableFunc(o.Capacities, func(a, b directory.CapacityValue) int {
		return cmp.Compare(g.capRank[a.Attribute], g.capRank[b.Attribute])
	})
	o.Capacities = slices.CompactFunc(o.Capacities, func(a, b directory.CapacityValue) bool { return a.Attribute == b.Attribute })
	g.visibility(o)
}
