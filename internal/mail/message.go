package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// envelope is one outbox row ready to be formatted and sent.
type envelope struct {
	ID        int64
	To        string
	ToName    string
	Subject   string
	Text      string
	HTML      string
	CreatedAt time.Time
	Attempts  int
}

// recipient returns the bare address for RCPT TO and the address, with its
// display name, for the To header. A name given at Enqueue wins over one
// written inside the address ("Bob <bob@example.org>").
func (e envelope) recipient() (*mail.Address, error) {
	if err := checkHeaderFields(e.To, e.ToName, e.Subject); err != nil {
		return nil, err
	}
	a, err := mail.ParseAddress(e.To)
	if err != nil {
		return nil, fmt.Errorf("bad recipient %q: %w", e.To, err)
	}
	if e.ToName != "" {
		a.Name = e.ToName
	}
	return a, nil
}

// messageID is stable across retries, so a receiver that got a message whose
// acknowledgement was lost can recognise the second copy.
func messageID(e envelope, from *mail.Address) string {
	domain := "localhost"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 && at < len(from.Address)-1 {
		domain = from.Address[at+1:]
	}
	return "<filiere." + strconv.FormatInt(e.ID, 10) + "." + strconv.FormatInt(e.CreatedAt.UnixNano(), 36) + "@" + domain + ">"
}

// buildMessage formats e as an RFC 5322 message with UTF-8, quoted-printable
// bodies: text/plain alone, or multipart/alternative when there is HTML.
func buildMessage(e envelope, from, to *mail.Address, date time.Time) ([]byte, error) {
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteString("\r\n")
	}
	header("From", from.String())
	header("To", to.String())
	header("Subject", encodeSubject(e.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID(e, from))
	header("MIME-Version", "1.0")

	if e.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, e.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}

	mw := multipart.NewWriter(&b)
	header("Content-Type", "multipart/alternative;\r\n boundary="+mw.Boundary())
	b.WriteString("\r\n")
	for _, part := range []struct{ mediaType, body string }{{"text/plain", e.Text}, {"text/html", e.HTML}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.mediaType+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeSubject encodes a subject holding anything but printable ASCII as
// RFC 2047 Q-encoded UTF-8 words, short enough that every line of the folded
// header stays within 78 characters, and never splitting a character.
func encodeSubject(s string) string {
	if !needsEncoding(s) {
		return s
	}
	const maxContent = 78 - len("Subject: ") - len("=?utf-8?q??=")
	var words []string
	var w strings.Builder
	for _, r := range s {
		enc := qEncode(r)
		if w.Len()+len(enc) > maxContent {
			words = append(words, w.String())
			w.Reset()
		}
		w.WriteString(enc)
	}
	words = append(words, w.String())
	for i := range words {
		words[i] = "=?utf-8?q?" + words[i] + "?="
	}
	return strings.Join(words, "\r\n ")
}

func needsEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return true
		}
	}
	return strings.Contains(s, "=?") // would read as an encoded word
}

// qEncode encodes one character for an encoded word in a header (RFC 2047
// section 5, rule 3: only letters, digits and !*+-/ pass as they are).
func qEncode(r rune) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for _, c := range []byte(string(r)) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("!*+-/", c) >= 0:
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('_')
		default:
			b.WriteByte('=')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

// writeQP writes body quoted-printable, ending it with a line break so a
// body reads the same whether it ends the message or a MIME part.
func writeQP(w io.Writer, body string) error {
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(body)); err != nil {
		return err
	}
	return qp.Close()
}
