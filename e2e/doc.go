// Package e2e holds the browser tests: they build the real filiere binary,
// run `filiere serve --demo` on a free port and drive Chromium through the
// pages as a person would (sign in, switch language, sign out, be refused a
// page). The tests skip when Chromium is missing, unless
// FILIERE_TEST_STRICT=1; a failing test leaves a full-page screenshot in
// e2e/screenshots/<TestName>.png.
package e2e
