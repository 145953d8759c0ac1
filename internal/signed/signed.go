// Package signed makes and checks the links filiere mails to people who
// act without an account (a buyer following their need, a provider
// answering, a registrant, an invitee to a survey, a meeting participant):
// a token "<id>-<mac>" where mac is HMAC-SHA256, under a secret kept in the
// database, of the link's purpose and id. Whoever holds the link acts on
// that id for that purpose, and on nothing else.
package signed

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"filiere/internal/db"
)

// Links signs one domain's links with the secret stored under the key
// "link_secret" of its settings table (a table of key and value).
type Links struct {
	db    *db.DB
	table string

	once   sync.Once
	secret []byte
	err    error
}

// New returns the links of the domain whose settings table is table. The
// table name must be a constant of the calling code.
func New(d *db.DB, table string) *Links { return &Links{db: d, table: table} }

// Ready loads the secret, making it on first use. Call it before a
// transaction that mails a link: on SQLite the secret's first write needs
// the writer connection the transaction would hold.
func (l *Links) Ready() error {
	_, err := l.key()
	return err
}

func (l *Links) key() ([]byte, error) {
	l.once.Do(func() {
		ctx := context.Background()
		read := "SELECT value FROM " + l.table + " WHERE key = 'link_secret'"
		var v string
		err := l.db.QueryRow(ctx, read).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			// Two processes starting at once: the first secret stays.
			if _, err = l.db.Exec(ctx, "INSERT INTO "+l.table+" (key, value) VALUES ('link_secret', ?) ON CONFLICT (key) DO NOTHING",
				hex.EncodeToString(b)); err == nil {
				err = l.db.QueryRow(ctx, read).Scan(&v)
			}
		}
		if err != nil {
			l.err = fmt.Errorf("signed: link secret in %s: %w", l.table, err)
			return
		}
		l.secret, l.err = hex.DecodeString(v)
	})
	return l.secret, l.err
}

// Token signs purpose and id; it is "" when the secret cannot be loaded
// (Ready reports why).
func (l *Links) Token(purpose string, id int64) string {
	key, err := l.key()
	if err != nil {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose + ":" + strconv.FormatInt(id, 10)))
	return strconv.FormatInt(id, 10) + "-" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Check returns the id token signs for purpose, and whether it does.
func (l *Links) Check(token, purpose string) (int64, bool) {
	idPart, _, ok := strings.Cut(token, "-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	want := l.Token(purpose, id)
	return id, want != "" && hmac.Equal([]byte(want), []byte(token))
}
