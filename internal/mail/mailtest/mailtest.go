// Package mailtest runs an in-process SMTP server that speaks the real
// protocol, records what it receives and decodes it, so tests across the
// repository can assert on the mail a feature sends.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message as the server got it, with its subject and
// bodies decoded (RFC 2047, quoted-printable, base64; CRLF turned into LF).
// Note that SMTP ends a message with a line break: filiere's sender ends
// every body with one, so Text is the body sent plus "\n" if it had none.
type Received struct {
	From    string   // MAIL FROM
	To      []string // RCPT TO, in order
	User    string   // the AUTH PLAIN user name, "" without AUTH
	TLS     bool     // the message came over TLS (STARTTLS or implicit)
	Data    []byte   // the message exactly as transmitted
	Header  mail.Header
	Subject string // decoded
	Text    string // decoded text/plain part
	HTML    string // decoded text/html part
	Err     error  // why Data could not be parsed, if it could not
}

// Server is a running test SMTP server on 127.0.0.1.
type Server struct {
	srv  *smtp.Server
	addr string
	url  string

	mu       sync.Mutex
	msgs     []Received
	user     string // "" accepts any credentials
	password string
	required bool
	rejected map[string]bool
}

// Start listens on 127.0.0.1 on a free port and serves until the test ends.
// It accepts AUTH PLAIN with any credentials on the plain connection, and
// mail with or without authentication.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, plain)
}

// StartTLS is Start with STARTTLS offered, under a self-signed certificate:
// its URL carries insecure_skip_verify=1.
func StartTLS(t testing.TB) *Server {
	t.Helper()
	return start(t, startTLS)
}

// StartSMTPS is Start speaking TLS from the first byte, like a relay's port
// 465, under a self-signed certificate: its URL is smtps://…?insecure_skip_verify=1.
func StartSMTPS(t testing.TB) *Server {
	t.Helper()
	return start(t, implicitTLS)
}

type security int

const (
	plain security = iota
	startTLS
	implicitTLS
)

func start(t testing.TB, sec security) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Server{addr: l.Addr().String(), rejected: map[string]bool{}}
	s.url = "smtp://" + s.addr
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{server: s, conn: c}, nil
	}))
	if sec != plain {
		cfg, err := selfSigned()
		if err != nil {
			l.Close()
			t.Fatalf("mailtest: certificate: %v", err)
		}
		if sec == startTLS {
			s.srv.TLSConfig = cfg
			s.url += "?insecure_skip_verify=1"
		} else {
			l = tls.NewListener(l, cfg)
			s.url = "smtps://" + s.addr + "?insecure_skip_verify=1"
		}
	}
	s.srv.Domain = "mailtest.localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 100
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.srv.Close()
		<-done
	})
	return s
}

// selfSigned makes a throwaway certificate for 127.0.0.1 and localhost.
func selfSigned() (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, nil
}

// URL is the server's address as a sender's SMTP URL: smtp://127.0.0.1:PORT
// for Start.
func (s *Server) URL() string { return s.url }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// RequireAuth makes the server accept only these credentials and refuse
// mail from clients that did not authenticate.
func (s *Server) RequireAuth(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.password, s.required = user, password, true
}

// Reject makes the server refuse the recipient addr for good (550).
func (s *Server) Reject(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(addr)] = true
}

// Messages returns a copy of what arrived so far, in arrival order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits until at least n messages have arrived and returns them all.
// The timeout is a deadline against a hung test, not a timing assertion.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: %d message(s) arrived within %v, want at least %d", len(msgs), timeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// session is one client connection.
type session struct {
	server *Server
	conn   *smtp.Conn
	user   string
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		s := ss.server
		s.mu.Lock()
		want, wantPassword := s.user, s.password
		s.mu.Unlock()
		if want != "" && (username != want || password != wantPassword) {
			return smtp.ErrAuthFailed
		}
		ss.user, ss.authed = username, true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.server.mu.Lock()
	required := ss.server.required
	ss.server.mu.Unlock()
	if required && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.server.mu.Lock()
	rejected := ss.server.rejected[strings.ToLower(to)]
	ss.server.mu.Unlock()
	if rejected {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Parse(data)
	m.From, m.To, m.User = ss.from, append([]string(nil), ss.to...), ss.user
	_, m.TLS = ss.conn.TLSConnectionState()
	ss.server.mu.Lock()
	ss.server.msgs = append(ss.server.msgs, m)
	ss.server.mu.Unlock()
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// Parse decodes a raw message: headers, RFC 2047 subject, and the first
// text/plain and text/html parts, at any multipart depth.
func Parse(data []byte) Received {
	m := Received{Data: data}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		m.Err = fmt.Errorf("mailtest: read message: %w", err)
		return m
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		m.Err = fmt.Errorf("mailtest: decode subject: %w", err)
		return m
	}
	if err := m.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		m.Err = err
	}
	return m
}

// walk decodes one MIME entity, recursing into multiparts.
func (m *Received) walk(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("mailtest: content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart leaves the transfer encoding for decode to undo.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("mailtest: multipart: %w", err)
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	if mediaType != "text/plain" && mediaType != "text/html" {
		return nil
	}
	text, err := decode(encoding, body)
	if err != nil {
		return fmt.Errorf("mailtest: %s body: %w", mediaType, err)
	}
	switch {
	case mediaType == "text/plain" && m.Text == "":
		m.Text = text
	case mediaType == "text/html" && m.HTML == "":
		m.HTML = text
	}
	return nil
}

func decode(encoding string, body io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// newlineStripper drops the line breaks base64 bodies are wrapped with.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
