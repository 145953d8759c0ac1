package surveys

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
)

// ready loads the key the invitation links are signed with. Every method
// that mails a link calls it before its transaction: on SQLite the key's
// first write needs the writer connection the transaction would hold.
func (s *Service) ready() error {
	_, err := s.linkSecret()
	return err
}

// linkSecret is the key the links are signed with, made once per database.
func (s *Service) linkSecret() ([]byte, error) {
	s.secretOnce.Do(func() {
		ctx := context.Background()
		var v string
		err := s.db.QueryRow(ctx, "SELECT value FROM survey_settings WHERE key = 'link_secret'").Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			if _, err = s.db.Exec(ctx, "INSERT INTO survey_settings (key, value) VALUES ('link_secret', ?) ON CONFLICT (key) DO NOTHING",
				hex.EncodeToString(b)); err == nil {
				err = s.db.QueryRow(ctx, "SELECT value FROM survey_settings WHERE key = 'link_secret'").Scan(&v)
			}
		}
		if err != nil {
			s.secretErr = fmt.Errorf("surveys: link secret: %w", err)
			return
		}
		s.secret, s.secretErr = hex.DecodeString(v)
	})
	return s.secret, s.secretErr
}

// purpose is what the links sign, with the invitation's id.
const purpose = "survey"

// token signs an invitation's id: whoever holds the mailed link answers
// for that invitation, and for no other.
func (s *Service) token(id int64) string {
	key, err := s.linkSecret()
	if err != nil {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose + ":" + strconv.FormatInt(id, 10)))
	return strconv.FormatInt(id, 10) + "-" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkToken returns the invitation id a token signs.
func (s *Service) checkToken(token string) (int64, bool) {
	idPart, _, ok := strings.Cut(token, "-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	want := s.token(id)
	return id, want != "" && hmac.Equal([]byte(want), []byte(token))
}

// Token is the signed token of an invitation's link (the demo and the
// tests answer with it).
func (s *Service) Token(inv Invitation) string { return s.token(inv.ID) }

// URL is the link an invitee answers at: <baseURL>/surveys/respond/<token>.
func (s *Service) URL(inv Invitation) string {
	return s.baseURL + "/surveys/respond/" + s.token(inv.ID)
}
