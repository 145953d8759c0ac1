package textsearch

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestFoldStripsAccentsLigaturesAndPunctuation(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Stérilisation", "sterilisation"},
		{"l'ingénierie", "l ingenierie"},
		{"l’ingénierie", "l ingenierie"},
		{"Œuvre Ægis Straße", "oeuvre aegis strasse"},
		{"Ça, c'est naïf !", "ca c est naif"},
		{"ÉLECTRO-MÉDICAL", "electro medical"},
		{"Île-de-France", "ile de france"},
		{"ISO 13485:2016", "iso 13485 2016"},
		{"  many   spaces\t\n", "many spaces"},
		{"e\u0301te\u0301", "ete"}, // decomposed accents
		{"Łódź Dvořák Øresund", "lodz dvorak oresund"},
		{"ﬁltre", "filtre"},
		{"50 m²", "50 m2"},
		{"Ωmega ΑΘΗΝΑ", "ωmega αθηνα"},
		{"北京 Lab", "北京 lab"},
		{"a\x00b\xffc", "a b c"},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTokensDropStopWordsAndSingleLetters(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"le la les de du des et", nil},
		{"Stérilisation par oxyde d'éthylène", []string{"sterilisation", "oxyde", "ethylene"}},
		{"Salle blanche ISO 7", []string{"salle", "blanche", "iso", "7"}},
		{"Essais cliniques de phase I", []string{"essais", "cliniques", "phase"}},
		{"The design of a medical device", []string{"design", "medical", "device"}},
		{"IT services in Grand Est", []string{"it", "services", "grand", "est"}},
	}
	for _, c := range cases {
		if got := Tokens(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStemJoinsInflections(t *testing.T) {
	pairs := [][2]string{
		{"dispositifs", "dispositif"},
		{"medicaux", "medical"},
		{"medicales", "medical"},
		{"sterilisation", "sterilisations"},
		{"implantables", "implantable"},
		{"biotechnologies", "biotechnologie"},
		{"biotechnology", "biotechnologie"},
		{"laboratoires", "laboratoire"},
		{"devices", "device"},
		{"services", "service"},
		{"certifiee", "certifie"},
		{"certifiees", "certified"},
		{"cliniques", "clinique"},
		{"clinics", "clinique"},
		{"analyses", "analyse"},
		{"essais", "essai"},
		{"salles", "salle"},
		{"reseaux", "reseau"},
		{"equipements", "equipment"},
		{"validation", "validate"},
		{"chercheuse", "chercheurs"},
		{"manufacturing", "manufacture"},
	}
	for _, p := range pairs {
		if a, b := Stem(p[0]), Stem(p[1]); a != b {
			t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
}

func TestStemKeepsDistinctWordsApart(t *testing.T) {
	pairs := [][2]string{
		{"iso", "is"},
		{"gmp", "gm"},
		{"medical", "medicament"},
		{"process", "proces"},
	}
	for _, p := range pairs {
		if a, b := Stem(p[0]), Stem(p[1]); a == b {
			t.Errorf("Stem(%q) = Stem(%q) = %q; want different", p[0], p[1], a)
		}
	}
}

func TestStemLeavesShortWordsNumbersAndOtherScriptsUnchanged(t *testing.T) {
	for _, w := range []string{"iso", "is", "gmp", "des", "eau", "13485", "iso13485", "ωmegas", "北京"} {
		if got := Stem(w); got != w {
			t.Errorf("Stem(%q) = %q, want it unchanged", w, got)
		}
	}
}

func TestDocumentIsDeduplicatedStemsInOrder(t *testing.T) {
	got := Document("Dispositifs médicaux", "Dispositif médical implantable; ISO 13485", "")
	want := "dispositif medic implantabl iso 13485"
	if got != want {
		t.Errorf("Document = %q, want %q", got, want)
	}
	if got := Document(); got != "" {
		t.Errorf("Document() = %q, want empty", got)
	}
}

func TestEveryQueryStemIsInTheIndexedDocument(t *testing.T) {
	fixtures := []struct{ indexed, query string }{
		{"Dispositif médical implantable", "dispositifs medicaux"},
		{"Stérilisation par oxyde d'éthylène", "sterilisation"},
		{"Salle blanche ISO 7", "salles blanches"},
		{"Essais cliniques de phase I", "essai clinique"},
		{"Medical device design", "devices"},
		{"Biotechnologies pour la santé", "biotechnologie "},
		{"Laboratoire certifié ISO 17025", "laboratoires certifies"},
		{"Services d'analyses", "analyse service "},
		{"Clinical trials", "clinique"},
		{"Équipements de stérilisation", "equipment"},
	}
	for _, f := range fixtures {
		doc := " " + Document(f.indexed) + " "
		q := ParseQuery(f.query)
		if len(q.Terms) == 0 {
			t.Errorf("ParseQuery(%q) has no terms", f.query)
		}
		for _, term := range q.Terms {
			found := strings.Contains(doc, " "+term.Stem+" ")
			if term.Prefix {
				found = strings.Contains(doc, " "+term.Stem)
			}
			if !found {
				t.Errorf("query %q: stem %q (prefix %v) not in document %q", f.query, term.Stem, term.Prefix, doc)
			}
		}
	}
}

func TestPrefixStemMatchesCompleteWordsWhileTyping(t *testing.T) {
	cases := []struct{ typed, indexed string }{
		{"dispo", "dispositifs"},
		{"medica", "médicaux"},
		{"medical", "médicale"},
		{"cliniq", "clinique"},
		{"sterilisati", "stérilisation"},
		{"equipeme", "équipements"},
		{"labo", "laboratoire"},
		{"134", "13485"},
	}
	for _, c := range cases {
		q := ParseQuery(c.typed)
		if len(q.Terms) != 1 || !q.Terms[0].Prefix {
			t.Fatalf("ParseQuery(%q) = %+v, want one prefix term", c.typed, q)
		}
		doc := Document(c.indexed)
		if !strings.HasPrefix(doc, q.Terms[0].Stem) {
			t.Errorf("typing %q: prefix %q does not match indexed %q", c.typed, q.Terms[0].Stem, doc)
		}
	}
}

func TestParseQuery(t *testing.T) {
	term := func(raw, stem string, prefix, phrase bool) Term {
		return Term{Raw: raw, Stem: stem, Prefix: prefix, Phrase: phrase}
	}
	cases := []struct {
		in   string
		want []Term
	}{
		{"", nil},
		{"   ", nil},
		{"le la des ", nil},
		{"dispositifs medicaux ", []Term{term("dispositifs", "dispositif", false, false), term("medicaux", "medic", false, false)}},
		{"dispositifs medic", []Term{term("dispositifs", "dispositif", false, false), term("medic", "medic", true, false)}},
		{"steril* salle", []Term{term("steril", "steril", true, false), term("salle", "sall", true, false)}},
		{`"salle blanche" iso `, []Term{term("salle", "sall", false, true), term("blanche", "blanch", false, true), term("iso", "iso", false, false)}},
		{`"unterminated phrase`, []Term{term("unterminated", "unterminat", false, true), term("phrase", "phras", true, true)}},
		{`***`, nil},
		{`AND OR NOT`, nil},
		{`salle AND blanche OR NOT iso NEAR( gmp `, []Term{term("salle", "sall", false, false), term("blanche", "blanch", false, false), term("iso", "iso", false, false), term("gmp", "gmp", false, false)}},
		{"name:foo ", []Term{term("name", "nam", false, false), term("foo", "foo", false, false)}},
		{`'`, nil},
		{`"`, nil},
		{`" ' ; -- /* */`, nil},
		{"salle\x00blanche\x07 ", []Term{term("salle", "sall", false, false), term("blanche", "blanch", false, false)}},
		{"salle salles ", []Term{term("salle", "sall", false, false)}},
		{"l'ingénierie ", []Term{term("ingenierie", "ingenieri", false, false)}},
		{"Ingé", []Term{term("inge", "ing", true, false)}},
		{"phase I", []Term{term("phase", "phas", false, false)}},
		{"ISO 7", []Term{term("iso", "iso", false, false), term("7", "7", true, false)}},
	}
	for _, c := range cases {
		got := ParseQuery(c.in)
		if !reflect.DeepEqual(got.Terms, c.want) {
			t.Errorf("ParseQuery(%q).Terms = %+v, want %+v", c.in, got.Terms, c.want)
		}
	}
}

func TestParseQueryCapsInputAndTerms(t *testing.T) {
	var words []string
	for i := 0; i < 30; i++ {
		words = append(words, "mot"+strings.Repeat("x", i%5)+string(rune('a'+i)))
	}
	q := ParseQuery(strings.Join(words, " "))
	if len(q.Terms) != MaxQueryTerms {
		t.Errorf("got %d terms, want %d", len(q.Terms), MaxQueryTerms)
	}
	long := strings.Repeat("é", 500)
	q = ParseQuery(long)
	if len(q.Terms) != 1 || len([]rune(q.Terms[0].Raw)) != MaxQueryRunes {
		t.Errorf("long input: got %+v, want one term of %d runes", q.Terms, MaxQueryRunes)
	}
}

func TestFTS5AndTSQueryExpressions(t *testing.T) {
	cases := []struct{ in, fts, ts string }{
		{"", "", ""},
		{"le la ", "", ""},
		{"dispositifs medicaux ", `"dispositif" AND "medic"`, "dispositif & medic"},
		{"salle blanche iso", `"sall" AND "blanch" AND "iso"*`, "sall & blanch & iso:*"},
		{`name:foo NEAR( "x y" '); DROP TABLE organisations; --`, `"nam" AND "foo" AND "drop" AND "tabl" AND "organisat"`, "nam & foo & drop & tabl & organisat"},
		{"北京 lab", `"北京" AND "lab"*`, "lab:*"},
	}
	for _, c := range cases {
		q := ParseQuery(c.in)
		if got := q.FTS5(); got != c.fts {
			t.Errorf("ParseQuery(%q).FTS5() = %q, want %q", c.in, got, c.fts)
		}
		if got := q.TSQuery(); got != c.ts {
			t.Errorf("ParseQuery(%q).TSQuery() = %q, want %q", c.in, got, c.ts)
		}
	}
}

func TestHighlightMarksMatchingWordsAndKeepsAccents(t *testing.T) {
	q := ParseQuery("dispositif medical")
	got := q.Highlight("Dispositifs médicaux stériles")
	want := []Segment{
		{Text: "Dispositifs", Match: true},
		{Text: " ", Match: false},
		{Text: "médicaux", Match: true},
		{Text: " stériles", Match: false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Highlight = %+v, want %+v", got, want)
	}
}

func TestHighlightPrefixAndRoundTrip(t *testing.T) {
	q := ParseQuery("stéri")
	text := "Stérilisation par oxyde d'éthylène, salle stérile."
	segs := q.Highlight(text)
	var b strings.Builder
	var matched []string
	for _, s := range segs {
		b.WriteString(s.Text)
		if s.Match {
			matched = append(matched, s.Text)
		}
	}
	if b.String() != text {
		t.Errorf("segments join to %q, want %q", b.String(), text)
	}
	if want := []string{"Stérilisation", "stérile"}; !reflect.DeepEqual(matched, want) {
		t.Errorf("matched %q, want %q", matched, want)
	}
	if segs := (Query{}).Highlight(text); len(segs) != 1 || segs[0].Match {
		t.Errorf("empty query: %+v", segs)
	}
	if segs := q.Highlight(""); segs != nil {
		t.Errorf("empty text: %+v", segs)
	}
}

var (
	fts5Pattern = regexp.MustCompile(`^"[^"]+"\*?( AND "[^"]+"\*?)*$`)
	tsPattern   = regexp.MustCompile(`^[a-z0-9:*& ]*$`)
)

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "dispositifs medicaux", `"salle blanche" iso*`, `"unterminated`, "***",
		"AND OR NOT", "name:foo", "NEAR(", "'", `"`, "\x00\x01", "l'ingé", "北京 lab", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if len(q.Terms) > MaxQueryTerms {
			t.Fatalf("%d terms", len(q.Terms))
		}
		if fts := q.FTS5(); fts != "" && !fts5Pattern.MatchString(fts) {
			t.Fatalf("FTS5() = %q", fts)
		}
		if ts := q.TSQuery(); !tsPattern.MatchString(ts) {
			t.Fatalf("TSQuery() = %q", ts)
		}
		var b strings.Builder
		for _, seg := range q.Highlight(s) {
			b.WriteString(seg.Text)
		}
		if b.String() != s {
			t.Fatalf("Highlight segments join to %q, want %q", b.String(), s)
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "Stérilisation", "l'ingénierie", "ŒÆß", "e\u0301", "ǅ", "İ", "ʼ", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Fatalf("Fold(%q) = %q, Fold of that = %q", s, once, twice)
		}
		for _, tok := range Tokens(s) {
			_ = Stem(tok)
		}
	})
}

const profileText = `Fondée en 2008 à Lyon, notre société conçoit et fabrique des dispositifs médicaux implantables ` +
	`de classe III : implants orthopédiques, vis et plaques en titane, prothèses de hanche et de genou. ` +
	`Nous disposons d'une salle blanche ISO 7 de 450 m², d'une unité de stérilisation par oxyde d'éthylène ` +
	`et rayonnement gamma, et d'un laboratoire d'essais mécaniques certifié ISO 17025. Notre système qualité ` +
	`est certifié ISO 13485 et nos produits portent le marquage CE selon le règlement (UE) 2017/745. ` +
	`Services proposés : conception et développement, prototypage rapide par fabrication additive métal, ` +
	`usinage de précision 5 axes, traitements de surface, nettoyage et conditionnement en salle propre, ` +
	`validation des procédés de stérilisation, accompagnement réglementaire et dossiers techniques, ` +
	`essais cliniques de phase I et II en partenariat avec les CHU de la région Auvergne-Rhône-Alpes. ` +
	`We design and manufacture implantable medical devices for orthopaedic and spinal surgery. Our ` +
	`capabilities include additive manufacturing in titanium, five-axis precision machining, cleanroom ` +
	`packaging, ethylene oxide sterilisation and biocompatibility testing according to ISO 10993. ` +
	`Technology bricks: biomaterials, surface treatments, sterilisation, regulatory affairs, quality ` +
	`management, clinical investigations, industrialisation, batch production from 10 to 50,000 units. ` +
	`Nos équipes de 85 personnes, dont 20 ingénieurs et chercheurs, accompagnent les start-up, PME et ` +
	`grands groupes de la filière santé, de la preuve de concept jusqu'à la mise sur le marché et le ` +
	`remboursement. Équipements : centres d'usinage DMG Mori, imprimantes 3D EOS M290, autoclaves, ` +
	`machines de mesure tridimensionnelle, chambre climatique, banc de fatigue, microscope électronique.`

func BenchmarkDocument(b *testing.B) {
	b.SetBytes(int64(len(profileText)))
	for b.Loop() {
		Document("Ortho Implants Lyon", profileText, "implants orthopédiques; titane; stérilisation")
	}
}
