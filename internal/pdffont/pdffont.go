// Package pdffont gives fpdf documents the embedded Go fonts and cleans
// text down to what those fonts can draw, so that every PDF filiere makes
// (badges, agendas, letters, certificates) prints accents, €, œ, Greek and
// Cyrillic the same way and never an empty box.
package pdffont

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The styles Register accepts, as fpdf names them.
const (
	Regular    = ""
	Bold       = "B"
	Italic     = "I"
	BoldItalic = "BI"
)

// faces maps each style to its TrueType file, compiled into the binary.
var faces = map[string][]byte{
	Regular:    goregular.TTF,
	Bold:       gobold.TTF,
	Italic:     goitalic.TTF,
	BoldItalic: gobolditalic.TTF,
}

// Register adds the Go fonts in the given styles to pdf under family, for
// pdf.SetFont(family, style, size). Ask only for the styles the document
// uses: fpdf embeds a subset of every registered font, used or not.
//
// fpdf parses a font again for each document and offers no way to share a
// parsed one; what is parsed once for the process is the glyph coverage
// behind Clean.
func Register(pdf *fpdf.Fpdf, family string, styles ...string) error {
	for _, style := range styles {
		ttf, ok := faces[style]
		if !ok {
			return fmt.Errorf("pdffont: register %s: unknown style %q", family, style)
		}
		pdf.AddUTF8FontFromBytes(family, style, ttf)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdffont: register %s: %w", family, err)
	}
	return nil
}

// coverage records which runes of the Basic Multilingual Plane the Go fonts
// draw (the four styles share one repertoire). fpdf indexes its width
// table by rune and takes nothing beyond U+FFFF; a rune without a glyph
// prints as an empty box.
var coverage = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
	var set [1 << 16 / 64]uint64
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		// The font is compiled in; should it ever fail to parse, keep ASCII.
		for r := 0x20; r < 0x7f; r++ {
			set[r/64] |= 1 << (r % 64)
		}
		return &set
	}
	var buf sfnt.Buffer
	for r := 0; r < 1<<16; r++ {
		if g, err := f.GlyphIndex(&buf, rune(r)); err == nil && g != 0 {
			set[r/64] |= 1 << (r % 64)
		}
	}
	return &set
})

// Drawable reports whether the Go fonts have a glyph for r.
func Drawable(r rune) bool {
	if r < 0 || r >= 1<<16 {
		return false
	}
	return coverage()[r/64]&(1<<(r%64)) != 0
}

// Clean makes s printable on one line: runs of white space (line breaks
// included) become one space and leading or trailing space goes, control
// and format characters go, combining marks the fonts lack go (the letter
// they decorate stays), and any other rune the fonts lack becomes "?".
func Clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		case !Drawable(r):
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			r = '?'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CleanText is Clean for text in paragraphs: each line is cleaned as by
// Clean, blank lines separate paragraphs (several in a row count as one),
// and the text neither starts nor ends with a blank line. Lines are
// returned joined by "\n", paragraphs by "\n\n".
func CleanText(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n\n", "\u0085", "\n").Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for line := range strings.SplitSeq(s, "\n") {
		line = Clean(line)
		if line == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}

// Ellipsize cuts s with an ellipsis so that it takes at most room in the
// pdf's current font; s is returned as is when it fits.
func Ellipsize(pdf *fpdf.Fpdf, s string, room float64) string {
	if pdf.GetStringWidth(s) <= room {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && pdf.GetStringWidth(string(runes)+"…") > room {
		runes = runes[:len(runes)-1]
	}
	return strings.TrimSpace(string(runes)) + "…"
}
