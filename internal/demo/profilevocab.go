package demo

// The vocabulary of the organisations' profiles: certification bodies,
// equipment, keywords and the services of platforms, clinical investigation
// centres and consultancies. Certification bodies are real (a certificate
// names its issuer); everything else is generic domain wording.

// certIssuers are the bodies that issue each certification in France.
var certIssuers = map[string][]string{
	"ISO 13485":        {"GMED", "GMED", "BSI", "TÜV SÜD", "DEKRA Certification"},
	"ISO 9001":         {"AFNOR Certification", "AFNOR Certification", "Bureau Veritas Certification", "LRQA", "SGS ICS"},
	"ISO 14001":        {"AFNOR Certification", "Bureau Veritas Certification", "SGS ICS"},
	"ISO 27001":        {"AFNOR Certification", "LNE", "BSI"},
	"HDS":              {"AFNOR Certification", "LNE", "BSI"},
	"BPF":              {"ANSM"},
	"BPL":              {"ANSM", "ANSM", "COFRAC"},
	"COFRAC ISO 17025": {"COFRAC"},
	"ISO 22716":        {"AFNOR Certification", "Bureau Veritas Certification", "Ecocert"},
	"ISO 14644":        {"LNE", "Bureau Veritas Certification"},
}

// sectorFamily is the technology brick family closest to each sector.
var sectorFamily = map[string]string{
	"medtech": "mt", "biotech": "bt", "pharma": "ph", "cosmetics": "ph", "nutrition": "bt", "diagnostics": "dx", "digital": "dg",
}

// sectorScopes are the certification scopes of the companies developing
// their own products, per sector.
var sectorScopes = map[string]string{
	"medtech":     "Conception, fabrication et distribution de dispositifs médicaux",
	"biotech":     "Développement et production de médicaments biologiques expérimentaux",
	"pharma":      "Développement, fabrication et contrôle de médicaments",
	"cosmetics":   "Fabrication, conditionnement et contrôle de produits cosmétiques",
	"nutrition":   "Conception et fabrication de compléments alimentaires et d'aliments santé",
	"diagnostics": "Conception, fabrication et distribution de dispositifs de diagnostic in vitro",
	"digital":     "Conception, développement et exploitation de logiciels de santé",
}

// equipmentByBrick is the notable equipment of a structure mastering each
// technology brick, in French.
var equipmentByBrick = map[string][]string{
	"mt.machining":     {"centres d'usinage 5 axes", "tours à poupée mobile", "machine de mesure tridimensionnelle", "machine d'électroérosion à fil"},
	"mt.moulding":      {"presses à injecter électriques de 50 à 300 tonnes", "robots de dépose", "sécheurs de matière", "soudeuses à ultrasons"},
	"mt.additive":      {"imprimantes 3D métal par fusion laser", "imprimantes 3D polymère SLA et SLS", "tomographe industriel"},
	"mt.implants":      {"banc d'essais de fatigue", "microscope électronique à balayage", "rugosimètre"},
	"mt.electronics":   {"ligne de report CMS", "four de refusion", "bancs de test automatisés", "station d'inspection optique"},
	"mt.microfluidics": {"équipements de lithographie douce", "graveuse laser", "station de collage plasma"},
	"mt.sterilisation": {"cellules de stérilisation à l'oxyde d'éthylène", "chambres de désorption", "thermoscelleuses validées"},
	"mt.surface":       {"cabine de projection plasma", "ligne de passivation", "laveuses à ultrasons"},
	"mt.robotics":      {"robots chirurgicaux de démonstration", "systèmes de suivi optique", "bras robotisés collaboratifs"},
	"mt.optics":        {"bancs d'optique", "lasers femtoseconde", "caméras hyperspectrales"},
	"bt.cell":          {"isolateurs stériles", "cytomètre trieur", "cuves d'azote liquide"},
	"bt.gene":          {"bioréacteurs à usage unique", "ultracentrifugeuses", "PCR digitale"},
	"bt.mrna":          {"système microfluidique de formulation de nanoparticules lipidiques", "chromatographie préparative"},
	"bt.antibodies":    {"plateforme de criblage d'hybridomes", "appareil de résonance plasmonique de surface"},
	"bt.bioproduction": {"bioréacteurs à usage unique", "chromatographie préparative", "filtration tangentielle", "isolateur de remplissage aseptique"},
	"bt.microbiome":    {"chambres anaérobies", "séquenceur haut débit"},
	"bt.dna":           {"synthétiseurs d'ADN", "séquenceurs haut débit", "robots de préparation de librairies"},
	"bt.analytics":     {"chaînes HPLC et UPLC", "spectromètres de masse", "lecteurs de microplaques", "PCR quantitative"},
	"ph.formulation":   {"mélangeur-granulateur", "lit d'air fluidisé", "presse à comprimer", "turbo-émulsionneurs"},
	"ph.api":           {"réacteurs en verre et en inox de 20 à 4 000 L", "sécheurs sous vide"},
	"ph.stability":     {"enceintes climatiques ICH", "chambre de photostabilité"},
	"ph.packaging":     {"lignes de mise sous blister", "équipements de sérialisation", "étiqueteuses"},
	"ph.toxicology":    {"laboratoire de culture cellulaire L2", "robots de criblage", "lecteurs de fluorescence"},
	"dx.ivd":           {"ligne de remplissage de réactifs", "lyophilisateur", "automates de biologie"},
	"dx.biomarkers":    {"automates d'immunodosage", "spectromètre de masse", "plateforme d'immunodosage ultrasensible"},
	"dx.imaging":       {"IRM 7 teslas pour le petit animal", "TEP-TDM préclinique", "échographe haute fréquence"},
	"dx.pathology":     {"scanners de lames", "microtomes", "automate d'immunohistochimie"},
	"dg.ai":            {"serveurs de calcul GPU", "environnement sécurisé d'entraînement des modèles"},
	"dg.hosting":       {"centres de données certifiés HDS", "sauvegardes chiffrées externalisées"},
	"dg.telemedicine":  {"mannequins de simulation haute fidélité", "salle de télémédecine équipée"},
	"dg.samd":          {"banc d'intégration continue", "environnement de tests de cybersécurité"},
	"dg.interop":       {"plateforme de tests d'interopérabilité FHIR"},
	"sv.testing":       {"machines d'essais servo-hydrauliques", "chambre anéchoïque CEM", "enceintes de vieillissement accéléré", "simulateurs de marche"},
}

// sectorEquipment replaces equipmentByBrick where a sector's workshops
// differ: a cosmetics formulator has emulsifiers, not tablet presses.
var sectorEquipment = map[string]map[string][]string{
	"cosmetics": {
		"ph.formulation": {"turbo-émulsionneurs de 50 à 5 000 kg", "cuves de fabrication chauffantes", "homogénéisateur haute pression"},
		"ph.packaging":   {"lignes de remplissage tubes, flacons et pots", "étiqueteuses", "banderoleuse"},
	},
	"nutrition": {
		"ph.formulation": {"mélangeurs de poudres", "gélulières automatiques", "lignes de conditionnement en piluliers", "ensacheuse de sticks"},
	},
}

// hospitalEquipment are the technical facilities hospitals list.
var hospitalEquipment = []string{
	"IRM 3 teslas", "TEP-TDM", "scanners de dernière génération", "robot chirurgical", "salle hybride de cardiologie interventionnelle",
	"laboratoire de biologie automatisé", "plateforme de séquençage", "entrepôt de données de santé", "biobanque",
}

// sectorKeywords are keywords an organisation of each sector may choose,
// French and English as members write them.
var sectorKeywords = map[string][]string{
	"medtech":     {"dispositif médical", "medical device", "marquage CE", "MDR", "chirurgie", "implants"},
	"biotech":     {"biothérapies", "biologics", "anticorps", "thérapie cellulaire", "bioproduction", "CMC"},
	"pharma":      {"médicament", "drug development", "galénique", "principe actif", "BPF", "GMP"},
	"cosmetics":   {"cosmétique", "skincare", "dermo-cosmétique", "actifs naturels", "clean beauty"},
	"nutrition":   {"nutrition santé", "compléments alimentaires", "probiotiques", "microbiote", "nutraceuticals"},
	"diagnostics": {"diagnostic in vitro", "IVDR", "biomarqueurs", "point of care", "imagerie médicale"},
	"digital":     {"e-santé", "intelligence artificielle", "télésurveillance", "HDS", "FHIR", "SaaS"},
}

// kindKeywords are keywords an organisation of each kind may choose.
var kindKeywords = map[string][]string{
	"startup":     {"start-up", "innovation", "deeptech", "levée de fonds"},
	"sme":         {"PME", "innovation", "industrie", "export"},
	"midcap":      {"ETI", "industrie", "export", "production"},
	"large":       {"grand groupe", "open innovation", "partenariats", "international"},
	"lab":         {"recherche académique", "CIFRE", "laboratoire commun", "transfert de technologie", "publications"},
	"platform":    {"plateforme technologique", "core facility", "prestations", "équipements mutualisés"},
	"hospital":    {"CHU", "recherche clinique", "innovation hospitalière", "essais cliniques", "entrepôt de données"},
	"cic":         {"investigation clinique", "essais cliniques", "phase précoce", "clinical trials"},
	"training":    {"formation continue", "alternance", "apprentissage", "compétences", "diplômes"},
	"incubator":   {"incubation", "accélération", "start-up", "mentorat", "deeptech"},
	"investor":    {"capital-risque", "venture capital", "amorçage", "seed", "série A"},
	"authority":   {"attractivité", "implantation", "financement régional", "développement économique"},
	"consultancy": {"conseil", "affaires réglementaires", "regulatory affairs", "accompagnement"},
}

// platformServices are the services of each platform theme (by French
// theme name), the core one first.
var platformServices = map[string][]string{
	"Imagerie Préclinique":          {"small_animal_imaging", "image_analysis", "histology"},
	"Bioproduction":                 {"preclinical_batches", "process_dev", "analytical_methods"},
	"Génomique et Séquençage":       {"ngs", "bioinformatics", "microbiome_analysis"},
	"Protéomique":                   {"proteomics", "biomarker_assays", "analytical_methods"},
	"Cytométrie et Tri Cellulaire":  {"cytometry", "cell_assays", "cell_banks"},
	"Fabrication Additive Médicale": {"metal3d", "polymer3d", "machining_proto"},
	"Microfluidique":                {"microfluidic_design", "microfluidic_chips"},
	"Essais Biomécaniques":          {"mechanical_testing", "wear_testing", "fea"},
	"Criblage Haut Débit":           {"hts", "cell_assays", "tox_invitro"},
	"Simulation en Santé":           {"simulation_training", "usability"},
	"Données de Santé":              {"warehouse_studies", "data_annotation", "fhir_integration"},
	"Formulation et Galénique":      {"formulation_dev", "stability_ich", "skin_tolerance"},
}

// cicServices are what clinical investigation centres offer.
var cicServices = []string{"device_trials", "early_phase", "drug_trials", "data_management"}

// consultancyServices are what consultancies offer: each offers one of the
// first consultancyCore, which draw on a technology brick, and others.
var consultancyServices = []string{
	"ce_marking", "fda_510k", "iso13485_qms", "market_access", "health_economics", "ip_strategy", "drug_regulatory",
	"eic_applications", "fundraising", "usability",
}

const consultancyCore = 7

// programmeProfile is the value-chain step and technology brick a training
// programme prepares for, by index in trainingPrograms ("" when none fits).
var programmeProfile = [][2]string{
	{"design", "mt"}, {"regulatory", "sv.regulatory"}, {"industrialisation", "bt.bioproduction"},
	{"regulatory", ""}, {"research", "dg.ai"}, {"clinical", "sv.cro"}, {"design", "ph.formulation"},
}
