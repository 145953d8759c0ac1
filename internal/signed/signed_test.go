package signed_test

import (
	"context"
	"strings"
	"testing"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/signed"
)

func TestATokenActsOnItsIdForItsPurposeOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		l := signed.New(d, "survey_settings")
		if err := l.Ready(); err != nil {
			t.Fatal(err)
		}
		tok := l.Token("survey", 42)
		if id, ok := l.Check(tok, "survey"); !ok || id != 42 {
			t.Fatalf("Check(%q) = %d, %v", tok, id, ok)
		}
		for _, bad := range []string{
			strings.Replace(tok, "42-", "43-", 1), // another id
			tok + "x", tok[:len(tok)-1], "42", "", "-" + tok, "0-abc", "x-" + tok[3:],
		} {
			if id, ok := l.Check(bad, "survey"); ok {
				t.Errorf("Check(%q) accepted id %d", bad, id)
			}
		}
		if _, ok := l.Check(tok, "meetings"); ok {
			t.Error("a survey token works for another purpose")
		}
		// The secret is the database's: another Links over the same table
		// agrees, another table (another domain) does not.
		if _, ok := signed.New(d, "survey_settings").Check(tok, "survey"); !ok {
			t.Error("the same table's secret does not check the token")
		}
		other := signed.New(d, "events_settings")
		if _, ok := other.Check(tok, "survey"); ok {
			t.Error("another domain's secret checks the token")
		}
		var n int
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM survey_settings WHERE key = 'link_secret'").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d secrets stored, %v", n, err)
		}
	})
}
