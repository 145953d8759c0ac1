// Package upload holds what every domain taking files from people does to
// them before storing: a file name that is safe to keep and send back in a
// Content-Disposition header.
package upload

import (
	"path/filepath"
	"strings"
)

// Filename is the last element of name as a browser sent it (Windows or
// Unix separators), without control characters or double quotes, trimmed;
// "" when nothing usable is left, for the caller to name the file.
func Filename(name string) string {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == '"' || r == 127 {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	return name
}
