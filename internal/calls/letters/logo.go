package letters

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	_ "image/jpeg" // logos come as JPEG or PNG
	"image/png"
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/draw"
)

// Logos are redrawn to at most this many pixels (about 300 dpi in the
// letterhead's box), so that a 6000-pixel upload does not weigh on every
// letter; larger images are not decoded at all.
const (
	logoMaxW      = 480
	logoMaxH      = 280
	logoMaxPixels = 40 << 20
)

// logo is a logo ready to embed: an opaque 8-bit RGB PNG, which fpdf
// reads as is (it refuses interlaced or 16-bit PNGs, which uploads may be).
type logo struct {
	name string // fpdf's image name, from the content
	png  []byte
	w, h int // pixels
}

// lastLogo keeps the last logo prepared: a cluster has one, printed on
// every document it makes.
var lastLogo struct {
	sync.Mutex
	sum [sha256.Size]byte
	l   *logo
}

// logoFor prepares data, or returns nil for anything that is not a
// readable PNG or JPEG: a bad logo is left out, never an error.
func logoFor(data []byte) *logo {
	if len(data) == 0 {
		return nil
	}
	sum := sha256.Sum256(data)
	lastLogo.Lock()
	defer lastLogo.Unlock()
	if lastLogo.l != nil && lastLogo.sum == sum {
		return lastLogo.l
	}
	l := prepareLogo(data)
	if l != nil {
		lastLogo.sum, lastLogo.l = sum, l
	}
	return l
}

func prepareLogo(data []byte) *logo {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > logoMaxPixels {
		return nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > logoMaxW || h > logoMaxH {
		if w*logoMaxH > h*logoMaxW {
			w, h = logoMaxW, max(1, h*logoMaxW/w)
		} else {
			w, h = max(1, w*logoMaxH/h), logoMaxH
		}
	}
	// Over white, the paper's colour: fpdf would otherwise carry a
	// transparency mask for every logo.
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if b.Dx() == w && b.Dy() == h {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, dst); err != nil {
		return nil
	}
	name := sha256.Sum256(buf.Bytes())
	return &logo{name: "logo-" + hex.EncodeToString(name[:12]), png: buf.Bytes(), w: w, h: h}
}

// image draws lg in a box of at most maxW×maxH millimetres with its top
// left corner at x, y, and returns the size drawn; ok is false when fpdf
// would not take it.
func (d *doc) image(lg *logo, x, y, maxW, maxH float64) (w, h float64, ok bool) {
	if d.pdf.GetImageInfo(lg.name) == nil {
		d.pdf.RegisterImageOptionsReader(lg.name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(lg.png))
		if d.pdf.Error() != nil {
			d.pdf.ClearError() // a logo is never worth the document
			return 0, 0, false
		}
	}
	ratio := float64(lg.w) / float64(lg.h)
	w, h = maxW, maxW/ratio
	if h > maxH {
		w, h = maxH*ratio, maxH
	}
	d.pdf.ImageOptions(lg.name, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	return w, h, true
}
