package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"filiere/internal/directory"
)

// organisations generates n organisations, their kinds split as kindShares
// says and shuffled.
func (g *generator) organisations(n int) []*draft {
	out := make([]*draft, 0, n)
	for _, kind := range g.kindPlan(n, kindShares) {
		out = append(out, g.organisation(kind))
	}
	return out
}

// kindPlan returns the kinds of n organisations split as shares says, in a
// random order.
func (g *generator) kindPlan(n int, shares []kindShare) []string {
	kinds := make([]string, 0, n)
	for _, ks := range shares {
		for range n * ks.perMille / 1000 {
			kinds = append(kinds, ks.kind)
		}
	}
	for len(kinds) < n { // rounding: the remainder are startups
		kinds = append(kinds, "startup")
	}
	g.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	return kinds
}

// organisation generates one organisation of kind: name, place, sectors,
// membership and descriptions.
func (g *generator) organisation(kind string) *draft {
	o := directory.Organisation{Kind: kind, College: directory.CollegeForKind(kind), Country: "FR"}
	g.membership(&o)
	var city directory.City
	var fr, en string
	switch kind {
	case "startup", "sme", "midcap", "large":
		city, fr, en = g.company(&o)
	case "consultancy":
		city, fr, en = g.consultancy(&o)
	case "lab":
		city, fr, en = g.lab(&o)
	case "platform":
		city, fr, en = g.platform(&o)
	case "hospital":
		city, fr, en = g.hospital(&o)
	case "cic":
		city, fr, en = g.cic(&o)
	case "training":
		city, fr, en = g.training(&o)
	case "incubator":
		city, fr, en = g.incubator(&o)
	case "investor":
		city, fr, en = g.investor(&o)
	case "authority":
		city, fr, en = g.authority(&o)
	}
	o.DescriptionFR, o.DescriptionEN = fr, en
	g.place(&o, city)
	g.finish(&o)
	domain := g.domain(o)
	o.Website = "https://www." + domain
	return &draft{org: o, domain: domain}
}

// unique calls name until it returns a name not yet used (name returns ""
// to ask for another try), and claims it. Should the vocabulary run dry, a
// number tells the last try apart.
func (g *generator) unique(name func() string) string {
	tries := 200
	if g.bulk {
		tries = 8
	}
	n := ""
	for range tries {
		n = name()
		if n != "" && g.claim(n) {
			return n
		}
	}
	for i := max(2, g.nextNumber[n]); ; i++ {
		if numbered := fmt.Sprintf("%s %d", n, i); g.claim(numbered) {
			g.nextNumber[n] = i + 1
			return numbered
		}
	}
}

// claim reserves name when neither it nor a real company's name is taken.
func (g *generator) claim(name string) bool {
	key := directory.Fold(name)
	if key == "" || g.names[key] || slices.Contains(realNames, strings.ReplaceAll(key, " ", "")) {
		return false
	}
	g.names[key] = true
	return true
}

// coined returns an invented company name for sector: "Cardiolys".
func (g *generator) coined(sector string) string {
	stem, link, _ := strings.Cut(pick(g.r, sectorRoots[sector]), "|")
	last := stem[len(stem)-1:]
	if !strings.ContainsAny(last, "aeiouy") && link == "" {
		return stem + pick(g.r, vowelSuffixes) // no consonant pile-ups: Implant + is, not Implant + flux
	}
	if g.r.IntN(2) == 0 {
		// No vowel pile-ups either: Cardi + ence, not Cardi + ia.
		if suffix := pick(g.r, vowelSuffixes); !strings.ContainsAny(last, "aeiouy") || (!strings.ContainsAny(suffix[:1], "iy") && suffix[:1] != last) {
			return stem + suffix
		}
	}
	return stem + link + pick(g.r, consonantSuffixes)
}

// sectors returns the main sector followed by up to extra others.
func (g *generator) sectors(main string, extra int) []string {
	out := []string{main}
	for range extra {
		s := g.mainSector()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

var sectorWeightValues = func() []int {
	w := make([]int, len(sectorWeights))
	for i, s := range sectorWeights {
		w[i] = s.weight
	}
	return w
}()

// mainSector draws a company's main sector.
func (g *generator) mainSector() string {
	return sectorWeights[weighted(g.r, sectorWeightValues)].sector
}

// manySectors returns k distinct sectors in taxonomy order.
func (g *generator) manySectors(k int) []string {
	var codes []string
	for _, s := range g.tax.Sectors {
		codes = append(codes, s.Code)
	}
	return sample(g.r, codes, k)
}

// place sets the address and coordinates: a street in city, the point
// jittered a little around the city centre.
func (g *generator) place(o *directory.Organisation, city directory.City) {
	street := pick(g.r, streetTypes) + " " + pick(g.r, streetNames)
	o.Address = fmt.Sprintf("%d %s", 1+g.r.IntN(120), street)
	if (o.Kind == "lab" || o.Kind == "platform" || o.Kind == "incubator") && g.chance(0.4) {
		o.Address += ", " + pick(g.r, buildings)
	}
	o.Postcode, o.City, o.Departement, o.Region = city.Postcode, city.Name, city.Departement, city.Region
	o.Latitude = round5(city.Lat + (g.r.Float64()-0.5)*0.04)
	o.Longitude = round5(city.Lon + (g.r.Float64()-0.5)*0.06)
	o.HasCoords = true
}

// membership sets the status (85% members, 10% prospects, 5% former
// members), the year of joining (recent years weigh more) and the creation
// time of the record.
func (g *generator) membership(o *directory.Organisation) {
	p := g.r.Float64()
	switch {
	case p < 0.85:
		o.Membership = directory.Member
		o.MemberSince = 2012 + min(14, int(15*math.Sqrt(g.r.Float64())))
	case p < 0.95:
		o.Membership = directory.Prospect
	default:
		o.Membership = directory.Former
		o.MemberSince = 2012 + g.r.IntN(11)
	}
	var from time.Time
	if o.MemberSince != 0 {
		from = time.Date(o.MemberSince, time.January, 1, 8, 0, 0, 0, time.UTC)
	} else {
		from = time.Date(2025, time.January, 1, 8, 0, 0, 0, time.UTC)
	}
	span := min(now.Sub(from), 365*24*time.Hour)
	o.CreatedAt = from.Add(time.Duration(g.r.Int64N(int64(span/time.Second))) * time.Second)
	o.UpdatedAt = o.CreatedAt
}

// domain returns a free domain for o on the reserved .example TLD.
func (g *generator) domain(o directory.Organisation) string {
	base := o.Name
	if o.ShortName != "" && o.Kind != "hospital" && o.Kind != "cic" {
		base = o.ShortName + " " + o.City
	}
	var words []string
	for _, w := range strings.Fields(directory.Fold(base)) {
		if !stopWords[w] {
			words = append(words, w)
		}
	}
	// Long names keep their first words and their last (the city, mostly).
	for len(words) > 2 && len(strings.Join(words, "-")) > 40 {
		words = append(words[:len(words)-2], words[len(words)-1])
	}
	slug := strings.Join(words, "-")
	d := slug + ".example"
	if g.domains[d] {
		i := max(2, g.nextDomain[slug])
		for ; g.domains[fmt.Sprintf("%s-%d.example", slug, i)]; i++ {
		}
		d = fmt.Sprintf("%s-%d.example", slug, i)
		g.nextDomain[slug] = i + 1
	}
	g.domains[d] = true
	return d
}
