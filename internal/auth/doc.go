// Package auth holds filiere's accounts, roles, sessions, login throttling,
// password resets, API tokens and the one permission policy every handler uses.
//
// Security choices: passwords are Argon2id PHC strings (rehashed at login when
// the parameters change); session, reset and API tokens are 32 random bytes
// stored only as SHA-256 hashes, so a database leak yields no usable token;
// logins are throttled per account and per IP before the password is checked;
// an unknown e-mail, a wrong password and a disabled account get the same
// error after the same Argon2 work, so no form reveals which accounts exist.
package auth
