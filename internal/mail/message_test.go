package mail

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"filiere/internal/mail/mailtest"
)

func TestLongAccentedSubjectIsFoldedAndDecodesBack(t *testing.T) {
	subject := strings.Repeat("Réunion du comité d'évaluation des projets « Santé numérique » — ", 4)
	e := envelope{ID: 7, To: "zoe@example.org", ToName: "Zoé Lefèvre-Ménard", Subject: subject, Text: strings.Repeat("é", 300), HTML: "<p>" + strings.Repeat("à", 200) + "</p>", CreatedAt: time.Unix(1700000000, 0)}
	from := &mail.Address{Name: "Filière", Address: "ne-pas-repondre@filiere.example"}
	to, err := e.recipient()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := buildMessage(e, from, to, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long: %q", i+1, len(line), line)
		}
	}
	got := mailtest.Parse(raw)
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if got.Subject != subject {
		t.Errorf("subject decodes to %q", got.Subject)
	}
	if got.Text != strings.Repeat("é", 300)+"\n" || got.HTML != "<p>"+strings.Repeat("à", 200)+"</p>\n" {
		t.Errorf("bodies decode to %q / %q", got.Text, got.HTML)
	}
}

func TestMessageIDStaysTheSameAcrossRetries(t *testing.T) {
	e := envelope{ID: 42, CreatedAt: time.Unix(1700000000, 123)}
	from := &mail.Address{Address: "x@filiere.example"}
	a, b := messageID(e, from), messageID(e, from)
	if a != b || !strings.HasSuffix(a, "@filiere.example>") {
		t.Errorf("Message-IDs %q and %q", a, b)
	}
	if other := messageID(envelope{ID: 43, CreatedAt: e.CreatedAt}, from); other == a {
		t.Error("two outbox rows share a Message-ID")
	}
}
