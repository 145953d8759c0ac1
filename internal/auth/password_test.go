package auth_test

import (
	"strings"
	"testing"

	"filiere/internal/auth"
)

func TestPasswordHashRoundTripsAndRefusesAWrongPassword(t *testing.T) {
	h, err := auth.HashPassword(goodPassword, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with the given parameters", h)
	}
	if ok, err := auth.VerifyPassword(h, goodPassword); err != nil || !ok {
		t.Fatalf("right password: ok=%v err=%v", ok, err)
	}
	if ok, err := auth.VerifyPassword(h, goodPassword+"!"); err != nil || ok {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	h2, _ := auth.HashPassword(goodPassword, cheap)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestDefaultArgon2ParametersAreTheDocumentedOnes(t *testing.T) {
	h, err := auth.HashPassword("x", auth.Argon2Params{Memory: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h, "$m=8,t=1,p=2$") {
		t.Fatalf("zero fields should take the defaults (t=1, p=2): %s", h)
	}
	if d := auth.DefaultArgon2; d.Memory != 64*1024 || d.Time != 1 || d.Threads != 2 {
		t.Fatalf("DefaultArgon2 = %+v", d)
	}
}

func TestVerifyPasswordRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if ok, err := auth.VerifyPassword(h, "whatever"); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false and an error", h, ok, err)
		}
	}
}
