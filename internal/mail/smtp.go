package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

const (
	dialTimeout    = 30 * time.Second
	commandTimeout = 60 * time.Second // per message, every SMTP command included
)

// relay is where and how the sender hands mail over, parsed from the
// smtp:// or smtps:// URL.
type relay struct {
	implicitTLS bool // smtps: TLS from the first byte; smtp: STARTTLS when offered
	host        string
	port        string
	user        string
	password    string
	skipVerify  bool
}

// parseRelay reads smtp://user:pass@host:port or smtps://…; the only query
// parameter is insecure_skip_verify=1, for test servers and local relays
// with self-signed certificates.
func parseRelay(raw string) (*relay, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp url: %w", err)
	}
	r := &relay{}
	switch u.Scheme {
	case "smtp":
		r.port = "587"
	case "smtps":
		r.implicitTLS = true
		r.port = "465"
	default:
		return nil, fmt.Errorf("mail: smtp url: scheme %q is not smtp:// or smtps://", u.Scheme)
	}
	r.host = u.Hostname()
	if r.host == "" {
		return nil, fmt.Errorf("mail: smtp url: no host (want smtp://user:pass@host:port)")
	}
	if p := u.Port(); p != "" {
		r.port = p
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("mail: smtp url: unexpected path %q", u.Path)
	}
	if u.User != nil {
		r.user = u.User.Username()
		r.password, _ = u.User.Password()
	}
	for k, vs := range u.Query() {
		switch k {
		case "insecure_skip_verify":
			switch v := vs[len(vs)-1]; v {
			case "1", "true":
				r.skipVerify = true
			case "0", "false", "":
			default:
				return nil, fmt.Errorf("mail: smtp url: insecure_skip_verify=%q (want 1 or 0)", v)
			}
		default:
			return nil, fmt.Errorf("mail: smtp url: unknown parameter %q (only insecure_skip_verify is known)", k)
		}
	}
	return r, nil
}

func (r *relay) addr() string { return net.JoinHostPort(r.host, r.port) }

func (r *relay) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: r.host, InsecureSkipVerify: r.skipVerify, MinVersion: tls.VersionTLS12}
}

// connection is one open, authenticated SMTP session; several messages go
// through it one after the other.
type connection struct {
	conn   net.Conn
	client *smtp.Client
	stop   func() bool // detaches the context watcher
}

// dial connects, greets, upgrades with STARTTLS when the server offers it
// and authenticates when the URL carries credentials.
func (r *relay) dial(ctx context.Context, helo string) (*connection, error) {
	nd := &net.Dialer{Timeout: dialTimeout}
	var conn net.Conn
	var err error
	if r.implicitTLS {
		conn, err = (&tls.Dialer{NetDialer: nd, Config: r.tlsConfig()}).DialContext(ctx, "tcp", r.addr())
	} else {
		conn, err = nd.DialContext(ctx, "tcp", r.addr())
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", r.addr(), err)
	}
	// net/smtp knows no context: a cancelled context expires the deadline.
	c := &connection{conn: conn, stop: context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })}
	_ = conn.SetDeadline(time.Now().Add(commandTimeout))
	fail := func(step string, err error) (*connection, error) {
		c.close()
		return nil, fmt.Errorf("%s %s: %w", step, r.addr(), err)
	}
	if c.client, err = smtp.NewClient(conn, r.host); err != nil {
		return fail("greeting from", err)
	}
	if err := c.client.Hello(helo); err != nil {
		return fail("hello to", err)
	}
	if !r.implicitTLS {
		if ok, _ := c.client.Extension("STARTTLS"); ok {
			if err := c.client.StartTLS(r.tlsConfig()); err != nil {
				return fail("starttls with", err)
			}
		}
	}
	if r.user != "" {
		if err := c.client.Auth(r.auth()); err != nil {
			return fail("authenticate to", err)
		}
	}
	return c, nil
}

// auth picks PLAIN, or LOGIN for servers that offer only that. Both refuse
// to send the password over an unencrypted connection except to localhost.
func (r *relay) auth() smtp.Auth {
	return &plainOrLogin{plain: smtp.PlainAuth("", r.user, r.password, r.host), user: r.user, password: r.password, host: r.host}
}

type plainOrLogin struct {
	plain          smtp.Auth
	user, password string
	host           string
	login          bool
}

func (a *plainOrLogin) Start(server *smtp.ServerInfo) (string, []byte, error) {
	offersPlain := len(server.Auth) == 0
	for _, m := range server.Auth {
		if strings.EqualFold(m, "PLAIN") {
			offersPlain = true
		}
	}
	if offersPlain {
		return a.plain.Start(server)
	}
	if !server.TLS && server.Name != "localhost" && server.Name != "127.0.0.1" && server.Name != "::1" {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	a.login = true
	return "LOGIN", nil, nil
}

func (a *plainOrLogin) Next(fromServer []byte, more bool) ([]byte, error) {
	if !a.login {
		return a.plain.Next(fromServer, more)
	}
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:":
		return []byte(a.user), nil
	case "password:":
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("unexpected LOGIN challenge %q", fromServer)
}

// permanentError marks a failure that retrying cannot fix: the server
// refused the recipient or the message for good, or the row is malformed.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// send hands one message over. A 5xx answer to RCPT or DATA is permanent.
func (c *connection) send(from, to string, msg []byte) error {
	_ = c.conn.SetDeadline(time.Now().Add(commandTimeout))
	if err := c.client.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.client.Rcpt(to); err != nil {
		return refusal("RCPT TO", err)
	}
	w, err := c.client.Data()
	if err != nil {
		return refusal("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		_ = w.Close()
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return refusal("DATA", err)
	}
	return nil
}

func refusal(step string, err error) error {
	err = fmt.Errorf("%s: %w", step, err)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return permanentError{err}
	}
	return err
}

// usable tells whether the session survived err: the server answered with a
// reply code (it refused something) rather than the connection breaking.
func (c *connection) usable(err error) bool {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return false
	}
	return c.client.Reset() == nil
}

func (c *connection) close() {
	if c.stop != nil {
		c.stop()
	}
	if c.client != nil {
		_ = c.conn.SetDeadline(time.Now().Add(5 * time.Second))
		if c.client.Quit() == nil {
			return
		}
	}
	_ = c.conn.Close()
}
