// Package pdftest reads back the text of the PDFs the tests render, with
// pdftotext (poppler-utils).
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Available reports whether pdftotext is installed, for a test that
// goes on without reading its PDFs back; under FILIERE_TEST_STRICT=1 its
// absence fails t.
func Available(t testing.TB) bool {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("FILIERE_TEST_STRICT") == "1" {
			t.Fatal("pdftotext (poppler-utils) is not installed")
		}
		t.Log("pdftotext not installed: the PDF's text is not checked")
		return false
	}
	return true
}

// Text returns the text of pdf as `pdftotext -enc UTF-8 [args…]` prints
// it (args such as "-layout"), pages separated by form feeds. When
// pdftotext is not installed it skips t, unless FILIERE_TEST_STRICT=1
// (CI), where that fails t: CI installs it.
func Text(t testing.TB, pdf []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("FILIERE_TEST_STRICT") == "1" {
			t.Fatal("pdftotext (poppler-utils) is not installed")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
