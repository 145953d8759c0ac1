package booklet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	_ "image/jpeg" // logos come as JPEG or PNG
	"image/png"
	"sync"

	"golang.org/x/image/draw"
)

// Logos are redrawn to at most this many pixels: about 300 dpi in the logo
// box, so that a 6000-pixel upload does not weigh on every booklet.
const (
	logoMaxW      = 480
	logoMaxH      = 240
	logoMaxPixels = 40 << 20 // larger images are not decoded at all
)

// logoEncoder reuses its compressor between logos: a fresh one costs more
// than encoding a small logo.
var logoEncoder = png.Encoder{BufferPool: &encoderPool{}}

type encoderPool struct{ p sync.Pool }

func (e *encoderPool) Get() *png.EncoderBuffer {
	b, _ := e.p.Get().(*png.EncoderBuffer)
	return b
}

func (e *encoderPool) Put(b *png.EncoderBuffer) { e.p.Put(b) }

// logo is a logo ready to embed: an opaque 8-bit RGB PNG that fpdf reads
// without conversion.
type logo struct {
	name string // fpdf image name, derived from the content
	png  []byte
	w, h int // pixels
}

// logoSet prepares the logos of one booklet. fpdf orders its image objects
// by pixel width only, leaving ties in map order; giving each distinct logo
// its own width keeps the output byte-identical from run to run.
type logoSet struct {
	byName  map[string]*logo
	byWidth map[int]string
}

func newLogoSet() *logoSet {
	return &logoSet{byName: map[string]*logo{}, byWidth: map[int]string{}}
}

// add decodes and normalises data. It returns nil for anything that is
// not a readable PNG or JPEG: a bad logo is left out, never an error.
func (s *logoSet) add(data []byte) *logo {
	if len(data) == 0 {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > logoMaxPixels {
		return nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	w, h := fitPixels(b.Dx(), b.Dy(), logoMaxW, logoMaxH)
	for attempt := 0; ; attempt++ {
		l := render(src, w, h)
		if l == nil {
			return nil
		}
		if prev, ok := s.byName[l.name]; ok {
			return prev
		}
		if _, taken := s.byWidth[l.w]; !taken || attempt == 16 {
			s.byName[l.name] = l
			s.byWidth[l.w] = l.name
			return l
		}
		// Another logo has this width: one pixel narrower is invisible once
		// scaled into the box.
		if w > 1 {
			w--
		} else {
			w++
		}
		h = max(1, b.Dy()*w/b.Dx())
	}
}

// fitPixels scales w×h down (never up) to fit maxW×maxH, keeping the ratio.
func fitPixels(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	if w*maxH > h*maxW { // wider than the box
		return maxW, max(1, h*maxW/w)
	}
	return max(1, w*maxH/h), maxH
}

// render draws src at w×h over white (the page's colour) and encodes it.
func render(src image.Image, w, h int) *logo {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if b := src.Bounds(); b.Dx() == w && b.Dy() == h {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	}
	var buf bytes.Buffer
	if err := logoEncoder.Encode(&buf, dst); err != nil {
		return nil
	}
	sum := sha256.Sum256(buf.Bytes())
	return &logo{name: "logo-" + hex.EncodeToString(sum[:12]), png: buf.Bytes(), w: w, h: h}
}
