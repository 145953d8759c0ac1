package mailtest_test

import (
	"net/smtp"
	"strings"
	"testing"
	"time"

	"filiere/internal/mail/mailtest"
)

func TestServerRecordsAndDecodesWhatAClientSends(t *testing.T) {
	srv := mailtest.Start(t)
	msg := "From: a@example.org\r\n" +
		"To: b@example.org\r\n" +
		"Subject: =?iso-8859-1?q?R=E9sum=E9?=\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/alternative; boundary=inner\r\n\r\n" +
		"--inner\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" +
		"Q2hlcnMgbWVtYnJlcywg\r\nw6AgYmllbnTDtHQu\r\n" +
		"--inner\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>=C3=80 bient=C3=B4t.</p>\r\n" +
		"--inner--\r\n" +
		"--outer--\r\n"
	addr := strings.TrimPrefix(srv.URL(), "smtp://")
	auth := smtp.PlainAuth("", "anyone", "anything", "127.0.0.1")
	if err := smtp.SendMail(addr, auth, "a@example.org", []string{"b@example.org", "c@example.org"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 10*time.Second)[0]
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if got.From != "a@example.org" || strings.Join(got.To, ",") != "b@example.org,c@example.org" || got.User != "anyone" {
		t.Errorf("envelope from %q to %v user %q", got.From, got.To, got.User)
	}
	if got.Subject != "Résumé" || got.Text != "Chers membres, à bientôt." || got.HTML != "<p>À bientôt.</p>" {
		t.Errorf("decoded subject %q text %q html %q", got.Subject, got.Text, got.HTML)
	}
}

func TestRequiredCredentialsAreChecked(t *testing.T) {
	srv := mailtest.Start(t)
	srv.RequireAuth("filiere", "s3cret")
	addr := strings.TrimPrefix(srv.URL(), "smtp://")
	body := []byte("Subject: x\r\n\r\nx\r\n")
	if err := smtp.SendMail(addr, nil, "a@example.org", []string{"b@example.org"}, body); err == nil {
		t.Error("mail accepted without authentication")
	}
	if err := smtp.SendMail(addr, smtp.PlainAuth("", "filiere", "wrong", "127.0.0.1"), "a@example.org", []string{"b@example.org"}, body); err == nil {
		t.Error("wrong password accepted")
	}
	if err := smtp.SendMail(addr, smtp.PlainAuth("", "filiere", "s3cret", "127.0.0.1"), "a@example.org", []string{"b@example.org"}, body); err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d message(s) recorded, want 1", n)
	}
}
