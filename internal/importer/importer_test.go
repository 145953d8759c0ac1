package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/directory"
	"filiere/internal/importer"
	"filiere/internal/tabular"
)

// staffCtx acts as a member of the team, for the audit log.
func staffCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Label: "camille@cluster.example"})
}

// windows1252 encodes s as Windows-1252 for the characters French text
// uses (Latin-1 ones map to their code point; œ, € and ’ have their own).
func windows1252(t *testing.T, s string) []byte {
	t.Helper()
	special := map[rune]byte{'€': 0x80, '’': 0x92, 'œ': 0x9C, 'Œ': 0x8C, '«': 0xAB, '»': 0xBB}
	var b []byte
	for _, r := range s {
		switch c, ok := special[r]; {
		case ok:
			b = append(b, c)
		case r < 0x100:
			b = append(b, byte(r))
		default:
			t.Fatalf("%q has no Windows-1252 code", r)
		}
	}
	return b
}

// input reads a file's bytes as an upload named name.
func input(t *testing.T, name string, data []byte) importer.Input {
	t.Helper()
	in, err := importer.Read(name, bytes.NewReader(data), 20<<20)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return in
}

func run(t *testing.T, st *directory.Store, in importer.Input, opts importer.Options) importer.Report {
	t.Helper()
	r, err := importer.Run(staffCtx(), st, in, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// count returns the rows of table.
func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// actions lists the report's rows as "line:action".
func actions(r importer.Report) []string {
	var out []string
	for _, row := range r.Rows {
		out = append(out, fmt.Sprintf("%d:%s", row.Line, row.Action))
	}
	return out
}

func rowAt(t *testing.T, r importer.Report, line int) importer.Row {
	t.Helper()
	for _, row := range r.Rows {
		if row.Line == line {
			return row
		}
	}
	t.Fatalf("no row for line %d in %v", line, actions(r))
	return importer.Row{}
}

// reasonFields lists the fields a row is rejected on.
func reasonFields(row importer.Row) []string {
	var out []string
	for _, e := range row.Reasons {
		out = append(out, e.Field)
	}
	return out
}

// frenchExcelFile is what French Excel saves as "CSV (séparateur: point-
// virgule)": Windows-1252, semicolons, CRLF, decimal commas, a dropped
// leading zero; three bad rows among valid ones.
const frenchExcelFile = "Raison sociale;N° SIRET;Type;Filières;Briques;Code postal;Ville;Latitude;Longitude;Services;Certifications\r\n" +
	"Stérilix;812 345 676 00017;PME;Dispositifs médicaux;Stérilisation et conditionnement stérile|mt.moulding;25000;Besançon;47,2378;6,0241;Stérilisation à l'oxyde d'éthylène / Ethylene oxide sterilisation|Conditionnement stérile;ISO 13485:2027-06-30|iso 9001\r\n" +
	"Mauvais Siret;812 345 676 00018;PME;medtech;;25000;Besançon;;;;\r\n" +
	";53311122500017;start-up;biotech;;69002;Lyon;;;;\r\n" +
	"Hors Carte;;Start-up;biotech;;69002;Lyon;95;4,8;;\r\n" +
	"Laboratoire Écho;;Laboratoire;Diagnostic;;1000;Bourg-en-Bresse;46,2;5,22;;COFRAC ISO 17025:31/12/2026\r\n"

func TestFrenchExcelFileImportsValidRowsAndReportsEachBadOne(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		in := input(t, "annuaire.csv", windows1252(t, frenchExcelFile))
		r := run(t, st, in, importer.Options{})
		if want := []string{"2:create", "3:reject", "4:reject", "5:reject", "6:create"}; !slices.Equal(actions(r), want) {
			t.Fatalf("actions = %v, want %v", actions(r), want)
		}
		if !r.Written || r.Created != 2 || r.Rejected != 3 {
			t.Errorf("report: written %v, %d created, %d rejected", r.Written, r.Created, r.Rejected)
		}
		for line, field := range map[int]string{3: "siret", 4: "name", 5: "coordinates"} {
			row := rowAt(t, r, line)
			if !slices.Equal(reasonFields(row), []string{field}) {
				t.Errorf("line %d rejected on %v, want %s (%v)", line, reasonFields(row), field, row.Messages("en"))
			}
		}
		if got := rowAt(t, r, 3).Text("en"); got != "line 3: rejected Mauvais Siret: SIRET: Enter a valid SIRET (14 digits) or SIREN (9 digits): the check digit does not match." {
			t.Errorf("line 3 text = %q", got)
		}
		if got := rowAt(t, r, 2).Text("fr"); got != "ligne 2 : création de Stérilix" {
			t.Errorf("line 2 text = %q", got)
		}

		o, err := st.Organisation(staffCtx(), rowAt(t, r, 2).ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "Stérilix" || o.City != "Besançon" || o.SIRET != "81234567600017" || o.Kind != "sme" ||
			!slices.Equal(o.Sectors, []string{"medtech"}) || !slices.Equal(o.Bricks, []string{"mt.moulding", "mt.sterilisation"}) {
			t.Errorf("Stérilix stored as %+v", o)
		}
		if !o.HasCoords || o.Latitude != 47.2378 || o.Longitude != 6.0241 {
			t.Errorf("coordinates %v %v %v", o.HasCoords, o.Latitude, o.Longitude)
		}
		wantServices := []directory.Service{
			{TitleFR: "Stérilisation à l'oxyde d'éthylène", TitleEN: "Ethylene oxide sterilisation"},
			{TitleFR: "Conditionnement stérile"},
		}
		if !slices.Equal(o.Services, wantServices) {
			t.Errorf("services = %+v", o.Services)
		}
		if len(o.Certifications) != 2 || o.Certifications[0].Code != "ISO 13485" ||
			!o.Certifications[0].ValidUntil.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) ||
			o.Certifications[1].Code != "ISO 9001" || !o.Certifications[1].ValidUntil.IsZero() {
			t.Errorf("certifications = %+v", o.Certifications)
		}
		echo, err := st.Organisation(staffCtx(), rowAt(t, r, 6).ID)
		if err != nil {
			t.Fatal(err)
		}
		if echo.Postcode != "01000" || echo.Kind != "lab" || !slices.Equal(echo.Sectors, []string{"diagnostics"}) {
			t.Errorf("Laboratoire Écho stored as %+v", echo)
		}

		orgs, audits := count(t, d, "organisations"), count(t, d, "audit_log")
		again := run(t, st, input(t, "annuaire.csv", windows1252(t, frenchExcelFile)), importer.Options{})
		if want := []string{"2:unchanged", "3:reject", "4:reject", "5:reject", "6:unchanged"}; !slices.Equal(actions(again), want) {
			t.Errorf("second run: %v, want %v", actions(again), want)
		}
		if again.Written || count(t, d, "organisations") != orgs || count(t, d, "audit_log") != audits {
			t.Errorf("second run wrote: written %v, %d organisations (was %d), %d audit rows (was %d)",
				again.Written, count(t, d, "organisations"), orgs, count(t, d, "audit_log"), audits)
		}
		if after, _ := st.Organisation(staffCtx(), o.ID); !after.UpdatedAt.Equal(o.UpdatedAt) {
			t.Errorf("updated_at moved from %v to %v", o.UpdatedAt, after.UpdatedAt)
		}
	})
}

func TestUTF8FileWithBOMAndEnglishHeadersImports(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		file := "\uFEFFname,siret,kind,sectors,postcode,city,region,country,description_fr,description_en,services,bricks,certifications,website,cleanroom_area\n" +
			"Cœur Médical,53311122500017,Startup,Medtech|Digital health and health data,69002,Lyon,Auvergne-Rhône-Alpes,France," +
			"\"Conçoit des implants, en titane\",Designs titanium implants,Usinage de précision,mt.machining,\"ISO 13485:2026-01-31\",coeur-medical.example,\"1 250,5\"\n"
		r := run(t, st, input(t, "export.csv", []byte(file)), importer.Options{})
		if !slices.Equal(actions(r), []string{"2:create"}) {
			t.Fatalf("actions %v: %v", actions(r), r.Rows[0].Messages("en"))
		}
		o, err := st.Organisation(staffCtx(), r.Rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "Cœur Médical" || o.Kind != "startup" || o.Country != "FR" || o.Website != "https://coeur-medical.example" ||
			o.DescriptionFR != "Conçoit des implants, en titane" || !slices.Equal(o.Sectors, []string{"medtech", "digital"}) {
			t.Errorf("stored as %+v", o)
		}
		if want := []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 1250.5}}; !slices.Equal(o.Capacities, want) {
			t.Errorf("capacities = %+v", o.Capacities)
		}
	})
}

func TestTheGroupColumnIsImportedUnderItsFrenchHeaderOrAnAlias(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		file := "Nom;Type;Code postal;Groupe\n" +
			"Sanofi Pasteur;Grand groupe;69007;Groupe Sanofi\n" +
			"Cardiolys;Start-up;25000;\n"
		r := run(t, st, input(t, "groupes.csv", []byte(file)), importer.Options{})
		if want := []string{"2:create", "3:create"}; !slices.Equal(actions(r), want) {
			t.Fatalf("actions = %v, want %v (%v)", actions(r), want, r.Rows)
		}
		groups, err := st.SameGroup(staffCtx(), []int64{r.Rows[0].ID, r.Rows[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) != 1 || groups[r.Rows[0].ID] != "Groupe Sanofi" {
			t.Errorf("groups = %v, want only Sanofi Pasteur's", groups)
		}
		// Another file names the column differently and moves Cardiolys
		// into a group; an update reports the column as changed.
		file = "name;postcode;groupe d'appartenance\nCardiolys;25000;Groupe Santélys\n"
		r = run(t, st, input(t, "maj.csv", []byte(file)), importer.Options{})
		if row := r.Rows[0]; row.Action != importer.Update || !slices.Equal(row.Changed, []string{"group"}) {
			t.Fatalf("row = %+v (%v)", row, row.Messages("en"))
		}
		if o, err := st.Organisation(staffCtx(), r.Rows[0].ID); err != nil || o.Group != "Groupe Santélys" {
			t.Errorf("group after update = %q, %v", o.Group, err)
		}
	})
}

func TestDryRunWritesNothingAndSaysWhatARunWouldDo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		in := input(t, "a.csv", windows1252(t, frenchExcelFile))
		audits := count(t, d, "audit_log")
		for name, plan := range map[string]func() (importer.Report, error){
			"Plan": func() (importer.Report, error) { return importer.Plan(staffCtx(), st, in, importer.Options{}) },
			"Run": func() (importer.Report, error) {
				return importer.Run(staffCtx(), st, in, importer.Options{DryRun: true})
			},
		} {
			r, err := plan()
			if err != nil {
				t.Fatal(err)
			}
			if !r.DryRun || r.Written || r.Created != 2 || r.Rejected != 3 {
				t.Errorf("%s: %+v", name, r)
			}
			if n := count(t, d, "organisations"); n != 0 {
				t.Errorf("%s wrote %d organisations", name, n)
			}
		}
		if count(t, d, "audit_log") != audits {
			t.Error("dry run wrote audit rows")
		}
	})
}

func TestAllOrNothingWritesNothingWhenARowIsRejected(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		r := run(t, st, input(t, "a.csv", windows1252(t, frenchExcelFile)), importer.Options{AllOrNothing: true})
		if r.Written || !r.Blocked() || count(t, d, "organisations") != 0 {
			t.Errorf("all or nothing with rejected rows: written %v, blocked %v, %d organisations", r.Written, r.Blocked(), count(t, d, "organisations"))
		}
		if !strings.Contains(r.Summary("en"), "nothing was written") {
			t.Errorf("summary %q", r.Summary("en"))
		}
		good := "Nom;Type\r\nAlpha;PME\r\nBeta;Start-up\r\n"
		r = run(t, st, input(t, "b.csv", []byte(good)), importer.Options{AllOrNothing: true})
		if !r.Written || count(t, d, "organisations") != 2 {
			t.Errorf("all or nothing without rejects: written %v, %d organisations", r.Written, count(t, d, "organisations"))
		}
	})
}

func TestSecondRowForTheSameOrganisationIsRejected(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		existing, err := st.CreateOrganisation(staffCtx(), directory.Organisation{Name: "Neurovance", Kind: "sme", Postcode: "21000", SIRET: "81234567600017"})
		if err != nil {
			t.Fatal(err)
		}
		file := "name;siret;kind;postcode\n" +
			"Alpha;;sme;75001\n" +
			"ALPHA;;startup;75001\n" + // same folded name and postcode
			"Beta;53311122500017;sme;75002\n" +
			"Beta bis;533 111 225 00017;sme;75003\n" + // same SIRET
			"Neurovance SA;81234567600017;sme;21000\n" +
			"Neurovance;;sme;21000\n" // the same stored organisation, by name
		r := run(t, st, input(t, "dup.csv", []byte(file)), importer.Options{})
		want := []string{"2:create", "3:reject", "4:create", "5:reject", "6:update", "7:reject"}
		if !slices.Equal(actions(r), want) {
			t.Fatalf("actions = %v, want %v", actions(r), want)
		}
		for line, first := range map[int]int{3: 2, 5: 4, 7: 6} {
			row := rowAt(t, r, line)
			if len(row.Reasons) != 1 || row.Reasons[0].Key != "import.duplicate" || row.Reasons[0].Args[0] != first {
				t.Errorf("line %d: %+v, want a duplicate of line %d", line, row.Reasons, first)
			}
		}
		if row := rowAt(t, r, 6); row.ID != existing.ID || !slices.Equal(row.Changed, []string{"name"}) {
			t.Errorf("line 6: %+v", row)
		}
	})
}

func TestUpdateOverwritesTheFileColumnsAndKeepsTheOthers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		before, err := st.CreateOrganisation(staffCtx(), directory.Organisation{
			Name: "Cardiolys", Kind: "startup", Membership: directory.Member, Postcode: "25000", City: "Besançon",
			SIRET: "812345676", Website: "https://cardiolys.example", DescriptionFR: "Implants cardiaques.",
			Services:       []directory.Service{{TitleFR: "Conception d'implants", TitleEN: "Implant design", DescriptionFR: "De l'idée au prototype.", Step: "design"}},
			Certifications: []directory.Certification{{Code: "ISO 13485", Issuer: "GMED", Scope: "implants"}},
			Capacities:     []directory.CapacityValue{{Attribute: "cleanroom_area", Value: 120}, {Attribute: "headcount_rd", Value: 8}},
		})
		if err != nil {
			t.Fatal(err)
		}
		// Matched by the SIREN stored; the city, services, certification
		// date and one capacity change; the description column is absent.
		file := "siret;nom;ville;services;certifications;surface de salle propre (m²);site web\n" +
			"81234567600017;Cardiolys;Dole;conception d'implants|Essais de fatigue;ISO 13485:30/06/2027;;https://cardiolys.example\n"
		r := run(t, st, input(t, "maj.csv", []byte(file)), importer.Options{})
		row := r.Rows[0]
		if row.Action != importer.Update || row.ID != before.ID {
			t.Fatalf("row = %+v (%v)", row, row.Messages("en"))
		}
		if want := []string{"siret", "services", "certifications", "city", "capacities"}; !slices.Equal(row.Changed, want) {
			t.Errorf("changed = %v, want %v", row.Changed, want)
		}
		after, err := st.Organisation(staffCtx(), before.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.City != "Dole" || after.DescriptionFR != "Implants cardiaques." || after.Membership != directory.Member || after.SIRET != "81234567600017" {
			t.Errorf("after = %+v", after)
		}
		wantServices := []directory.Service{
			{TitleFR: "conception d'implants", TitleEN: "Implant design", DescriptionFR: "De l'idée au prototype.", Step: "design"},
			{TitleFR: "Essais de fatigue"},
		}
		if !slices.Equal(after.Services, wantServices) {
			t.Errorf("services = %+v", after.Services)
		}
		if c := after.Certifications; len(c) != 1 || c[0].Issuer != "GMED" || c[0].Scope != "implants" || c[0].ValidUntil.IsZero() {
			t.Errorf("certifications = %+v", c)
		}
		if want := []directory.CapacityValue{{Attribute: "headcount_rd", Value: 8}}; !slices.Equal(after.Capacities, want) {
			t.Errorf("capacities = %+v, want the emptied cell to remove cleanroom_area", after.Capacities)
		}
		entries, _, err := audit.List(context.Background(), d, audit.Filter{Entity: "organisation", Action: "update"})
		if err != nil || len(entries) != 1 || entries[0].Actor != "camille@cluster.example" {
			t.Errorf("audit = %+v, %v", entries, err)
		}
		if again := run(t, st, input(t, "maj.csv", []byte(file)), importer.Options{}); again.Rows[0].Action != importer.Unchanged {
			t.Errorf("re-import: %+v", again.Rows[0])
		}
	})
}

func TestAmbiguousMatchesAreRejectedNotGuessed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		for _, siret := range []string{"81234567600017", "81234567600025"} {
			if _, err := st.CreateOrganisation(staffCtx(), directory.Organisation{Name: "Clinique " + siret[9:], Kind: "hospital", Postcode: "21000", SIRET: siret}); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{"Groupe Santé", "Groupe santé"} {
			if _, err := st.CreateOrganisation(staffCtx(), directory.Organisation{Name: name, Kind: "large", Postcode: "75008"}); err != nil {
				t.Fatal(err)
			}
		}
		file := "name;siret;kind;postcode\n" +
			"Clinique X;812345676;hospital;21000\n" + // a SIREN with two establishments
			"Clinique 00017;812345676;hospital;21000\n" + // … told apart by name and postcode
			"GROUPE SANTE;;large;75008\n" // two stored organisations fold alike
		r := run(t, st, input(t, "amb.csv", []byte(file)), importer.Options{})
		if want := []string{"2:reject", "3:unchanged", "4:reject"}; !slices.Equal(actions(r), want) {
			t.Fatalf("actions = %v, want %v (%v)", actions(r), want, r.Rows)
		}
		if k := r.Rows[0].Reasons[0].Key; k != "import.ambiguous_siret" {
			t.Errorf("line 2: %s", k)
		}
		if k := r.Rows[2].Reasons[0].Key; k != "import.ambiguous_name" {
			t.Errorf("line 4: %s", k)
		}
	})
}

func TestXLSXFileImportsLikeACSV(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		var buf bytes.Buffer
		header := []string{"Nom", "SIRET", "Type", "Code postal", "Latitude", "Longitude", "Année de création", "Effectif", "Chiffre d'affaires", "Cleanroom class (ISO 5 to 8)"}
		rows := [][]any{
			{"Biopôle Santé", "19211234000026", "Plateforme technologique", 21000, 47.32, 5.04, 2011, 35, "3,5 M€", 7},
			{"Sans Type", nil, nil, "21000", nil, nil, nil, nil, nil, nil},
			{"Classe Fausse", nil, "sme", 21000, nil, nil, nil, nil, nil, 4.5},
		}
		if err := tabular.WriteXLSX(&buf, "Feuil1", header, rows); err != nil {
			t.Fatal(err)
		}
		r := run(t, st, input(t, "annuaire.xlsx", buf.Bytes()), importer.Options{})
		if want := []string{"2:create", "3:reject", "4:reject"}; !slices.Equal(actions(r), want) {
			t.Fatalf("actions = %v, want %v (%v)", actions(r), want, r.Rows)
		}
		if f := reasonFields(r.Rows[1]); !slices.Equal(f, []string{"kind"}) {
			t.Errorf("line 3 rejected on %v", f)
		}
		if f := reasonFields(r.Rows[2]); !slices.Equal(f, []string{"capacities"}) {
			t.Errorf("line 4 rejected on %v", f)
		}
		o, err := st.Organisation(staffCtx(), r.Rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Kind != "platform" || o.Founded != 2011 || o.Headcount != "10-49" || o.Revenue != "2m_10m" || o.Latitude != 47.32 {
			t.Errorf("stored as %+v", o)
		}
	})
}

func TestTemplatesImportAsTheyAre(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		for _, lang := range []string{"fr", "en"} {
			for _, format := range []string{importer.FormatCSV, importer.FormatXLSX} {
				var buf bytes.Buffer
				if err := importer.Template(&buf, lang, format); err != nil {
					t.Fatal(err)
				}
				in := input(t, importer.TemplateName(lang, format), buf.Bytes())
				if !slices.Equal(in.Table.Header, importer.Header(lang)) {
					t.Errorf("%s %s header = %q", lang, format, in.Table.Header)
				}
				r := run(t, st, in, importer.Options{})
				if r.Rejected != 0 || len(r.Ignored) != 0 || r.Created+r.Updated+r.Unchanged != 2 {
					t.Errorf("%s %s: %v ignored %v", lang, format, r.Rows, r.Ignored)
					for _, row := range r.Rows {
						t.Log(row.Text("en"))
					}
				}
			}
		}
		if n := count(t, d, "organisations"); n != 2 {
			t.Errorf("the four templates hold the same two organisations: %d stored", n)
		}
	})
}

func TestTemplateHasTheRequiredColumns(t *testing.T) {
	en := importer.Header("en")
	for _, c := range []string{"name", "group", "siret", "kind", "sectors", "postcode", "city", "region", "country",
		"description_fr", "description_en", "services", "bricks", "certifications", "website"} {
		if !slices.Contains(en, c) {
			t.Errorf("English template lacks %q", c)
		}
	}
	fr := importer.Header("fr")
	if len(fr) != len(en) || fr[0] != "Nom" {
		t.Errorf("French header %q", fr)
	}
}

func TestFileWithoutANameColumnIsRefusedAsAWhole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		_, err := importer.Run(staffCtx(), st, input(t, "x.csv", []byte("ville;pays\nLyon;FR\n")), importer.Options{})
		if err == nil || !strings.Contains(err.Error(), "import.no_name_column") {
			t.Errorf("err = %v", err)
		}
		if _, err := importer.Read("x.csv", strings.NewReader(""), 1<<20); err == nil || !strings.Contains(err.Error(), "import.no_header") {
			t.Errorf("empty file: %v", err)
		}
		if _, err := importer.Read("x.csv", strings.NewReader(strings.Repeat("x", 2<<20)), 1<<20); err == nil || !strings.Contains(err.Error(), "import.too_large") {
			t.Errorf("large file: %v", err)
		}
	})
}

func TestBrokenRowsAreRejectedInFileOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		file := "name;kind\nAlpha;sme\nBeta;sme;surplus\nGamma;sme\n"
		r := run(t, st, input(t, "b.csv", []byte(file)), importer.Options{})
		if want := []string{"2:create", "3:reject", "4:create"}; !slices.Equal(actions(r), want) {
			t.Fatalf("actions = %v, want %v", actions(r), want)
		}
		if r.Rows[1].Reasons[0].Key != "import.too_many_cells" {
			t.Errorf("line 3: %+v", r.Rows[1])
		}
		for _, i := range []int{0, 2} {
			if o, err := st.Organisation(staffCtx(), r.Rows[i].ID); err != nil || o.Name != r.Rows[i].Name {
				t.Errorf("row %d: id %d → %q, %v", i, r.Rows[i].ID, o.Name, err)
			}
		}
	})
}

func TestUnknownValuesAreNamedInTheReasonInTemplateColumnOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		file := "nom;type;filières;certifications;adhésion\nAlpha;Boulangerie;medtech|Aéronautique;ISO 99999;peut-être\n"
		r := run(t, st, input(t, "u.csv", []byte(file)), importer.Options{})
		got := r.Rows[0].Messages("fr")
		want := []string{
			"Type : « Boulangerie » n'est pas une valeur reconnue.",
			"Adhésion : « peut-être » n'est pas une valeur reconnue.",
			"Filières : « Aéronautique » n'est pas une valeur reconnue.",
			"Certifications : « ISO 99999 » n'est pas une valeur reconnue.",
		}
		if !slices.Equal(got, want) {
			t.Errorf("messages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// generated is a CSV of n organisations with every kind of column, as
// French Excel writes it.
func generated(n int) []byte {
	var b strings.Builder
	b.WriteString("Nom;SIRET;Type;Filières;Étapes;Briques;Services;Certifications;Code postal;Ville;Région;Pays;" +
		"Latitude;Longitude;Site web;Effectif;Mots-clés;Description FR;Description EN;Surface de salle propre (m²)\r\n")
	kinds := []string{"PME", "Start-up", "Laboratoire", "ETI", "CHU"}
	for i := range n {
		fmt.Fprintf(&b, "Organisation %d;;%s;Medtech|Biotechnologies;design|regulatory;mt.machining|Microfluidique;"+
			"Usinage de précision / Precision machining|Prototypage rapide %d;ISO 13485:2028-0%d-15|ISO 9001;%05d;Ville %d;Région %d;FR;"+
			"%d,%04d;%d,%04d;https://org%d.example;10-49;implants|titane;Entreprise numéro %d, spécialiste des dispositifs médicaux.;"+
			"Company number %d, a medical device specialist.;%d,5\r\n",
			i, kinds[i%len(kinds)], i, 1+i%9, 1000+i%90000, i%500, i%13, 43+i%8, i%10000, i%7, i%10000, i, i, i, i%1000)
	}
	return []byte(b.String())
}

func TestManyRowsCrossTheStatementBatchesAndReimportChangesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		st := directory.NewStore(d)
		const n = 510
		data := generated(n)
		r := run(t, st, input(t, "big.csv", data), importer.Options{})
		if r.Created != n || r.Rejected != 0 {
			t.Fatalf("%d created, %d rejected: %v", r.Created, r.Rejected, r.Rows[0].Messages("en"))
		}
		for table, want := range map[string]int{
			"organisations": n, "organisation_sectors": 2 * n, "organisation_steps": 2 * n, "organisation_bricks": 2 * n,
			"organisation_services": 2 * n, "organisation_certifications": 2 * n, "organisation_capacities": n,
			"organisation_search": n,
		} {
			if got := count(t, d, table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		for _, i := range []int{0, 499, 500, n - 1} {
			o, err := st.Organisation(staffCtx(), r.Rows[i].ID)
			if err != nil || o.Name != fmt.Sprintf("Organisation %d", i) || o.Services[1].TitleFR != fmt.Sprintf("Prototypage rapide %d", i) {
				t.Errorf("row %d: %+v, %v", i, o, err)
			}
		}
		res, err := st.Search(staffCtx(), directory.SearchQuery{Text: "prototypage", Brick: "mt.microfluidics", Limit: 1})
		if err != nil || res.Total != n {
			t.Errorf("search after import: %d hits, %v", res.Total, err)
		}
		audits := count(t, d, "audit_log")
		again := run(t, st, input(t, "big.csv", data), importer.Options{})
		if again.Unchanged != n || again.Written || count(t, d, "audit_log") != audits {
			t.Errorf("re-import: %d unchanged, written %v", again.Unchanged, again.Written)
		}
	})
}

// FuzzImport feeds arbitrary bytes as an upload (CSV, or XLSX when they
// are a zip archive) through Plan and Run:
// nothing may panic, and a run either writes what its report says or
// nothing at all.
func FuzzImport(f *testing.F) {
	f.Add([]byte(frenchExcelFile), false)
	f.Add([]byte("name;kind;latitude;longitude\nA;sme;1;2\nA;sme;;\n"), true)
	f.Add([]byte("nom,siret,services,certifications\n\"x\",812345676,\"a / b|c\",ISO 13485:99/99/9999\n"), false)
	f.Add([]byte("name\n\"unterminated\n"), false)
	var workbook bytes.Buffer
	if err := tabular.WriteXLSX(&workbook, "Feuil1", []string{"Nom", "Type", "Latitude"}, [][]any{{"Biopôle", "PME", 95.5}, {"", "lab", nil}}); err != nil {
		f.Fatal(err)
	}
	f.Add(workbook.Bytes(), true) // read as a workbook: the content, not the name, decides
	d := dbtest.SQLite(f)
	st := directory.NewStore(d)
	tables := []string{"organisations", "organisation_sectors", "organisation_services", "organisation_certifications",
		"organisation_capacities", "organisation_search", "audit_log"}
	snapshot := func(t *testing.T) map[string]int {
		m := map[string]int{}
		for _, table := range tables {
			m[table] = count(t, d, table)
		}
		return m
	}
	f.Fuzz(func(t *testing.T, data []byte, allOrNothing bool) {
		ctx := staffCtx()
		in, err := importer.Read("fuzz.csv", bytes.NewReader(data), 1<<20)
		if err != nil {
			return
		}
		if _, err := importer.Plan(ctx, st, in, importer.Options{AllOrNothing: allOrNothing}); err != nil {
			if !strings.Contains(err.Error(), "import.") {
				t.Fatalf("Plan: %v", err)
			}
			return
		}
		before := snapshot(t)
		r, err := importer.Run(ctx, st, in, importer.Options{AllOrNothing: allOrNothing})
		after := snapshot(t)
		if err != nil || !r.Written {
			if !maps(before, after) {
				t.Fatalf("run (err %v, written %v) changed the database: %v → %v", err, r.Written, before, after)
			}
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			return
		}
		if got := after["organisations"] - before["organisations"]; got != r.Created {
			t.Fatalf("%d organisations written, report says %d created", got, r.Created)
		}
		if got := after["audit_log"] - before["audit_log"]; got != r.Created+r.Updated {
			t.Fatalf("%d audit rows for %d creates and %d updates", got, r.Created, r.Updated)
		}
	})
}

func maps(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// BenchmarkImport100k imports 100,000 generated rows (every kind of
// column) into a fresh SQLite file, then imports them again:
//
//	go test -run '^$' -bench Import100k -benchtime 1x ./internal/importer
func BenchmarkImport100k(b *testing.B) {
	const n = 100_000
	data := generated(n)
	b.ReportMetric(float64(len(data))/(1<<20), "MB")
	for b.Loop() {
		d := dbtest.SQLite(b)
		st := directory.NewStore(d)
		start := time.Now()
		in, err := importer.Read("big.csv", bytes.NewReader(data), 512<<20)
		if err != nil {
			b.Fatal(err)
		}
		r, err := importer.Run(staffCtx(), st, in, importer.Options{})
		if err != nil || r.Created != n {
			b.Fatalf("%d created, %v", r.Created, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		start = time.Now()
		in, _ = importer.Read("big.csv", bytes.NewReader(data), 512<<20)
		r, err = importer.Run(staffCtx(), st, in, importer.Options{})
		if err != nil || r.Unchanged != n {
			b.Fatalf("%d unchanged, %v", r.Unchanged, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/reimport")
	}
}
