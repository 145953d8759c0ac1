package surveys

// ready loads the key the invitation links are signed with. Every method
// that mails a link calls it before its transaction: on SQLite the key's
// first write needs the writer connection the transaction would hold.
func (s *Service) ready() error { return s.links.Ready() }

// purpose is what the links sign, with the invitation's id.
const purpose = "survey"

// token signs an invitation's id: whoever holds the mailed link answers
// for that invitation, and for no other.
func (s *Service) token(id int64) string { return s.links.Token(purpose, id) }

// checkToken returns the invitation id a token signs.
func (s *Service) checkToken(token string) (int64, bool) { return s.links.Check(token, purpose) }

// Token is the signed token of an invitation's link (the demo and the
// tests answer with it).
func (s *Service) Token(inv Invitation) string { return s.token(inv.ID) }

// URL is the link an invitee answers at: <baseURL>/surveys/respond/<token>.
func (s *Service) URL(inv Invitation) string {
	return s.baseURL + "/surveys/respond/" + s.token(inv.ID)
}
