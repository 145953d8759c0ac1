package demo

import (
	"fmt"
	"slices"
	"strings"

	"filiere/internal/directory"
)

// Each kind of organisation has its own generator: it sets the name, the
// short name, the sectors and the profile the kind knows of (headcount,
// founding year, steps, bricks, services, certifications, capacities,
// equipment, keywords), and returns the city with the French and English
// descriptions, written from that profile.

// company fills a startup, SME, mid-size company or large group: a solution
// provider for some SMEs and mid-size companies, else a company developing
// its own products.
func (g *generator) company(o *directory.Organisation) (directory.City, string, string) {
	if (o.Kind == "sme" || o.Kind == "midcap") && g.chance(g.providerShare) {
		return g.provider(o)
	}
	sector := g.mainSector()
	extra := 0
	if g.chance(0.35) {
		extra = 1 + g.r.IntN(2)
	}
	o.Sectors = g.sectors(sector, extra)
	o.Name = g.unique(func() string {
		base := g.coined(sector)
		switch o.Kind {
		case "large":
			return pick(g.r, []string{"Groupe " + base, base + " Healthcare", base + " International", base + " Medical Systems", base + " Group"})
		case "midcap":
			return pick(g.r, []string{base + " Industries", base + " " + pick(g.r, sectorDescriptors[sector]), base})
		case "sme":
			if (sector == "pharma" || sector == "cosmetics") && g.chance(0.4) {
				return "Laboratoires " + base
			}
			if g.chance(0.5) {
				return base + " " + pick(g.r, sectorDescriptors[sector])
			}
			return base
		}
		if g.chance(0.5) {
			return base + " " + pick(g.r, sectorDescriptors[sector])
		}
		return base
	})
	city := g.city()
	act := pick(g.r, sectorActivities[sector])
	actFR, actEN := act.fr, act.en
	var areaKeywords []string
	if act.area && g.chance(0.5) {
		a := pick(g.r, areas)
		actFR, actEN = actFR+" en "+a[0], actEN+" in "+a[1]
		areaKeywords = []string{a[0]}
	}
	var fr, en []string
	var n int // employees
	switch o.Kind {
	case "startup":
		n = 2 + int(38*g.r.Float64()*g.r.Float64())
		year := 2018 + g.r.IntN(8) // founded before joining, when it joined
		if o.MemberSince != 0 {
			year = max(2008, o.MemberSince-g.r.IntN(4))
		}
		o.Founded = year
		fr = append(fr, fmt.Sprintf("Start-up fondée en %d à %s, %s %s.", year, city.Name, o.Name, actFR))
		en = append(en, fmt.Sprintf("Founded in %d in %s, %s %s.", year, city.Name, o.Name, actEN))
	case "sme":
		n = 8 + g.r.IntN(180)
		o.Founded = g.between(1970, 2018)
		fr = append(fr, fmt.Sprintf("PME de %d salariés basée à %s, %s %s.", n, city.Name, o.Name, actFR))
		en = append(en, fmt.Sprintf("An SME of %d employees based in %s, %s %s.", n, city.Name, o.Name, actEN))
	case "midcap":
		n = 300 + 10*g.r.IntN(400)
		o.Founded = g.between(1920, 2005)
		fr = append(fr, fmt.Sprintf("ETI de %s salariés, %s %s ; site de production à %s.", thousandsFR(n), o.Name, actFR, city.Name))
		en = append(en, fmt.Sprintf("A mid-size company of %s employees, %s %s; manufacturing site in %s.", thousandsEN(n), o.Name, actEN, city.Name))
	case "large":
		n = 1000 * (5 + g.r.IntN(60))
		o.Founded = g.between(1850, 1990)
		fr = append(fr, fmt.Sprintf("Groupe international de %s collaborateurs, %s %s ; son site de %s réunit R&D et production.", thousandsFR(n), o.Name, actFR, city.Name))
		en = append(en, fmt.Sprintf("An international group of %s employees, %s %s; its %s site hosts R&D and manufacturing.", thousandsEN(n), o.Name, actEN, city.Name))
	}
	g.staff(o, n)
	o.Bricks = sample(g.r, sectorBricks[sector], 2+g.r.IntN(2))
	bfr, ben := g.labels("bricks", o.Bricks)
	fr = append(fr, "Savoir-faire : "+bfr+".")
	en = append(en, "Know-how: "+ben+".")
	makes := manufactures(act)
	if makes && g.chance(0.5) {
		o.Capacities = g.cleanroom([]int{5, 6, 7, 8}, 50, 600)
		cfr, cen := cleanroomText(o)
		fr, en = append(fr, cfr), append(en, cen)
	}
	if strings.Contains(act.fr, "bioproduction") && g.chance(0.6) {
		o.Capacities = append(o.Capacities, directory.CapacityValue{Attribute: "bioreactor_volume", Value: pick(g.r, []float64{50, 100, 200, 500})})
	}
	if makes && (o.Kind == "midcap" || o.Kind == "large") && g.chance(0.5) {
		o.Capacities = append(o.Capacities, g.unitsPerYear(1e5, 2e7))
	}
	rd := map[string][2]int{"startup": {50, 70}, "sme": {35, 30}, "midcap": {40, 12}, "large": {60, 4}}[o.Kind]
	if g.chance(float64(rd[0]) / 100) {
		o.Capacities = append(o.Capacities, g.rdStaff(n, rd[1]))
	}
	steps := kindSteps[o.Kind]
	o.Steps = sample(g.r, steps, 1+g.r.IntN(min(3, len(steps))))
	sfr, sen := g.labels("steps", o.Steps)
	fr = append(fr, "Étapes de la chaîne de valeur : "+sfr+".")
	en = append(en, "Value-chain steps: "+sen+".")
	certChance := map[string]float64{"startup": 0.2, "sme": 0.6, "midcap": 0.9, "large": 0.95}[o.Kind]
	if g.chance(certChance) {
		certs := sample(g.r, sectorCertifications[sector], 1+g.r.IntN(2))
		if _, clean := capacity(o, "cleanroom_class"); clean && g.chance(0.3) {
			certs = append(certs, "ISO 14644")
		}
		g.certify(o, certs, sectorScopes[sector], city.Name)
		fr = append(fr, "Certifications : "+strings.Join(certs, ", ")+".")
		en = append(en, "Certifications: "+certificationsEN(certs)+".")
	}
	if (sector == "medtech" || sector == "diagnostics") && o.Kind != "startup" && g.chance(0.4) {
		if g.chance(0.3) {
			fr = append(fr, "Produits marqués CE et autorisés par la FDA.")
			en = append(en, "CE-marked, FDA-cleared products.")
		} else {
			fr = append(fr, "Produits marqués CE.")
			en = append(en, "CE-marked products.")
		}
	}
	if makes && o.Kind != "startup" && g.chance(0.5) {
		o.Equipment = g.equipment(sector, o.Bricks, 2+g.r.IntN(2))
	}
	g.keywords(o, areaKeywords, sectorKeywords[sector], kindKeywords[o.Kind])
	return city, strings.Join(fr, " "), strings.Join(en, " ")
}

// certificationsEN lists certification codes as English readers know them:
// the French good-practice acronyms become GMP and GLP.
func certificationsEN(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = map[string]string{"BPF": "GMP", "BPL": "GLP"}[c]
		if out[i] == "" {
			out[i] = c
		}
	}
	return strings.Join(out, ", ")
}

// manufactures reports whether an activity makes physical products.
func manufactures(a activity) bool {
	return strings.Contains(a.fr, "fabrique") || strings.Contains(a.fr, "produit") || strings.Contains(a.fr, "usinage") ||
		strings.Contains(a.fr, "bioproduction")
}

// serviceTitles returns the titles of services keys, lower-cased and
// joined by commas, in French and English.
func serviceTitles(keys []string) (string, string) {
	var fr, en []string
	for _, k := range keys {
		t := serviceCatalogue[k]
		fr, en = append(fr, lowerFirst(t.fr)), append(en, lowerFirst(t.en))
	}
	return strings.Join(fr, ", "), strings.Join(en, ", ")
}

func (g *generator) consultancy(o *directory.Organisation) (directory.City, string, string) {
	o.Sectors = g.sectors(g.mainSector(), 1+g.r.IntN(2))
	o.Name = g.unique(func() string {
		base := g.coined(pick(g.r, []string{"medtech", "pharma", "digital", "diagnostics"}))
		return pick(g.r, []string{base + " Conseil", base + " Regulatory", base + " Consulting", "Cabinet " + base, base + " Access"})
	})
	city := g.city()
	core := consultancyServices[g.r.IntN(consultancyCore)]
	others := slices.DeleteFunc(slices.Clone(consultancyServices), func(k string) bool { return k == core })
	keys := append([]string{core}, sample(g.r, others, 1+g.r.IntN(3))...)
	g.offer(o, keys)
	n := 2 + int(58*g.r.Float64()*g.r.Float64())
	g.staff(o, n)
	o.Founded = g.between(1995, 2023)
	sfr, sen := serviceTitles(keys)
	fr := fmt.Sprintf("Cabinet de conseil basé à %s, %s accompagne les entreprises de santé : %s.", city.Name, o.Name, sfr)
	en := fmt.Sprintf("A consultancy based in %s, %s supports health companies: %s.", city.Name, o.Name, sen)
	stFR, stEN := g.labels("steps", ordered(o.Steps, g.stepRank))
	fr += " Étapes de la chaîne de valeur : " + stFR + "."
	en += " Value-chain steps: " + stEN + "."
	if g.chance(0.35) {
		g.certify(o, []string{"ISO 9001"}, "Conseil et accompagnement réglementaire des entreprises de santé", city.Name)
		fr += " Certifications : ISO 9001."
		en += " Certifications: ISO 9001."
	}
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	return city, fr, en
}

func (g *generator) lab(o *directory.Organisation) (directory.City, string, string) {
	var theme labTheme
	var city directory.City
	o.Name = g.unique(func() string {
		theme, city = pick(g.r, labThemes), g.city()
		switch g.r.IntN(3) {
		case 0:
			return "Laboratoire " + de(theme.fr) + " " + de(city.Name)
		case 1:
			return "Institut " + de(theme.fr) + " " + de(city.Name)
		}
		return "Unité de recherche en " + theme.fr + " " + de(city.Name)
	})
	o.ShortName = acronym(o.Name)
	o.Sectors = slices.Clone(theme.sectors)
	people := 15 + 5*g.r.IntN(20)
	o.Headcount = headcountBand(people)
	o.Founded = g.between(1966, 2020)
	o.Bricks = slices.Clone(theme.bricks)
	o.Steps = append([]string{"research"}, sample(g.r, []string{"poc", "preclinical"}, g.r.IntN(3))...)
	bfr, ben := g.labels("bricks", o.Bricks)
	fr := fmt.Sprintf("Unité de recherche de %d personnes à %s, spécialisée en %s. Compétences : %s. Ouverte aux collaborations industrielles : thèses CIFRE, laboratoires communs, prestations de recherche.",
		people, city.Name, strings.ToLower(theme.fr), bfr)
	en := fmt.Sprintf("A research unit of %d people in %s specialising in %s. Expertise: %s. Open to industrial collaborations: industrial PhDs, joint labs, contract research.",
		people, city.Name, strings.ToLower(theme.en), ben)
	if g.chance(0.3) {
		c := pick(g.r, []string{"BPL", "COFRAC ISO 17025", "ISO 9001"})
		g.certify(o, []string{c}, "Recherche et prestations en "+strings.ToLower(theme.fr), city.Name)
		fr += " Certifications : " + c + "."
		en += " Certifications: " + certificationsEN([]string{c}) + "."
	}
	if g.chance(0.5) {
		o.Capacities = []directory.CapacityValue{{Attribute: "headcount_rd", Value: float64(people)}}
	}
	if g.chance(0.6) {
		o.Equipment = g.equipment(o.Sectors[0], o.Bricks, 2+g.r.IntN(2))
	}
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	return city, fr, en
}

func (g *generator) platform(o *directory.Organisation) (directory.City, string, string) {
	var theme labTheme
	var city directory.City
	o.Name = g.unique(func() string {
		theme, city = pick(g.r, platformThemes), g.city()
		return "Plateforme " + theme.fr + " " + de(city.Name)
	})
	o.ShortName = acronym(o.Name)
	o.Sectors = slices.Clone(theme.sectors)
	o.Headcount = headcountBand(g.between(4, 40))
	o.Founded = g.between(2000, 2021)
	o.Bricks = slices.Clone(theme.bricks)
	keys := g.pickServices(platformServices[theme.fr], 2+g.r.IntN(2))
	g.offer(o, keys)
	bfr, ben := g.labels("bricks", theme.bricks)
	sfr, sen := serviceTitles(keys)
	stFR, stEN := g.labels("steps", ordered(o.Steps, g.stepRank))
	fr := fmt.Sprintf("Plateforme technologique ouverte aux équipes académiques et aux industriels : %s. Prestations : %s. Étapes de la chaîne de valeur : %s.", bfr, sfr, stFR)
	en := fmt.Sprintf("A technology platform open to academic teams and companies: %s. Services: %s. Value-chain steps: %s.", ben, sen, stEN)
	switch theme.fr {
	case "Bioproduction":
		o.Capacities = []directory.CapacityValue{{Attribute: "bioreactor_volume", Value: pick(g.r, []float64{50, 100, 200})}}
		o.Capacities = append(o.Capacities, g.cleanroom([]int{5, 7}, 50, 200)...)
	case "Fabrication Additive Médicale":
		o.Capacities = []directory.CapacityValue{g.unitsPerYear(500, 5000)}
	}
	if cfr, cen := cleanroomText(o); cfr != "" {
		fr, en = fr+" "+cfr, en+" "+cen
	}
	if g.chance(0.6) {
		c := sample(g.r, []string{"ISO 9001", "BPL", "COFRAC ISO 17025"}, 1+g.r.IntN(2))
		g.certify(o, c, "Prestations de la plateforme "+strings.ToLower(theme.fr), city.Name)
		fr += " Certifications : " + strings.Join(c, ", ") + "."
		en += " Certifications: " + certificationsEN(c) + "."
	}
	o.Equipment = g.equipment(o.Sectors[0], o.Bricks, 2+g.r.IntN(3))
	if g.chance(0.5) {
		o.CapacityNotes = pick(g.r, []string{
			"Accès aux équipements en autonomie après formation, ou prestation complète par l'équipe.",
			"Tarifs académiques et industriels publiés ; devis sous une semaine.",
			"Créneaux réservables en ligne, ouverture de 8 h à 20 h.",
		})
	}
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	return city, fr, en
}

func (g *generator) hospital(o *directory.Organisation) (directory.City, string, string) {
	o.Sectors = g.manySectors(2 + g.r.IntN(3))
	if !slices.Contains(o.Sectors, "medtech") {
		o.Sectors = append([]string{"medtech"}, o.Sectors...)
	}
	var city directory.City
	var variant int
	o.Name = g.unique(func() string {
		city = g.city()
		if g.hasCHU[city.Name] && !g.bulk {
			return "" // taken: "" folds to a name already claimed below
		}
		variant = g.r.IntN(4)
		switch variant {
		case 0, 1:
			return "CHU " + de(city.Name)
		case 2:
			return "Centre hospitalier " + de(city.Name)
		}
		return "Institut de cancérologie " + de(city.Name)
	})
	g.hasCHU[city.Name] = true
	beds := 50 * (8 + g.r.IntN(30))
	o.Steps = []string{"clinical"}
	if g.chance(0.5) {
		o.Steps = append(o.Steps, "market_access")
	}
	o.Equipment = sentence(sample(g.r, hospitalEquipment, 2+g.r.IntN(3)))
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	switch variant {
	case 0, 1:
		o.ShortName = "CHU " + city.Name
		o.Headcount = headcountBand(beds * 4)
		o.Founded = g.between(1958, 1972)
		o.Bricks = sample(g.r, []string{"dx.imaging", "dx.biomarkers", "dg.hosting", "dg.ai", "mt.robotics"}, 2+g.r.IntN(2))
		return city, fmt.Sprintf("Centre hospitalier universitaire de %s lits doté d'une direction de la recherche clinique et de l'innovation : essais cliniques, investigation clinique des dispositifs médicaux, évaluation en vie réelle et entrepôt de données de santé.", thousandsFR(beds)),
			fmt.Sprintf("A university hospital with %s beds and a clinical research and innovation department: clinical trials, clinical investigation of medical devices, real-world evaluation and a health data warehouse.", thousandsEN(beds))
	case 2:
		o.Headcount = headcountBand(beds * 2)
		o.Founded = g.between(1850, 1975)
		o.Bricks = sample(g.r, []string{"dx.imaging", "dx.ivd", "dg.telemedicine"}, 1+g.r.IntN(2))
		return city, fmt.Sprintf("Établissement public de santé de %s lits : plateau technique d'imagerie et de biologie, participation aux essais cliniques multicentriques, achats d'équipements innovants.", thousandsFR(beds/2)),
			fmt.Sprintf("A public hospital with %s beds: imaging and laboratory facilities, takes part in multicentre clinical trials, buys innovative equipment.", thousandsEN(beds/2))
	}
	o.Headcount = headcountBand(beds * 3)
	o.Founded = g.between(1923, 1975)
	o.Bricks = []string{"dx.biomarkers", "dx.pathology", "bt.cell"}
	return city, "Centre de lutte contre le cancer : soins, recherche translationnelle et essais cliniques précoces en oncologie, biobanque et plateforme de génomique tumorale.",
		"A comprehensive cancer centre: care, translational research and early-phase oncology trials, a biobank and a tumour genomics platform."
}

func (g *generator) cic(o *directory.Organisation) (directory.City, string, string) {
	o.Sectors = g.manySectors(2 + g.r.IntN(2))
	var city directory.City
	o.Name = g.unique(func() string {
		city = g.city()
		return "Centre d'investigation clinique " + de(city.Name)
	})
	o.ShortName = "CIC " + city.Name
	o.Headcount = headcountBand(g.between(12, 45))
	o.Founded = g.between(1992, 2015)
	o.Bricks = []string{"sv.cro"}
	g.offer(o, g.pickServices(cicServices, 2+g.r.IntN(3)))
	if g.chance(0.4) {
		g.certify(o, []string{"ISO 9001"}, "Conduite d'essais cliniques et d'investigations cliniques", city.Name)
	}
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	return city, "Centre d'investigation clinique adossé au CHU : essais de phase I à IV, investigation clinique des dispositifs médicaux, méthodologie, gestion et analyse des données.",
		"A clinical investigation centre within the university hospital: phase I to IV trials, clinical investigation of medical devices, methodology, data management and analysis."
}

func (g *generator) training(o *directory.Organisation) (directory.City, string, string) {
	schools := []struct {
		name  string
		core  int // the programme the school is known for, in trainingPrograms
		other []int
	}{
		{"École supérieure des technologies médicales", 0, []int{1, 3, 5}},
		{"Institut de formation aux métiers de la bioproduction", 2, []int{3, 5}},
		{"Campus des métiers de la santé", 5, []int{0, 2, 3, 6}},
		{"École d'ingénieurs en santé numérique", 4, []int{0, 1, 5}},
	}
	var city directory.City
	var school int
	o.Name = g.unique(func() string {
		city, school = g.city(), g.r.IntN(len(schools))
		return schools[school].name + " " + de(city.Name)
	})
	o.ShortName = acronym(o.Name)
	o.Sectors = g.manySectors(1 + g.r.IntN(3))
	chosen := append([]int{schools[school].core}, sample(g.r, schools[school].other, 1+g.r.IntN(2))...)
	var pfr, pen []string
	for _, i := range chosen {
		pfr, pen = append(pfr, trainingPrograms[i][0]), append(pen, trainingPrograms[i][1])
		p := programmeProfile[i]
		o.Steps = append(o.Steps, p[0])
		if p[1] != "" {
			o.Bricks = append(o.Bricks, p[1])
		}
	}
	o.Headcount = headcountBand(g.between(15, 200))
	o.Founded = g.between(1960, 2015)
	g.keywords(o, kindKeywords[o.Kind], pfr)
	return city, "Forme aux métiers de la filière santé : " + strings.Join(pfr, ", ") + ". Formation initiale, alternance et formation continue.",
		"Trains the health industry's professionals: " + strings.Join(pen, ", ") + ". Degree courses, work-study and continuing education."
}

func (g *generator) incubator(o *directory.Organisation) (directory.City, string, string) {
	var city directory.City
	o.Name = g.unique(func() string {
		city = g.city()
		return pick(g.r, []string{
			"Incubateur Santé " + de(city.Name),
			"Accélérateur " + g.coined(pick(g.r, []string{"medtech", "biotech", "digital"})),
			"Pépinière d'entreprises innovantes " + de(city.Name),
			"BioIncubateur " + de(city.Name),
		})
	})
	o.Sectors = g.manySectors(3 + g.r.IntN(3))
	n, since := 20+g.r.IntN(120), 2000+g.r.IntN(20)
	o.Founded = since
	o.Headcount = headcountBand(g.between(3, 25))
	o.Steps = []string{"poc", "design"}
	if g.chance(0.3) {
		o.Steps = append(o.Steps, "research")
	}
	o.Bricks = familiesOf(o.Sectors)
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	return city, fmt.Sprintf("Accompagne les porteurs de projets innovants en santé, de l'idée à la première levée de fonds : hébergement, mentorat, programme d'accélération de six mois et accès aux investisseurs. %d start-up accompagnées depuis %d.", n, since),
		fmt.Sprintf("Supports health innovators from idea to first funding round: office space, mentoring, a six-month acceleration programme and access to investors. %d startups supported since %d.", n, since)
}

func (g *generator) investor(o *directory.Organisation) (directory.City, string, string) {
	var city directory.City
	angels := false
	o.Name = g.unique(func() string {
		city = g.city()
		angels = g.chance(0.15)
		if angels {
			return "Business Angels Santé " + city.Region
		}
		base := g.coined(pick(g.r, []string{"biotech", "medtech", "pharma", "digital"}))
		return pick(g.r, []string{base + " Capital", base + " Ventures", base + " Invest", base + " Partners", "Fonds " + base + " Santé"})
	})
	o.Sectors = g.manySectors(2 + g.r.IntN(4))
	o.Bricks = familiesOf(o.Sectors)
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	var labels []string
	var labelsEN []string
	for _, s := range o.Sectors {
		t, _ := g.tax.Sector(s)
		labels, labelsEN = append(labels, lowerFirst(t.FR)), append(labelsEN, lowerFirst(t.EN))
	}
	if angels {
		o.Headcount = headcountBand(g.between(1, 4))
		o.Founded = g.between(2000, 2015)
		o.Steps = []string{"poc", "design"}
		return city, "Réseau de business angels investissant dans les start-up de santé de la région : tickets de 50 000 à 500 000 €, mentorat des dirigeants.",
			"A business angels network investing in the region's health startups: tickets from €50,000 to €500,000, mentoring of founders."
	}
	o.Headcount = headcountBand(g.between(3, 30))
	o.Founded = g.between(1995, 2021)
	o.Steps = sample(g.r, []string{"poc", "design", "preclinical", "clinical"}, 2+g.r.IntN(3))
	lo := 1 + g.r.IntN(3)
	hi := lo + 2 + g.r.IntN(12)
	return city, fmt.Sprintf("Fonds d'investissement en amorçage et capital-risque dédié à la santé : tickets de %d à %d M€ ; secteurs : %s.", lo, hi, strings.Join(labels, ", ")),
		fmt.Sprintf("A seed and venture capital fund dedicated to health: tickets from €%dM to €%dM; sectors: %s.", lo, hi, strings.Join(labelsEN, ", "))
}

func (g *generator) authority(o *directory.Organisation) (directory.City, string, string) {
	o.Sectors = g.manySectors(3 + g.r.IntN(5))
	o.Steps = sample(g.r, []string{"research", "poc", "industrialisation", "market_access"}, 1+g.r.IntN(3))
	o.Bricks = familiesOf(sample(g.r, o.Sectors, 2+g.r.IntN(2)))
	g.keywords(o, kindKeywords[o.Kind], sectorKeywords[o.Sectors[0]])
	if !g.council {
		g.council = true
		city := g.cityIn(homeRegion)
		o.Name = g.unique(func() string { return "Conseil régional " + regionDe[homeRegion] })
		o.Headcount = headcountBand(g.between(3500, 4900))
		o.Founded = 2016 // the merged region
		return city, "Collectivité régionale : soutien à l'innovation et à la filière santé, financement des programmes de l'écosystème et des projets collaboratifs, attractivité du territoire.",
			"A regional authority: supports innovation and the health sector, funds the ecosystem's programmes and collaborative projects, promotes the region."
	}
	var city directory.City
	var variant int
	o.Name = g.unique(func() string {
		city, variant = g.city(), g.r.IntN(3)
		if variant == 1 && bigCities[city.Name] { // a metropolis, not an agglomeration
			variant = 0
		}
		switch variant {
		case 0:
			return "Agence de développement économique " + de(city.Name)
		case 1:
			return "Communauté d'agglomération " + de(city.Name)
		}
		return "Technopole Santé " + de(city.Name)
	})
	if variant == 1 {
		o.Headcount = headcountBand(g.between(200, 1500))
		o.Founded = g.between(2000, 2017)
		return city, "Intercommunalité : immobilier d'entreprises, soutien aux projets d'implantation et animation du parc d'activités santé.",
			"An intermunicipal authority: business premises, support for companies settling in, and the health business park."
	}
	o.Headcount = headcountBand(g.between(8, 60))
	o.Founded = g.between(1985, 2015)
	return city, "Agence de développement : accueil et implantation d'entreprises, accompagnement des projets d'innovation, animation de l'écosystème santé du territoire.",
		"A development agency: helps companies settle in, supports innovation projects and animates the local health ecosystem."
}

// bigCities are governed by a metropolis rather than an agglomeration.
var bigCities = map[string]bool{"Paris": true, "Lyon": true, "Marseille": true, "Toulouse": true, "Lille": true}
