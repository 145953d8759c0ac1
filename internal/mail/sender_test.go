package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"filiere/internal/db"
	"filiere/internal/db/dbtest"
	"filiere/internal/mail"
	"filiere/internal/mail/mailtest"
)

const from = "Filière Santé <ne-pas-repondre@filiere.example>"

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newSender(t *testing.T, d *db.DB, url string) *mail.Sender {
	t.Helper()
	s, err := mail.NewSender(d, url, from, quietLogger())
	if err != nil {
		t.Fatalf("NewSender(%q): %v", url, err)
	}
	return s
}

func enqueue(t *testing.T, d *db.DB, m mail.Message) int64 {
	t.Helper()
	id, err := mail.Enqueue(context.Background(), d, m)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return id
}

func deliver(t *testing.T, s *mail.Sender) (sent, failed int) {
	t.Helper()
	sent, failed, err := s.DeliverPending(context.Background())
	if err != nil {
		t.Fatalf("DeliverPending: %v", err)
	}
	return sent, failed
}

func row(t *testing.T, d *db.DB, id int64) mail.OutboxRow {
	t.Helper()
	rows, err := mail.Recent(context.Background(), d, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("outbox row %d not listed by Recent", id)
	return mail.OutboxRow{}
}

// closedPort returns an address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestEnqueuedMailArrivesWithAccentedSubjectAndRecipientName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.Start(t)
		text := "Bonjour Hélène,\n\nPour choisir un nouveau mot de passe, suivez ce lien :\nhttps://filiere.example/reset?token=abc=def\n\nL'équipe de la filière\n"
		id := enqueue(t, d, mail.Message{To: "helene.dupre@example.org", ToName: "Hélène Dupré", Subject: "Réinitialisation de votre mot de passe", Text: text})

		if sent, failed := deliver(t, newSender(t, d, srv.URL())); sent != 1 || failed != 0 {
			t.Fatalf("DeliverPending sent %d, failed %d; want 1, 0", sent, failed)
		}
		got := srv.WaitFor(t, 1, 10*time.Second)[0]
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		if len(got.To) != 1 || got.To[0] != "helene.dupre@example.org" {
			t.Errorf("RCPT TO %v, want helene.dupre@example.org", got.To)
		}
		if got.From != "ne-pas-repondre@filiere.example" {
			t.Errorf("MAIL FROM %q", got.From)
		}
		if got.Subject != "Réinitialisation de votre mot de passe" {
			t.Errorf("subject %q", got.Subject)
		}
		if got.Text != text {
			t.Errorf("text body\n%q\nwant\n%q", got.Text, text)
		}
		to, err := netmail.ParseAddress(got.Header.Get("To"))
		if err != nil || to.Name != "Hélène Dupré" || to.Address != "helene.dupre@example.org" {
			t.Errorf("To header %q parses as %v, %v", got.Header.Get("To"), to, err)
		}
		sender, err := netmail.ParseAddress(got.Header.Get("From"))
		if err != nil || sender.Name != "Filière Santé" {
			t.Errorf("From header %q parses as %v, %v", got.Header.Get("From"), sender, err)
		}
		if _, err := got.Header.Date(); err != nil {
			t.Errorf("Date header: %v", err)
		}
		for _, h := range []string{"Message-ID", "MIME-Version"} {
			if got.Header.Get(h) == "" {
				t.Errorf("no %s header", h)
			}
		}
		if !strings.HasPrefix(got.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("Content-Type %q, want text/plain", got.Header.Get("Content-Type"))
		}
		for i, c := range got.Data {
			if c >= 0x80 {
				t.Fatalf("raw message has a non-ASCII byte at %d: accents must be encoded", i)
			}
		}

		r := row(t, d, id)
		if !r.Sent() || r.Attempts != 0 {
			t.Errorf("outbox row after delivery: %+v", r)
		}
		if n, err := mail.Pending(context.Background(), d); err != nil || n != 0 {
			t.Errorf("Pending = %d, %v; want 0", n, err)
		}
	})
}

func TestMailWithHTMLIsMultipartAlternative(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.Start(t)
		enqueue(t, d, mail.Message{
			To: "marc@example.org", Subject: "Appel à projets ouvert",
			Text: "L'appel « Santé connectée » est ouvert.\n",
			HTML: "<p>L'appel <strong>« Santé connectée »</strong> est ouvert.</p>\n",
		})
		deliver(t, newSender(t, d, srv.URL()))
		got := srv.WaitFor(t, 1, 10*time.Second)[0]
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative;") {
			t.Errorf("Content-Type %q, want multipart/alternative", ct)
		}
		if got.Text != "L'appel « Santé connectée » est ouvert.\n" {
			t.Errorf("text part %q", got.Text)
		}
		if got.HTML != "<p>L'appel <strong>« Santé connectée »</strong> est ouvert.</p>\n" {
			t.Errorf("html part %q", got.HTML)
		}
		if got.Subject != "Appel à projets ouvert" {
			t.Errorf("subject %q", got.Subject)
		}
	})
}

func TestUnreachableServerPostponesTheMailUntilALaterRunDeliversIt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := enqueue(t, d, mail.Message{To: "ines@example.org", Subject: "Invitation", Text: "Bonjour"})
		clock := time.Now().UTC().Add(time.Minute).Truncate(time.Microsecond)

		down := newSender(t, d, "smtp://"+closedPort(t))
		down.Now = func() time.Time { return clock }
		if sent, failed := deliver(t, down); sent != 0 || failed != 1 {
			t.Fatalf("with the server down: sent %d, failed %d; want 0, 1", sent, failed)
		}
		r := row(t, d, id)
		if r.Sent() || r.Attempts != 1 || r.LastError == "" {
			t.Fatalf("after a failed attempt: %+v", r)
		}
		if want := clock.Add(time.Minute); !r.SendAfter.Equal(want) {
			t.Errorf("send_after %v, want %v (one minute later)", r.SendAfter, want)
		}
		if sent, failed := deliver(t, down); sent != 0 || failed != 0 {
			t.Errorf("before the retry is due: sent %d, failed %d; want nothing tried", sent, failed)
		}
		if n, err := mail.Pending(ctx, d); err != nil || n != 1 {
			t.Errorf("Pending = %d, %v; want 1", n, err)
		}

		clock = clock.Add(30 * time.Second)
		deliver(t, down) // not yet due: still one attempt
		clock = clock.Add(31 * time.Second)
		deliver(t, down)
		r = row(t, d, id)
		if r.Attempts != 2 || !r.SendAfter.Equal(clock.Add(2*time.Minute)) {
			t.Fatalf("second failure: attempts %d, send_after %v; want 2, %v", r.Attempts, r.SendAfter, clock.Add(2*time.Minute))
		}

		srv := mailtest.Start(t)
		up := newSender(t, d, srv.URL())
		up.Now = func() time.Time { return clock.Add(2 * time.Minute) }
		if sent, failed := deliver(t, up); sent != 1 || failed != 0 {
			t.Fatalf("once the server is up: sent %d, failed %d; want 1, 0", sent, failed)
		}
		if got := srv.WaitFor(t, 1, 10*time.Second); got[0].To[0] != "ines@example.org" || got[0].Text != "Bonjour\n" {
			t.Errorf("received %+v", got[0])
		}
		if r := row(t, d, id); !r.Sent() {
			t.Errorf("row not marked sent: %+v", r)
		}
	})
}

func TestBackoffDoublesFromOneMinuteUpToAnHour(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := mail.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := mail.Backoff(1000); got != time.Hour {
		t.Errorf("Backoff(1000) = %v", got)
	}
}

func TestLineBreaksInHeaderFieldsAreRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for name, m := range map[string]mail.Message{
			"subject":   {To: "a@example.org", Subject: "Bonjour\r\nBcc: victim@example.org", Text: "x"},
			"name":      {To: "a@example.org", ToName: "Eve\nBcc: victim@example.org", Subject: "s", Text: "x"},
			"recipient": {To: "a@example.org\r\nBcc: victim@example.org", Subject: "s", Text: "x"},
		} {
			if _, err := mail.Enqueue(ctx, d, m); !errors.Is(err, mail.ErrHeaderInjection) {
				t.Errorf("%s with a line break: Enqueue = %v, want ErrHeaderInjection", name, err)
			}
		}

		// A row written behind Enqueue's back is refused at send, for good.
		srv := mailtest.Start(t)
		now := time.Now().UTC()
		var id int64
		if err := d.QueryRow(ctx, `INSERT INTO outbox (to_addr, to_name, subject, body_text, created_at, send_after)
			VALUES (?, '', ?, 'x', ?, ?) RETURNING id`, "a@example.org", "Bonjour\r\nBcc: victim@example.org", now, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if sent, failed := deliver(t, newSender(t, d, srv.URL())); sent != 0 || failed != 1 {
			t.Fatalf("sent %d, failed %d; want 0, 1", sent, failed)
		}
		if r := row(t, d, id); !r.GaveUp() || !strings.Contains(r.LastError, "line break") {
			t.Errorf("injected row: %+v, want given up with a line-break error", r)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server received %d message(s)", n)
		}
		if _, err := mail.NewSender(d, srv.URL(), "x@example.org\r\nBcc: victim@example.org", quietLogger()); !errors.Is(err, mail.ErrHeaderInjection) {
			t.Errorf("From with a line break: NewSender = %v", err)
		}
	})
}

func TestRefusedRecipientIsGivenUpWithoutHoldingBackTheOthers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.Start(t)
		srv.Reject("gone@example.org")
		gone := enqueue(t, d, mail.Message{To: "gone@example.org", Subject: "s", Text: "x"})
		enqueue(t, d, mail.Message{To: "here@example.org", Subject: "s", Text: "y"})
		if sent, failed := deliver(t, newSender(t, d, srv.URL())); sent != 1 || failed != 1 {
			t.Fatalf("sent %d, failed %d; want 1, 1", sent, failed)
		}
		if got := srv.WaitFor(t, 1, 10*time.Second); len(got) != 1 || got[0].To[0] != "here@example.org" {
			t.Errorf("received %v", got)
		}
		r := row(t, d, gone)
		if !r.GaveUp() || !strings.Contains(r.LastError, "550") {
			t.Errorf("refused row: %+v, want given up with the 550 reply", r)
		}
		if n, err := mail.GivenUp(context.Background(), d); err != nil || n != 1 {
			t.Errorf("GivenUp = %d, %v; want 1", n, err)
		}
	})
}

func TestCredentialsInTheURLAreUsedForAuthPlain(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.Start(t)
		srv.RequireAuth("filiere", "s3cret")
		addr := strings.TrimPrefix(srv.URL(), "smtp://")

		bad := enqueue(t, d, mail.Message{To: "a@example.org", Subject: "s", Text: "x"})
		if sent, failed := deliver(t, newSender(t, d, "smtp://filiere:wrong@"+addr)); sent != 0 || failed != 1 {
			t.Fatalf("wrong password: sent %d, failed %d", sent, failed)
		}
		if r := row(t, d, bad); r.GaveUp() || !strings.Contains(r.LastError, "authenticate") {
			t.Errorf("wrong password must be retried, not given up: %+v", r)
		}

		if _, err := d.Exec(context.Background(), "DELETE FROM outbox"); err != nil {
			t.Fatal(err)
		}
		enqueue(t, d, mail.Message{To: "a@example.org", Subject: "s", Text: "x"})
		if sent, _ := deliver(t, newSender(t, d, "smtp://filiere:s3cret@"+addr+"?insecure_skip_verify=1")); sent != 1 {
			t.Fatalf("right password: sent %d", sent)
		}
		if got := srv.WaitFor(t, 1, 10*time.Second); got[0].User != "filiere" {
			t.Errorf("AUTH user %q, want filiere", got[0].User)
		}
	})
}

func TestConcurrentSendersDeliverEachMessageExactlyOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		const n = 40
		srv := mailtest.Start(t)
		for i := range n {
			enqueue(t, d, mail.Message{To: fmt.Sprintf("m%02d@example.org", i), Subject: "s", Text: "x"})
		}
		var wg sync.WaitGroup
		sent := make([]int, 2)
		errs := make([]error, 2)
		for i := range 2 {
			s := newSender(t, d, srv.URL())
			mail.SetBatch(s, 3)
			wg.Go(func() { sent[i], _, errs[i] = s.DeliverPending(context.Background()) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if sent[0]+sent[1] != n {
			t.Errorf("senders report %d + %d sent, want %d in all", sent[0], sent[1], n)
		}
		seen := map[string]int{}
		for _, m := range srv.WaitFor(t, n, 10*time.Second) {
			seen[m.To[0]]++
		}
		for i := range n {
			if to := fmt.Sprintf("m%02d@example.org", i); seen[to] != 1 {
				t.Errorf("%s received %d times", to, seen[to])
			}
		}
		if len(srv.Messages()) != n {
			t.Errorf("server received %d messages, want %d", len(srv.Messages()), n)
		}
	})
}

func TestWithoutSMTPURLMailIsLoggedAndLeftPending(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		var logs bytes.Buffer
		s, err := mail.NewSender(d, "", "", slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs.String(), "mail delivery disabled") {
			t.Errorf("no start-up line saying delivery is disabled; log:\n%s", logs.String())
		}
		enqueue(t, d, mail.Message{To: "a@example.org", Subject: "Votre lien", Text: "https://filiere.example/reset?token=xyz"})
		for range 2 {
			if sent, failed := deliver(t, s); sent != 0 || failed != 0 {
				t.Errorf("disabled sender sent %d, failed %d", sent, failed)
			}
		}
		if c := strings.Count(logs.String(), "Votre lien"); c != 1 {
			t.Errorf("pending mail logged %d times, want once; log:\n%s", c, logs.String())
		}
		if strings.Contains(logs.String(), "token=xyz") {
			t.Errorf("the body (a reset link) reached an info-level log:\n%s", logs.String())
		}
		if n, err := mail.Pending(context.Background(), d); err != nil || n != 1 {
			t.Errorf("Pending = %d, %v; want 1", n, err)
		}
	})
}

func TestBadSMTPURLsAreRefused(t *testing.T) {
	d := dbtest.SQLite(t)
	for _, u := range []string{
		"http://mail.example.org",
		"smtp://",
		"smtp://mail.example.org:587/path",
		"smtp://mail.example.org:587?tls=on",
		"smtp://mail.example.org:587?insecure_skip_verify=maybe",
		"smtp://user:p%zz@mail.example.org",
	} {
		if _, err := mail.NewSender(d, u, from, quietLogger()); err == nil {
			t.Errorf("NewSender accepted %q", u)
		}
	}
	if _, err := mail.NewSender(d, "smtp://mail.example.org", "", quietLogger()); err == nil {
		t.Error("NewSender accepted an SMTP URL without a From address")
	}
	for _, u := range []string{"smtp://u:p@mail.example.org:587", "smtps://mail.example.org", "smtp://127.0.0.1:2525?insecure_skip_verify=1"} {
		if _, err := mail.NewSender(d, u, from, quietLogger()); err != nil {
			t.Errorf("NewSender(%q): %v", u, err)
		}
	}
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	d := dbtest.SQLite(t)
	srv := mailtest.Start(t)
	enqueue(t, d, mail.Message{To: "a@example.org", Subject: "s", Text: "x"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		newSender(t, d, srv.URL()).Run(ctx, time.Hour)
	}()
	srv.WaitFor(t, 1, 10*time.Second)
	cancel()
	<-done
}

func TestMailGoesOverTLSWhenTheServerOffersIt(t *testing.T) {
	d := dbtest.SQLite(t)
	for name, srv := range map[string]*mailtest.Server{"starttls": mailtest.StartTLS(t), "smtps": mailtest.StartSMTPS(t)} {
		t.Run(name, func(t *testing.T) {
			if _, err := d.Exec(context.Background(), "DELETE FROM outbox"); err != nil {
				t.Fatal(err)
			}
			id := enqueue(t, d, mail.Message{To: "a@example.org", Subject: "Sécurité", Text: "x"})

			// The certificate is self-signed: without the test flag it is refused.
			strict := strings.Replace(srv.URL(), "?insecure_skip_verify=1", "", 1)
			if sent, failed := deliver(t, newSender(t, d, strict)); sent != 0 || failed != 1 {
				t.Fatalf("self-signed certificate accepted: sent %d, failed %d", sent, failed)
			}
			if r := row(t, d, id); !strings.Contains(r.LastError, "certificate") {
				t.Errorf("last_error %q, want a certificate error", r.LastError)
			}
			if _, err := d.Exec(context.Background(), "UPDATE outbox SET send_after = ?", time.Now().UTC().Add(-time.Second)); err != nil {
				t.Fatal(err)
			}

			withAuth := strings.Replace(srv.URL(), "://", "://filiere:s3cret@", 1)
			if sent, _ := deliver(t, newSender(t, d, withAuth)); sent != 1 {
				t.Fatalf("sent %d over %s", sent, name)
			}
			got := srv.WaitFor(t, 1, 10*time.Second)[0]
			if !got.TLS || got.User != "filiere" || got.Subject != "Sécurité" {
				t.Errorf("received TLS=%v user=%q subject=%q", got.TLS, got.User, got.Subject)
			}
		})
	}
}
