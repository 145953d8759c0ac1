package demo

import (
	"fmt"
	"strings"

	"filiere/internal/directory"
)

// Solution providers are the SMEs and mid-size companies that sell services
// to the others: subcontractors, CDMOs, CROs, test labs, distributors. With
// the technology platforms, the consultancies and the clinical
// investigation centres they make up the cluster's providers database
// (about 100 structures in the demo).

// demoProviderShare is the share of the demo's SMEs and mid-size companies
// that are providers.
const demoProviderShare = 0.3

// archetype is a kind of provider: what it does, for which sectors, with
// which services, certifications, capacities and equipment.
type archetype struct {
	sector   string   // main sector
	others   []string // sectors it may serve too
	names    []string // name patterns around a coined name (%s)
	fr, en   string   // activity, a verb phrase after the name
	scope    string   // certification scope, in French
	steps    []string // value-chain steps besides its services'
	bricks   []string // technology bricks besides its services'
	extra    []string // bricks it may master too (one or two of them)
	services []string // service keys, the core service first
	certs    []string // certification codes, the one every such provider holds first
	// capacity returns the structured capacities of a provider of n
	// employees.
	capacity func(g *generator, n int) []directory.CapacityValue
	notes    []string // capacity notes, in French
	keywords []string
	weight   int
}

// rdStaff returns an R&D headcount capacity for a company of n employees,
// share percent of them at most.
func (g *generator) rdStaff(n, share int) directory.CapacityValue {
	return directory.CapacityValue{Attribute: "headcount_rd", Value: float64(max(1, n*g.between(share/3, share)/100))}
}

// unitsPerYear is an annual capacity in [lo, hi].
func (g *generator) unitsPerYear(lo, hi float64) directory.CapacityValue {
	return directory.CapacityValue{Attribute: "annual_units", Value: g.around(lo, hi)}
}

// sometimes returns caps with probability p, else nothing.
func (g *generator) sometimes(p float64, caps ...directory.CapacityValue) []directory.CapacityValue {
	if g.chance(p) {
		return caps
	}
	return nil
}

var archetypes = []archetype{
	{
		sector: "medtech", names: []string{"%s Précision", "%s Micromécanique", "Usinage %s", "%s Medical Machining"},
		fr:    "sous-traite l'usinage de précision d'implants et d'instruments pour les fabricants de dispositifs médicaux",
		en:    "provides precision machining of implants and instruments for medical device manufacturers",
		scope: "Usinage, finition et contrôle de composants, d'implants et d'instruments pour dispositifs médicaux",
		steps: []string{"design"}, bricks: []string{"mt.machining", "mt.implants"},
		extra:    []string{"mt.surface", "mt.additive", "mt.sterilisation"},
		services: []string{"machining_implants", "micromachining", "machining_proto", "passivation"},
		certs:    []string{"ISO 13485", "ISO 9001", "ISO 14001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{g.unitsPerYear(2e4, 2e6)}
			if g.chance(0.25) {
				caps = append(caps, g.cleanroom([]int{7, 8}, 30, 200)...)
			}
			return caps
		},
		notes:    []string{"Séries de 10 à 100 000 pièces ; premières pièces sous trois semaines.", "Production en 2×8, cinq jours sur sept, et usinage de nuit sans opérateur."},
		keywords: []string{"usinage", "titane", "sous-traitance", "contract manufacturing", "implants orthopédiques", "décolletage"},
		weight:   12,
	},
	{
		sector: "medtech", others: []string{"diagnostics"}, names: []string{"%s Plastiques", "%s Injection", "%s Polymères", "%s Moulding"},
		fr:    "injecte et assemble des pièces plastiques techniques pour les dispositifs médicaux et le diagnostic",
		en:    "injection-moulds and assembles technical plastic parts for medical devices and diagnostics",
		scope: "Injection, assemblage et conditionnement de composants plastiques pour dispositifs médicaux",
		steps: []string{"design"}, bricks: []string{"mt.moulding"},
		extra:    []string{"mt.microfluidics", "mt.sterilisation", "mt.electronics"},
		services: []string{"injection_cleanroom", "overmoulding", "mould_design", "microfluidic_chips"},
		certs:    []string{"ISO 13485", "ISO 9001", "ISO 14001", "ISO 14644"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{
				{Attribute: "injection_presses", Value: float64(g.between(max(4, n/12), max(8, n/4)))},
				g.unitsPerYear(1e6, 5e7),
			}
			if g.chance(0.85) {
				caps = append(caps, g.cleanroom([]int{7, 8}, 150, 1500)...)
			}
			return caps
		},
		notes:    []string{"Presses de 35 à 300 tonnes, dont une partie bi-matière.", "Production en 3×8, sept jours sur sept, sur les références à forte cadence."},
		keywords: []string{"injection plastique", "plasturgie", "salle propre", "cleanroom moulding", "surmoulage", "polymères médicaux"},
		weight:   9,
	},
	{
		sector: "medtech", others: []string{"pharma"}, names: []string{"%s Stérilisation", "%s Steril Services", "Ionisation %s"},
		fr:    "stérilise et conditionne les dispositifs médicaux de ses clients",
		en:    "sterilises and packages medical devices for its customers",
		scope: "Stérilisation à façon et conditionnement stérile de dispositifs médicaux",
		steps: []string{"industrialisation", "regulatory"}, bricks: []string{"mt.sterilisation", "sv.testing"},
		extra:    []string{"mt.surface", "ph.packaging"},
		services: []string{"eto", "radiation", "sterile_packaging", "sterilisation_validation", "packaging_ageing"},
		certs:    []string{"ISO 13485", "ISO 14001", "ISO 14644"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			return append(g.cleanroom([]int{7, 8}, 200, 1500), g.unitsPerYear(2e6, 8e7))
		},
		notes:    []string{"Cycles de stérilisation lancés sous 48 heures ; libération paramétrique possible.", "Deux cellules de 30 m³ en service continu ; une troisième prévue en 2027."},
		keywords: []string{"stérilisation", "oxyde d'éthylène", "sterilisation", "conditionnement stérile", "ISO 11135", "ISO 11607"},
		weight:   6,
	},
	{
		sector: "medtech", names: []string{"%s Additive", "%s 3D", "Impression %s", "%s Manufacturing"},
		fr:    "fabrique des implants et des instruments par impression 3D métal et polymère",
		en:    "manufactures implants and instruments by metal and polymer 3D printing",
		scope: "Fabrication additive, post-traitement et contrôle d'implants et d'instruments sur mesure",
		steps: []string{"design"}, bricks: []string{"mt.additive", "mt.implants"},
		extra:    []string{"mt.machining", "mt.surface"},
		services: []string{"metal3d", "polymer3d", "machining_proto", "ha_coating"},
		certs:    []string{"ISO 13485", "ISO 9001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{g.unitsPerYear(1e3, 4e4), g.rdStaff(n, 25)}
			if g.chance(0.3) {
				caps = append(caps, g.cleanroom([]int{7, 8}, 40, 200)...)
			}
			return caps
		},
		notes:    []string{"Implants patient-spécifiques livrés en dix jours ouvrés.", "Poudres de titane recyclées et tracées lot par lot."},
		keywords: []string{"impression 3D", "fabrication additive", "additive manufacturing", "implants sur mesure", "titane"},
		weight:   6,
	},
	{
		sector: "medtech", others: []string{"digital"}, names: []string{"%s Électronique", "%s Electronics", "%s Systèmes"},
		fr:    "conçoit et fabrique l'électronique et le logiciel embarqué de dispositifs médicaux",
		en:    "designs and manufactures the electronics and embedded software of medical devices",
		scope: "Conception, industrialisation et fabrication de sous-ensembles électroniques pour dispositifs médicaux",
		steps: []string{"design", "industrialisation"}, bricks: []string{"mt.electronics"},
		extra:    []string{"dg.samd", "mt.optics", "dg.telemedicine"},
		services: []string{"electronics_design", "electronics_assembly", "samd_dev", "usability"},
		certs:    []string{"ISO 13485", "ISO 9001", "ISO 14001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			return []directory.CapacityValue{g.unitsPerYear(5e3, 5e5), g.rdStaff(n, 40)}
		},
		notes:    []string{"Petites et moyennes séries, de 100 à 50 000 cartes par an.", "Bureau d'études de conception intégré au site de production."},
		keywords: []string{"électronique médicale", "logiciel embarqué", "IEC 60601", "IEC 62304", "capteurs", "medical electronics"},
		weight:   7,
	},
	{
		sector: "biotech", others: []string{"pharma"}, names: []string{"%s Biologics", "%s Bioproduction", "%s CDMO", "%s Biomanufacturing"},
		fr:    "développe et produit à façon des biomédicaments pour les essais cliniques et le marché",
		en:    "develops and manufactures biologics under contract for clinical trials and the market",
		scope: "Développement, fabrication et contrôle de substances actives biologiques",
		steps: []string{"preclinical"}, bricks: []string{"sv.cdmo", "bt.bioproduction"},
		extra:    []string{"bt.antibodies", "bt.analytics", "bt.cell", "bt.gene"},
		services: []string{"gmp_batches", "process_dev", "scale_up", "downstream", "qc_release", "cell_lines", "viral_vectors", "cell_banks"},
		certs:    []string{"BPF", "ISO 9001", "ISO 14001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{{Attribute: "bioreactor_volume", Value: pick(g.r, []float64{50, 200, 200, 500, 500, 1000, 2000})}}
			caps = append(caps, g.cleanroom([]int{5, 7}, 200, 2000)...)
			return append(caps, g.rdStaff(n, 30))
		},
		notes:    []string{"Créneaux de production réservables six mois à l'avance.", "Transfert de procédé en six à neuf mois selon sa maturité.", "Suites de production à usage unique, changement de produit en une semaine."},
		keywords: []string{"CDMO", "bioproduction", "biologics", "GMP manufacturing", "anticorps", "bioréacteurs"},
		weight:   9,
	},
	{
		sector: "pharma", names: []string{"%s Pharma Services", "Laboratoires %s", "%s Pharma Manufacturing"},
		fr:    "développe et fabrique à façon des médicaments pour les laboratoires pharmaceutiques",
		en:    "develops and manufactures medicines under contract for pharmaceutical companies",
		scope: "Fabrication, conditionnement et contrôle de médicaments à usage humain",
		steps: []string{"design"}, bricks: []string{"sv.cdmo", "ph.formulation"},
		extra:    []string{"ph.api", "ph.packaging", "ph.stability", "bt.analytics"},
		services: []string{"pharma_manufacturing", "formulation_dev", "api_synthesis", "pharma_packaging", "stability_ich", "qc_release"},
		certs:    []string{"BPF", "ISO 14001", "ISO 9001", "ISO 14644"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{g.unitsPerYear(2e6, 8e7)}
			if g.chance(0.7) {
				caps = append(caps, g.cleanroom([]int{5, 7, 8}, 150, 2000)...)
			}
			return caps
		},
		notes:    []string{"Lots cliniques et commerciaux sur les mêmes équipements, sans transfert.", "Capacité disponible d'environ 25 % sur les formes sèches."},
		keywords: []string{"façonnier", "CDMO", "médicament", "contract manufacturing", "formes sèches", "BPF"},
		weight:   7,
	},
	{
		sector: "cosmetics", names: []string{"Laboratoires %s", "%s Cosmétiques", "%s Beauty Lab"},
		fr:    "formule et fabrique à façon des produits cosmétiques pour les marques",
		en:    "formulates and manufactures cosmetics under contract for brands",
		scope: "Développement, fabrication et conditionnement de produits cosmétiques",
		steps: []string{"design", "industrialisation"}, bricks: []string{"ph.formulation", "ph.packaging"},
		extra:    []string{"ph.stability", "ph.toxicology"},
		services: []string{"cosmetics_manufacturing", "formulation_dev", "stability_ich", "cosmetics_regulatory", "skin_tolerance"},
		certs:    []string{"ISO 22716", "ISO 9001", "ISO 14001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{g.unitsPerYear(5e5, 4e7)}
			if g.chance(0.2) {
				caps = append(caps, g.cleanroom([]int{8}, 100, 500)...)
			}
			return caps
		},
		notes:    []string{"Minimum de commande de 5 000 unités ; formules de la marque ou du catalogue.", "Cuves de 50 kg à 5 tonnes ; lignes de remplissage tubes, flacons et pots."},
		keywords: []string{"cosmétique", "façonnage", "private label", "soins", "formulation", "naturalité"},
		weight:   6,
	},
	{
		sector: "nutrition", names: []string{"%s Nutrition Services", "Laboratoires %s", "%s Nutraceutique"},
		fr:    "formule et fabrique à façon des compléments alimentaires",
		en:    "formulates and manufactures food supplements under contract",
		scope: "Formulation, fabrication et conditionnement de compléments alimentaires",
		steps: []string{"design"}, bricks: []string{"ph.formulation"},
		extra:    []string{"bt.microbiome", "ph.stability", "ph.packaging"},
		services: []string{"supplements_manufacturing", "supplements_formulation", "probiotics", "stability_ich"},
		certs:    []string{"ISO 9001", "ISO 14001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			return []directory.CapacityValue{g.unitsPerYear(1e6, 5e7)}
		},
		notes:    []string{"Séries à partir de 10 000 unités ; délai de six semaines.", "Conditionnement en piluliers, blisters et sticks sur le même site."},
		keywords: []string{"compléments alimentaires", "food supplements", "nutraceutique", "probiotiques", "façonnage"},
		weight:   4,
	},
	{
		sector: "medtech", others: []string{"pharma"}, names: []string{"%s Testing", "Laboratoire %s", "%s Essais", "%s Lab"},
		fr:    "est un laboratoire d'essais accrédité au service des fabricants de dispositifs médicaux",
		en:    "is an accredited testing laboratory serving medical device manufacturers",
		scope: "Essais physiques, biologiques et de sécurité des dispositifs médicaux",
		steps: []string{"preclinical", "regulatory"}, bricks: []string{"sv.testing"},
		extra:    []string{"ph.toxicology", "mt.implants", "bt.analytics"},
		services: []string{"biocompat", "mechanical_testing", "electrical_safety", "emc_testing", "packaging_ageing", "micro_sterility", "wear_testing"},
		certs:    []string{"COFRAC ISO 17025", "BPL", "ISO 9001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			return g.sometimes(0.4, g.rdStaff(n, 30))
		},
		notes:    []string{"Délais d'essai de deux à six semaines selon la norme.", "Essais de préqualification possibles dès les premiers prototypes."},
		keywords: []string{"essais", "laboratoire accrédité", "testing", "biocompatibilité", "ISO 10993", "conformité"},
		weight:   9,
	},
	{
		sector: "pharma", others: []string{"biotech", "cosmetics"}, names: []string{"%s Analytics", "Laboratoire %s", "%s Bioanalyse"},
		fr:    "réalise les analyses et le contrôle qualité des produits de santé",
		en:    "performs the analyses and quality control of health products",
		scope: "Analyses physico-chimiques, microbiologiques et biologiques de produits de santé",
		steps: []string{"preclinical", "industrialisation"}, bricks: []string{"bt.analytics", "sv.testing"},
		extra:    []string{"ph.stability", "ph.toxicology", "dx.biomarkers"},
		services: []string{"qc_release", "analytical_methods", "stability_ich", "biomarker_assays", "micro_sterility", "tox_invitro"},
		certs:    []string{"COFRAC ISO 17025", "BPF", "BPL", "ISO 9001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			return g.sometimes(0.4, g.rdStaff(n, 30))
		},
		notes:    []string{"Libération des lots sous dix jours ouvrés.", "Réception des échantillons six jours sur sept."},
		keywords: []string{"contrôle qualité", "bioanalyse", "quality control", "analyses", "Pharmacopée européenne"},
		weight:   6,
	},
	{
		sector: "pharma", others: []string{"medtech", "biotech"}, names: []string{"%s Clinical", "%s Research", "%s CRO"},
		fr:    "conçoit et conduit les études cliniques des industriels de santé",
		en:    "designs and runs clinical studies for health companies",
		scope: "Conception, conduite et analyse d'études cliniques",
		steps: []string{"clinical", "regulatory"}, bricks: []string{"sv.cro", "sv.regulatory"},
		extra:    []string{"sv.market", "dg.interop"},
		services: []string{"device_trials", "drug_trials", "data_management", "pmcf", "ce_marking"},
		certs:    []string{"ISO 9001", "ISO 27001"},
		capacity: func(g *generator, n int) []directory.CapacityValue { return nil },
		notes:    []string{"Réseau de 60 centres investigateurs en France et en Europe."},
		keywords: []string{"CRO", "essais cliniques", "clinical trials", "investigation clinique", "ISO 14155", "monitoring"},
		weight:   8,
	},
	{
		sector: "diagnostics", others: []string{"medtech"}, names: []string{"%s Diagnostics Services", "%s Reagents", "%s Dx Manufacturing"},
		fr:    "développe et fabrique à façon des réactifs et des tests de diagnostic in vitro",
		en:    "develops and manufactures in vitro diagnostic reagents and tests under contract",
		scope: "Conception, fabrication et contrôle de réactifs et de dispositifs de diagnostic in vitro",
		steps: []string{"design", "industrialisation"}, bricks: []string{"dx.ivd"},
		extra:    []string{"mt.microfluidics", "bt.antibodies", "dx.biomarkers"},
		services: []string{"reagents", "ivd_performance", "microfluidic_design", "microfluidic_chips"},
		certs:    []string{"ISO 13485", "ISO 9001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			caps := []directory.CapacityValue{g.unitsPerYear(1e5, 2e7)}
			if g.chance(0.7) {
				caps = append(caps, g.cleanroom([]int{7, 8}, 50, 600)...)
			}
			return caps
		},
		notes:    []string{"Lyophilisation de 2 000 à 200 000 unités par lot."},
		keywords: []string{"diagnostic in vitro", "réactifs", "IVD", "IVDR", "tests rapides", "microfluidique"},
		weight:   5,
	},
	{
		sector: "digital", names: []string{"%s Cloud Santé", "%s Hosting", "%s Data Services"},
		fr:    "héberge et exploite les applications et les données de santé de ses clients",
		en:    "hosts and runs health applications and data for its customers",
		scope: "Hébergement, infogérance et exploitation d'applications de santé",
		steps: []string{"industrialisation"}, bricks: []string{"dg.hosting"},
		extra:    []string{"dg.interop", "dg.ai"},
		services: []string{"hds_hosting", "fhir_integration", "warehouse_studies"},
		certs:    []string{"HDS", "ISO 27001"},
		capacity: func(g *generator, n int) []directory.CapacityValue { return nil },
		notes:    []string{"Deux centres de données en France, à plus de 100 km l'un de l'autre."},
		keywords: []string{"hébergement HDS", "cloud santé", "health data hosting", "infogérance", "cybersécurité"},
		weight:   4,
	},
	{
		sector: "digital", others: []string{"medtech"}, names: []string{"%s Software", "%s Digital Lab", "%s Studio"},
		fr:    "développe à façon des logiciels dispositifs médicaux et des algorithmes d'IA",
		en:    "develops medical device software and AI algorithms under contract",
		scope: "Conception et développement de logiciels dispositifs médicaux",
		steps: []string{"design", "regulatory"}, bricks: []string{"dg.samd"},
		extra:    []string{"dg.ai", "dg.interop", "dg.telemedicine"},
		services: []string{"samd_dev", "data_annotation", "fhir_integration", "usability"},
		certs:    []string{"ISO 13485", "ISO 27001"},
		capacity: func(g *generator, n int) []directory.CapacityValue {
			return []directory.CapacityValue{g.rdStaff(n, 70)}
		},
		notes:    []string{"Équipes mixtes développeurs, qualité et affaires réglementaires."},
		keywords: []string{"logiciel dispositif médical", "SaMD", "intelligence artificielle", "IEC 62304", "développement logiciel"},
		weight:   4,
	},
	{
		sector: "medtech", others: []string{"pharma", "diagnostics"}, names: []string{"%s Distribution", "%s Médical", "%s Hospital Supply"},
		fr:    "distribue des dispositifs médicaux et des équipements biomédicaux auprès des établissements de santé",
		en:    "distributes medical devices and biomedical equipment to healthcare facilities",
		scope: "Distribution, installation et maintenance de dispositifs médicaux",
		steps: []string{"distribution", "market_access"}, bricks: []string{"sv.market"},
		extra:    []string{"sv.regulatory", "dg.telemedicine"},
		services: []string{"md_distribution", "biomedical_maintenance", "cold_chain", "market_access"},
		certs:    []string{"ISO 9001", "ISO 13485"},
		capacity: func(g *generator, n int) []directory.CapacityValue { return nil },
		notes:    []string{"Entrepôt de 4 000 m² dont une zone sous température dirigée.", "Techniciens biomédicaux répartis sur cinq régions."},
		keywords: []string{"distribution", "logistique", "centrales d'achat", "matériovigilance", "after-sales", "biomédical"},
		weight:   6,
	},
}

var archetypeWeights = func() []int {
	w := make([]int, len(archetypes))
	for i, a := range archetypes {
		w[i] = a.weight
	}
	return w
}()

// genericNotes are capacity notes any manufacturing provider may write.
var genericNotes = []string{
	"Capacité disponible d'environ 20 % sur 2027.",
	"Agrandissement du site prévu pour 2027.",
	"Audits clients et visites du site sur rendez-vous.",
}

// provider fills an SME or mid-size company that sells its services.
func (g *generator) provider(o *directory.Organisation) (directory.City, string, string) {
	a := archetypes[weighted(g.r, archetypeWeights)]
	o.Sectors = []string{a.sector}
	if len(a.others) > 0 && g.chance(0.5) {
		o.Sectors = append(o.Sectors, pick(g.r, a.others))
	}
	o.Name = g.unique(func() string { return fmt.Sprintf(pick(g.r, a.names), g.coined(a.sector)) })
	city := g.city()
	var n int
	var fr, en []string
	if o.Kind == "midcap" {
		n = 250 + 10*g.r.IntN(120)
		o.Founded = g.between(1950, 2005)
		fr = append(fr, fmt.Sprintf("ETI de %s salariés basée à %s, %s %s.", thousandsFR(n), city.Name, o.Name, a.fr))
		en = append(en, fmt.Sprintf("A mid-size company of %s employees based in %s, %s %s.", thousandsEN(n), city.Name, o.Name, a.en))
	} else {
		n = 10 + g.r.IntN(230)
		o.Founded = g.between(1975, 2019)
		fr = append(fr, fmt.Sprintf("PME de %d salariés basée à %s, %s %s.", n, city.Name, o.Name, a.fr))
		en = append(en, fmt.Sprintf("An SME of %d employees based in %s, %s %s.", n, city.Name, o.Name, a.en))
	}
	g.staff(o, n)
	o.Steps = append(o.Steps, a.steps...)
	o.Bricks = append(o.Bricks, a.bricks...)
	o.Bricks = append(o.Bricks, sample(g.r, a.extra, 1+g.r.IntN(2))...)
	keys := g.pickServices(a.services, 2+g.r.IntN(4))
	g.offer(o, keys)
	o.Capacities = a.capacity(g, n)

	var sfr, sen []string
	for _, sv := range o.Services {
		sfr, sen = append(sfr, lowerFirst(sv.TitleFR)), append(sen, lowerFirst(sv.TitleEN))
	}
	fr = append(fr, "Prestations : "+strings.Join(sfr, " ; ")+".")
	en = append(en, "Services: "+strings.Join(sen, "; ")+".")
	if cfr, cen := cleanroomText(o); cfr != "" {
		fr, en = append(fr, cfr), append(en, cen)
	}

	codes := []string{a.certs[0]}
	for _, c := range sample(g.r, a.certs[1:], g.r.IntN(min(2, len(a.certs)-1)+1)) {
		if _, clean := capacity(o, "cleanroom_class"); c != "ISO 14644" || clean {
			codes = append(codes, c)
		}
	}
	g.certify(o, codes, a.scope, city.Name)
	fr = append(fr, "Certifications : "+strings.Join(codes, ", ")+".")
	en = append(en, "Certifications: "+certificationsEN(codes)+".")

	o.Equipment = g.equipment(a.sector, o.Bricks, 2+g.r.IntN(3))
	if g.chance(0.6) {
		o.CapacityNotes = pick(g.r, append(a.notes[:len(a.notes):len(a.notes)], genericNotes...))
	}
	g.keywords(o, a.keywords, sectorKeywords[a.sector])
	return city, strings.Join(fr, " "), strings.Join(en, " ")
}
