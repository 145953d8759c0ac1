package demo

// The demo cluster's vocabulary: word lists the generator composes names,
// descriptions, addresses and people from. Everything here is fictional or
// generic domain wording; no real company is named.

// homeRegion is where the demo cluster is based: most members are there, and
// its regional council funds the programme.
const homeRegion = "Bourgogne-Franche-Comté"

// cityWeights says how many organisations a city draws, relative to the
// others: the home region's cities first, then the big national hubs.
// Cities missing here weigh 3.
var cityWeights = map[string]int{
	"Besançon": 60, "Dijon": 40, "Montbéliard": 15, "Belfort": 15, "Dole": 12, "Chalon-sur-Saône": 10,
	"Pontarlier": 8, "Vesoul": 8,
	"Paris": 30, "Lyon": 25, "Strasbourg": 12, "Grenoble": 10, "Marseille": 8, "Toulouse": 8,
	"Montpellier": 8, "Nantes": 7, "Bordeaux": 7, "Lille": 7, "Rennes": 6, "Nancy": 6,
	"Illkirch-Graffenstaden": 6, "Nice": 5, "Évry-Courcouronnes": 5, "Villejuif": 5, "Saclay": 5,
	"Clermont-Ferrand": 5, "Gif-sur-Yvette": 4, "Boulogne-Billancourt": 4, "Reims": 4,
	"Saint-Étienne": 4, "Annecy": 4,
}

// regionDe is each region's name after "de" with the right contraction.
var regionDe = map[string]string{
	"Île-de-France": "d'Île-de-France", "Bourgogne-Franche-Comté": "de Bourgogne-Franche-Comté",
	"Auvergne-Rhône-Alpes": "d'Auvergne-Rhône-Alpes", "Grand Est": "du Grand Est",
	"Provence-Alpes-Côte d'Azur": "de Provence-Alpes-Côte d'Azur", "Occitanie": "d'Occitanie",
	"Nouvelle-Aquitaine": "de Nouvelle-Aquitaine", "Pays de la Loire": "des Pays de la Loire",
	"Bretagne": "de Bretagne", "Hauts-de-France": "des Hauts-de-France", "Normandie": "de Normandie",
	"Centre-Val de Loire": "du Centre-Val de Loire",
}

// kindShare is the share of a kind of organisation, per thousand.
type kindShare struct {
	kind     string
	perMille int
}

// kindShares is how the demo directory splits over organisation kinds, per
// thousand: mostly startups and SMEs, as in a real health cluster.
var kindShares = []kindShare{
	{"startup", 300}, {"sme", 280}, {"midcap", 60}, {"large", 35}, {"lab", 80}, {"platform", 45},
	{"hospital", 30}, {"cic", 10}, {"training", 25}, {"incubator", 20}, {"investor", 30},
	{"authority", 30}, {"consultancy", 55},
}

// sectorWeights says how often each sector is a company's main one.
var sectorWeights = []struct {
	sector string
	weight int
}{
	{"medtech", 30}, {"biotech", 18}, {"pharma", 11}, {"cosmetics", 7}, {"nutrition", 6},
	{"diagnostics", 13}, {"digital", 15},
}

// Coined company names are a root and a suffix. A root is "stem|link": the
// link vowel goes before a suffix starting with a consonant and is dropped
// before one starting with a vowel (Cardi|o → Cardiolys, Cardience).
var sectorRoots = map[string][]string{
	"medtech":     {"Cardi|o", "Orth|o", "Neur|o", "Oste|o", "Vascul|a", "Pneum|o", "Steril", "Implant", "Chirur", "Son|o", "Kin|e", "Axel", "Flexim", "Valv|o", "Stent"},
	"biotech":     {"Cyt|o", "Immun|o", "Cell|i", "Myc|o", "Prot|e", "Vect|o", "Lymph|o", "Rib|o", "Helic", "Antig", "Plasm", "Clon"},
	"pharma":      {"Galen", "Mol|e", "Form|u", "Cur|a", "Pharm|a", "Synth", "Therap", "Dos|i", "Posol"},
	"cosmetics":   {"Derm|a", "Ker|a", "Lip|i", "Ep|i", "Flor|a", "Cutan", "Sev|e", "Botan"},
	"nutrition":   {"Nutr|i", "Vit|a", "Lact|o", "Fibr|a", "Probi|o", "Omég|a", "Gran|o", "Micron"},
	"diagnostics": {"Di|a", "Ser|o", "Hem|a", "Path|o", "Radi|o", "Onc|o", "Detect", "Lum|i", "Marq", "Assay"},
	"digital":     {"Alg|o", "Pred|i", "Cogn|i", "Tel|e", "Num|a", "Sync", "Dat|a", "Quant|i", "Medin", "Carel"},
}

var (
	consonantSuffixes = []string{"lys", "vance", "nova", "vista", "lia", "vie", "dyne", "line", "tis", "nea", "sens", "cure", "stra", "rys", "flux", "mind", "pulse", "vita"}
	vowelSuffixes     = []string{"ix", "ia", "is", "ome", "era", "ova", "ence", "ys", "alis", "eo", "ium", "ea", "yx", "ina", "ane", "ora", "ens", "ica", "aris", "eon"}
)

// realNames are well-known health companies a coined name must not equal.
var realNames = []string{
	"biogen", "genzyme", "medtronic", "sanofi", "servier", "ipsen", "biomerieux", "stryker", "novartis",
	"cellectis", "transgene", "genfit", "valneva", "innate", "nanobiotix", "abivax", "erytech", "inventiva",
	"guerbet", "vygon", "theraclion", "echosens", "cardiologs", "median", "quantum", "lumira", "genoway",
	"sensome", "pharnext", "cerenis", "carmat", "eurobio", "biosynex", "stago", "diagnostica", "neuroone",
	"osteal", "orthopaedic", "biocorp", "medincell", "onconova", "immunovia", "cytosens", "dermalis",
}

// sectorDescriptors follow a coined name: "Neurovance Diagnostics".
var sectorDescriptors = map[string][]string{
	"medtech":     {"Medical", "Medtech", "Implants", "Surgical", "Devices", "Robotics", "Instruments", "Médical"},
	"biotech":     {"Biotech", "Therapeutics", "Biosciences", "Bio", "Biologics"},
	"pharma":      {"Pharma", "Therapeutics", "Pharmaceuticals"},
	"cosmetics":   {"Cosmetics", "Cosmétiques", "Skincare", "Dermo"},
	"nutrition":   {"Nutrition", "Nutraceuticals", "Santé", "Foods"},
	"diagnostics": {"Diagnostics", "Dx", "Imaging", "Bioanalyse"},
	"digital":     {"Health", "Santé", "Data", "Digital", "Care", "AI"},
}

// activity is what a company does, as a French and an English verb phrase
// that follows its name; area says whether a therapeutic area may follow.
type activity struct {
	fr, en string
	area   bool
}

var sectorActivities = map[string][]activity{
	"medtech": {
		{"conçoit et fabrique des dispositifs médicaux implantables", "designs and manufactures implantable medical devices", true},
		{"développe des instruments chirurgicaux à usage unique", "develops single-use surgical instruments", true},
		{"conçoit des capteurs connectés pour le suivi des patients à domicile", "designs connected sensors for home patient monitoring", true},
		{"fabrique des implants orthopédiques sur mesure", "manufactures custom orthopaedic implants", false},
		{"développe des dispositifs de neurostimulation", "develops neurostimulation devices", false},
		{"sous-traite l'usinage et l'assemblage de composants de dispositifs médicaux", "provides contract machining and assembly of medical device components", false},
		{"conçoit des équipements d'aide à la mobilité et de rééducation", "designs mobility-aid and rehabilitation equipment", false},
	},
	"biotech": {
		{"développe des anticorps thérapeutiques", "develops therapeutic antibodies", true},
		{"met au point des thérapies cellulaires de nouvelle génération", "develops next-generation cell therapies", true},
		{"conçoit des vecteurs viraux pour la thérapie génique", "designs viral vectors for gene therapy", true},
		{"développe des procédés de bioproduction", "develops bioproduction processes", false},
		{"explore le microbiote pour de nouvelles approches thérapeutiques", "explores the microbiome for new therapeutic approaches", true},
		{"développe des vaccins à ARN messager", "develops messenger RNA vaccines", false},
	},
	"pharma": {
		{"développe des candidats médicaments", "develops drug candidates", true},
		{"formule et produit des médicaments génériques et hybrides", "formulates and manufactures generic and hybrid medicines", false},
		{"synthétise des principes actifs pour l'industrie pharmaceutique", "synthesises active pharmaceutical ingredients", false},
		{"repositionne des molécules existantes vers de nouvelles indications", "repurposes existing molecules for new indications", true},
		{"développe des formes galéniques innovantes", "develops innovative dosage forms", true},
	},
	"cosmetics": {
		{"formule des soins dermo-cosmétiques à base d'actifs naturels", "formulates dermocosmetic skincare based on natural active ingredients", false},
		{"développe et fabrique des produits cosmétiques pour des marques", "develops and manufactures cosmetics for brands", false},
		{"évalue la tolérance et l'efficacité des produits cosmétiques", "assesses the safety and efficacy of cosmetic products", false},
	},
	"nutrition": {
		{"développe des compléments alimentaires à visée santé", "develops health-oriented food supplements", false},
		{"conçoit des aliments adaptés aux besoins des patients", "designs foods adapted to patients' needs", true},
		{"développe des probiotiques et des prébiotiques", "develops probiotics and prebiotics", false},
	},
	"diagnostics": {
		{"développe des tests de diagnostic in vitro", "develops in vitro diagnostic tests", true},
		{"conçoit des solutions d'imagerie médicale", "designs medical imaging solutions", true},
		{"identifie et valide des biomarqueurs", "identifies and validates biomarkers", true},
		{"développe des tests de diagnostic rapide au chevet du patient", "develops point-of-care rapid diagnostic tests", true},
	},
	"digital": {
		{"édite des logiciels pour les établissements de santé", "publishes software for healthcare facilities", false},
		{"développe des algorithmes d'intelligence artificielle d'aide au diagnostic", "develops AI algorithms for diagnostic support", true},
		{"propose une plateforme de télésuivi des patients chroniques", "offers a remote monitoring platform for chronic patients", true},
		{"développe des dispositifs médicaux numériques", "develops digital medical devices", true},
		{"valorise les données de santé pour la recherche clinique", "puts health data to work for clinical research", false},
	},
}

// areas are therapeutic areas, French and English.
var areas = [][2]string{
	{"cardiologie", "cardiology"}, {"neurologie", "neurology"}, {"oncologie", "oncology"},
	{"orthopédie", "orthopaedics"}, {"dermatologie", "dermatology"}, {"ophtalmologie", "ophthalmology"},
	{"pneumologie", "pulmonology"}, {"diabétologie", "diabetology"}, {"gériatrie", "geriatrics"},
	{"maladies rares", "rare diseases"}, {"maladies infectieuses", "infectious diseases"},
	{"gastro-entérologie", "gastroenterology"},
}

// sectorBricks are the technology bricks (taxonomy codes) a company of each
// sector draws its know-how from.
var sectorBricks = map[string][]string{
	"medtech":     {"mt.machining", "mt.moulding", "mt.additive", "mt.implants", "mt.electronics", "mt.sterilisation", "mt.surface", "mt.robotics", "mt.optics", "dg.samd"},
	"biotech":     {"bt.cell", "bt.gene", "bt.mrna", "bt.antibodies", "bt.bioproduction", "bt.microbiome", "bt.dna", "bt.analytics"},
	"pharma":      {"ph.formulation", "ph.api", "ph.stability", "ph.packaging", "ph.toxicology", "bt.analytics"},
	"cosmetics":   {"ph.formulation", "ph.toxicology", "ph.stability", "ph.packaging"},
	"nutrition":   {"bt.microbiome", "ph.formulation", "ph.stability", "bt.analytics"},
	"diagnostics": {"dx.ivd", "dx.biomarkers", "dx.imaging", "dx.pathology", "mt.microfluidics", "dg.ai"},
	"digital":     {"dg.ai", "dg.hosting", "dg.telemedicine", "dg.samd", "dg.interop"},
}

// sectorCertifications are the certifications (taxonomy codes) companies of
// each sector hold.
var sectorCertifications = map[string][]string{
	"medtech":     {"ISO 13485", "ISO 9001", "ISO 14001"},
	"biotech":     {"BPF", "BPL", "ISO 9001"},
	"pharma":      {"BPF", "BPL", "ISO 14001"},
	"cosmetics":   {"ISO 22716", "ISO 9001"},
	"nutrition":   {"ISO 9001", "ISO 14001"},
	"diagnostics": {"ISO 13485", "COFRAC ISO 17025"},
	"digital":     {"HDS", "ISO 27001"},
}

// kindSteps are the value-chain steps (taxonomy codes) each kind works on.
var kindSteps = map[string][]string{
	"startup":     {"research", "poc", "design", "preclinical", "clinical", "regulatory"},
	"sme":         {"design", "preclinical", "regulatory", "industrialisation", "market_access", "distribution"},
	"midcap":      {"design", "regulatory", "industrialisation", "market_access", "distribution"},
	"large":       {"clinical", "regulatory", "industrialisation", "market_access", "distribution"},
	"lab":         {"research", "poc", "preclinical"},
	"platform":    {"poc", "design", "preclinical"},
	"hospital":    {"clinical", "market_access"},
	"cic":         {"clinical"},
	"consultancy": {"regulatory", "clinical", "market_access"},
}

// labTheme is a research theme: French and English names, the sectors and
// technology bricks it belongs to.
type labTheme struct {
	fr, en  string
	sectors []string
	bricks  []string
}

var labThemes = []labTheme{
	{"Biomécanique et Ingénierie Tissulaire", "Biomechanics and Tissue Engineering", []string{"medtech"}, []string{"mt.implants", "mt.additive"}},
	{"Imagerie Moléculaire et Fonctionnelle", "Molecular and Functional Imaging", []string{"diagnostics"}, []string{"dx.imaging", "dx.biomarkers"}},
	{"Immunologie et Thérapies Ciblées", "Immunology and Targeted Therapies", []string{"biotech", "pharma"}, []string{"bt.antibodies", "bt.cell"}},
	{"Neurosciences Intégratives", "Integrative Neuroscience", []string{"biotech", "medtech"}, []string{"mt.electronics", "dx.imaging"}},
	{"Chimie Thérapeutique", "Medicinal Chemistry", []string{"pharma"}, []string{"ph.api", "ph.formulation"}},
	{"Nutrition, Métabolisme et Microbiote", "Nutrition, Metabolism and Microbiome", []string{"nutrition", "biotech"}, []string{"bt.microbiome", "bt.analytics"}},
	{"Dermatologie et Biologie Cutanée", "Dermatology and Skin Biology", []string{"cosmetics", "pharma"}, []string{"ph.toxicology", "ph.formulation"}},
	{"Biomatériaux et Interfaces", "Biomaterials and Interfaces", []string{"medtech"}, []string{"mt.implants", "mt.surface"}},
	{"Microsystèmes pour la Santé", "Microsystems for Health", []string{"medtech", "diagnostics"}, []string{"mt.microfluidics", "mt.electronics"}},
	{"Informatique Médicale et Données de Santé", "Medical Informatics and Health Data", []string{"digital"}, []string{"dg.ai", "dg.interop"}},
	{"Oncologie Translationnelle", "Translational Oncology", []string{"biotech", "diagnostics", "pharma"}, []string{"dx.biomarkers", "bt.cell"}},
	{"Génomique Fonctionnelle", "Functional Genomics", []string{"biotech", "diagnostics"}, []string{"bt.dna", "dx.biomarkers"}},
	{"Physiopathologie Cardiovasculaire", "Cardiovascular Pathophysiology", []string{"medtech", "pharma"}, []string{"dx.biomarkers", "mt.implants"}},
	{"Thérapie Cellulaire et Génique", "Cell and Gene Therapy", []string{"biotech"}, []string{"bt.cell", "bt.gene"}},
	{"Robotique et Gestes Médicaux", "Robotics and Medical Procedures", []string{"medtech", "digital"}, []string{"mt.robotics", "dg.ai"}},
	{"Infectiologie et Vaccinologie", "Infectious Diseases and Vaccinology", []string{"biotech", "pharma", "diagnostics"}, []string{"bt.mrna", "dx.ivd"}},
	{"Ingénierie des Bioprocédés", "Bioprocess Engineering", []string{"biotech"}, []string{"bt.bioproduction", "bt.analytics"}},
	{"Optique Biomédicale", "Biomedical Optics", []string{"medtech", "diagnostics"}, []string{"mt.optics", "dx.imaging"}},
}

// platformThemes name technology platforms: "Plateforme <fr> de <city>".
var platformThemes = []labTheme{
	{"Imagerie Préclinique", "Preclinical Imaging", []string{"diagnostics", "pharma"}, []string{"dx.imaging"}},
	{"Bioproduction", "Bioproduction", []string{"biotech"}, []string{"bt.bioproduction", "bt.analytics"}},
	{"Génomique et Séquençage", "Genomics and Sequencing", []string{"biotech", "diagnostics"}, []string{"bt.dna", "dx.biomarkers"}},
	{"Protéomique", "Proteomics", []string{"biotech", "diagnostics"}, []string{"bt.analytics", "dx.biomarkers"}},
	{"Cytométrie et Tri Cellulaire", "Cytometry and Cell Sorting", []string{"biotech"}, []string{"bt.cell", "bt.analytics"}},
	{"Fabrication Additive Médicale", "Medical Additive Manufacturing", []string{"medtech"}, []string{"mt.additive", "mt.implants"}},
	{"Microfluidique", "Microfluidics", []string{"medtech", "diagnostics"}, []string{"mt.microfluidics"}},
	{"Essais Biomécaniques", "Biomechanical Testing", []string{"medtech"}, []string{"sv.testing", "mt.implants"}},
	{"Criblage Haut Débit", "High-Throughput Screening", []string{"pharma", "biotech"}, []string{"ph.toxicology", "bt.analytics"}},
	{"Simulation en Santé", "Healthcare Simulation", []string{"medtech", "digital"}, []string{"dg.telemedicine", "mt.robotics"}},
	{"Données de Santé", "Health Data", []string{"digital"}, []string{"dg.hosting", "dg.ai", "dg.interop"}},
	{"Formulation et Galénique", "Formulation", []string{"pharma", "cosmetics"}, []string{"ph.formulation", "ph.stability"}},
}

// trainingPrograms are what schools teach, French and English.
var trainingPrograms = [][2]string{
	{"ingénierie biomédicale", "biomedical engineering"},
	{"affaires réglementaires des dispositifs médicaux", "medical device regulatory affairs"},
	{"bioproduction", "bioproduction"},
	{"qualité en industrie de santé", "quality in the health industry"},
	{"science des données en santé", "health data science"},
	{"recherche clinique", "clinical research"},
	{"cosmétologie", "cosmetology"},
}

// Addresses.
var (
	streetTypes = []string{"rue", "rue", "rue", "avenue", "avenue", "boulevard", "allée", "place", "chemin", "quai", "impasse"}
	streetNames = []string{
		"Claude Bernard", "Louis Pasteur", "Marie Curie", "Ambroise Paré", "Alexander Fleming", "Victor Hugo",
		"Jean Jaurès", "de la République", "du Général de Gaulle", "des Lilas", "des Tilleuls", "du Parc",
		"de la Gare", "des Sciences", "de l'Innovation", "de la Découverte", "Gustave Eiffel", "Albert Einstein",
		"Irène Joliot-Curie", "de l'Hôpital", "des Chênes", "du Moulin", "des Vignes", "des Écoles", "Émile Zola",
		"Jules Verne", "Simone Veil", "Paul Langevin", "Édouard Belin", "des Entrepreneurs", "de la Recherche",
		"Nicéphore Niépce", "Gaston Berger", "Rosalind Franklin", "du Stade", "des Acacias", "Pierre-Gilles de Gennes",
	}
	buildings = []string{"bâtiment A", "bâtiment B", "bâtiment C", "hall 2", "2e étage"}
)

// People.
var (
	firstNamesF = []string{
		"Camille", "Claire", "Sophie", "Marie", "Julie", "Léa", "Chloé", "Emma", "Manon", "Sarah", "Laura",
		"Céline", "Isabelle", "Nathalie", "Sandrine", "Valérie", "Hélène", "Aurélie", "Émilie", "Pauline",
		"Anne", "Catherine", "Mathilde", "Lucie", "Élodie", "Audrey", "Caroline", "Charlotte", "Inès",
		"Marie-Claire", "Anne-Sophie", "Agnès", "Delphine", "Virginie", "Juliette", "Margaux", "Noémie", "Yasmina",
	}
	firstNamesM = []string{
		"Thomas", "Nicolas", "Julien", "Pierre", "Antoine", "Maxime", "Alexandre", "Guillaume", "Hugo", "Lucas",
		"Romain", "Sébastien", "Vincent", "François", "Laurent", "Olivier", "Philippe", "Stéphane", "Christophe",
		"Mathieu", "Benoît", "Jérôme", "Damien", "Arnaud", "Cédric", "Fabien", "Xavier", "Yann", "Karim",
		"Jean-Marc", "Jean-Baptiste", "Pierre-Yves", "Loïc", "Baptiste", "Théo", "Étienne", "Rémi", "Mehdi",
	}
	lastNames = []string{
		"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
		"Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
		"Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
		"Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier",
		"Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier",
		"Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
		"Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
		"Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Fabre", "Aubert",
		"Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Bourgeois", "Benoît", "Rey", "Leclerc", "Rolland",
		"Guillaume", "Lecomte", "Jacquet", "Hubert", "Berger", "Carpentier", "Dupuis", "Moulin", "Deschamps",
		"Huet", "Vasseur", "Boucher", "Fleury", "Klein", "Poirier", "Marty", "Guyot", "Carré", "Renault",
		"Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Le Gall", "Collet", "Léger",
		"Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Cousin", "Germain", "Besson", "Langlois", "Le Goff",
		"Pelletier", "Lévêque", "Perrier", "Leblanc", "Weber", "Hamon", "Jacob", "Monnier", "Michaud", "Tessier",
		"Humbert", "Perret", "Cordier", "Pichon", "Lejeune", "Lamy", "Delaunay", "Pasquier", "Da Silva", "Benali",
		"Nguyen", "Haddad", "Cuenot", "Jeannin", "Vuillemin", "Mougin", "Grosjean", "Bourdon",
	}
)

// title is a job title, masculine and feminine.
type title struct{ m, f string }

func same(s string) title { return title{s, s} }

var (
	titleBuyer     = same("Responsable achats")
	titlePractitio = title{"Praticien hospitalier", "Praticienne hospitalière"}
	titleHealthOff = title{"Chargé de mission santé", "Chargée de mission santé"}
)

// kindLeaders are the titles of an organisation's first contact.
var kindLeaders = map[string][]title{
	"startup":     {{"Président-directeur général", "Présidente-directrice générale"}, {"CEO et cofondateur", "CEO et cofondatrice"}},
	"sme":         {{"Directeur général", "Directrice générale"}, {"Gérant", "Gérante"}},
	"midcap":      {{"Directeur général", "Directrice générale"}},
	"large":       {{"Directeur de site", "Directrice de site"}, {"Directeur de l'innovation", "Directrice de l'innovation"}},
	"lab":         {{"Directeur de l'unité", "Directrice de l'unité"}},
	"platform":    {same("Responsable de la plateforme")},
	"hospital":    {{"Directeur de la recherche et de l'innovation", "Directrice de la recherche et de l'innovation"}},
	"cic":         {{"Coordonnateur du CIC", "Coordonnatrice du CIC"}},
	"training":    {{"Directeur des études", "Directrice des études"}},
	"incubator":   {{"Directeur", "Directrice"}},
	"investor":    {{"Associé gérant", "Associée gérante"}},
	"authority":   {{"Directeur du développement économique", "Directrice du développement économique"}},
	"consultancy": {{"Associé fondateur", "Associée fondatrice"}},
}

// kindTitles are the titles of the other contacts.
var kindTitles = map[string][]title{
	"startup": {same("CTO"), {"Directeur R&D", "Directrice R&D"}, same("Responsable affaires réglementaires"),
		{"Chef de projet", "Cheffe de projet"}, {"Ingénieur R&D", "Ingénieure R&D"}, same("Responsable business development"),
		{"Directeur administratif et financier", "Directrice administrative et financière"}, same("Responsable qualité")},
	"sme": {{"Directeur R&D", "Directrice R&D"}, same("Responsable qualité et affaires réglementaires"),
		{"Responsable commercial", "Responsable commerciale"}, {"Chef de projet", "Cheffe de projet"},
		same("Responsable production"), {"Ingénieur méthodes", "Ingénieure méthodes"}, same("Responsable export")},
	"midcap": {{"Directeur R&D", "Directrice R&D"}, titleBuyer, {"Directeur industriel", "Directrice industrielle"},
		same("Responsable affaires réglementaires"), {"Chef de produit", "Cheffe de produit"}, same("Responsable partenariats")},
	"large": {titleBuyer, {"Directeur des affaires médicales", "Directrice des affaires médicales"},
		same("Responsable open innovation"), {"Chef de projet", "Cheffe de projet"},
		same("Responsable affaires réglementaires"), {"Acheteur", "Acheteuse"}},
	"lab": {{"Chercheur", "Chercheuse"}, {"Ingénieur de recherche", "Ingénieure de recherche"}, same("Maître de conférences"),
		{"Professeur des universités", "Professeure des universités"}, {"Chargé de valorisation", "Chargée de valorisation"},
		{"Post-doctorant", "Post-doctorante"}},
	"platform": {{"Ingénieur plateforme", "Ingénieure plateforme"}, {"Technicien de laboratoire", "Technicienne de laboratoire"},
		{"Chargé d'affaires", "Chargée d'affaires"}, same("Responsable qualité")},
	"hospital": {titlePractitio, {"Chef de service", "Cheffe de service"}, {"Ingénieur biomédical", "Ingénieure biomédicale"},
		{"Chargé d'innovation", "Chargée d'innovation"}, titleBuyer},
	"cic": {{"Médecin investigateur", "Médecin investigatrice"}, {"Attaché de recherche clinique", "Attachée de recherche clinique"},
		{"Chef de projet recherche clinique", "Cheffe de projet recherche clinique"}},
	"training": {same("Responsable formation continue"), {"Chargé des relations entreprises", "Chargée des relations entreprises"},
		same("Responsable pédagogique")},
	"incubator": {{"Chargé d'affaires", "Chargée d'affaires"}, same("Responsable accompagnement"),
		{"Chargé de programme", "Chargée de programme"}},
	"investor": {{"Chargé d'investissement", "Chargée d'investissement"}, {"Directeur d'investissement", "Directrice d'investissement"},
		same("Analyste")},
	"authority": {titleHealthOff, {"Chef de service innovation", "Cheffe de service innovation"},
		{"Chargé de mission filières", "Chargée de mission filières"}},
	"consultancy": {{"Consultant affaires réglementaires", "Consultante affaires réglementaires"},
		{"Consultant senior", "Consultante senior"}, {"Chef de projet", "Cheffe de projet"}},
}

// phoneDigit is the first digit of landline numbers in each region.
var phoneDigit = map[string]string{
	"Île-de-France": "1", "Bretagne": "2", "Pays de la Loire": "2", "Normandie": "2", "Centre-Val de Loire": "2",
	"Nouvelle-Aquitaine": "5", "Grand Est": "3", "Bourgogne-Franche-Comté": "3", "Hauts-de-France": "3",
	"Auvergne-Rhône-Alpes": "4", "Provence-Alpes-Côte d'Azur": "4", "Occitanie": "5",
}
