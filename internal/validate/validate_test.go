package validate

import (
	"fmt"
	"testing"
)

func TestErrorsCollectFieldProblemsAndSurviveWrapping(t *testing.T) {
	var errs Errors
	if errs.Err() != nil {
		t.Fatal("empty Errors is an error")
	}
	errs.Add("email", "validate.email")
	errs.Add("name", "validate.too_long", 200)
	err := fmt.Errorf("create user: %w", errs.Err())
	got, ok := As(err)
	if !ok || len(got) != 2 {
		t.Fatalf("As(%v) = %v, %v", err, got, ok)
	}
	if fe, ok := got.For("name"); !ok || fe.Key != "validate.too_long" || fe.Args[0] != 200 {
		t.Errorf("For(name) = %+v, %v", fe, ok)
	}
	if _, ok := got.For("phone"); ok {
		t.Error("For(phone) found something")
	}
	m, ok := AsMessage(fmt.Errorf("login: %w", NewMessage("auth.throttled", 12)))
	if !ok || m.Key != "auth.throttled" || m.Args[0] != 12 {
		t.Errorf("AsMessage = %+v, %v", m, ok)
	}
}

func TestEmailAcceptsPlainAddressesOnly(t *testing.T) {
	for s, want := range map[string]bool{
		"camille.martin@cluster.example": true,
		"Camille <c@cluster.example>":    false,
		"no-at-sign":                     false,
		"a@localhost":                    false,
		"":                               false,
	} {
		if got := Email(s); got != want {
			t.Errorf("Email(%q) = %v, want %v", s, got, want)
		}
	}
}
