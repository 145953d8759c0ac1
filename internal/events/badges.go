package events

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"filiere/internal/i18n"
	"filiere/internal/pdffont"
	"filiere/internal/textsearch"
)

// Badge is one name badge.
type Badge struct {
	Name         string
	Organisation string
	Category     string // one of Categories
}

// BadgeSheet is what WriteBadges prints: the badges of one event.
type BadgeSheet struct {
	Lang   string // the language of the category labels
	Event  string // the event's title
	When   string // its date, as printed under the title
	Badges []Badge
}

// The badge layout, in millimetres: A4 portrait, two columns of four.
const (
	badgeW, badgeH   = 90.0, 65.0
	badgeCols        = 2
	badgeRows        = 4
	badgeMarginX     = (210 - badgeCols*badgeW) / 2
	badgeMarginY     = (297 - badgeRows*badgeH) / 2
	badgePad         = 5.0
	badgeBand        = 12.0 // the category band at the bottom
	badgeFont        = "go"
	nameMax, nameMin = 22.0, 11.0 // point sizes tried for the name
	orgMax, orgMin   = 13.0, 8.0
)

// categoryColour is the band colour of each category.
var categoryColour = map[string][3]int{
	CategoryParticipant: {0x1f, 0x4e, 0x79},
	CategorySpeaker:     {0xb0, 0x3a, 0x2e},
	CategoryExhibitor:   {0x1e, 0x7b, 0x45},
	CategoryStaff:       {0x33, 0x33, 0x33},
}

// WriteBadges renders the badges as an A4 PDF, eight a page, with cut
// marks. Names and organisations too long for a badge are set smaller,
// then cut with an ellipsis; characters the font lacks print as "?".
func WriteBadges(w io.Writer, b BadgeSheet) error {
	lang := i18n.Lang(b.Lang)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // with the fixed dates, the same badges give the same bytes
	stamp := time.Unix(0, 0)
	pdf.SetCreationDate(stamp)
	pdf.SetModificationDate(stamp)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	if err := pdffont.Register(pdf, badgeFont, pdffont.Regular, pdffont.Bold); err != nil {
		return fmt.Errorf("events: badges: %w", err)
	}
	pdf.SetTitle(pdffont.Clean(b.Event), true)
	pdf.SetCreator("filiere", false)
	pdf.SetLang(lang)
	event, when := pdffont.Clean(b.Event), pdffont.Clean(b.When)
	if len(b.Badges) == 0 {
		pdf.AddPage()
	}
	room := badgeW - 2*badgePad
	for i, bd := range b.Badges {
		if i%(badgeCols*badgeRows) == 0 {
			pdf.AddPage()
		}
		k := i % (badgeCols * badgeRows)
		x := badgeMarginX + float64(k%badgeCols)*badgeW
		y := badgeMarginY + float64(k/badgeCols)*badgeH
		// The cut line.
		pdf.SetDrawColor(190, 190, 190)
		pdf.SetLineWidth(0.2)
		pdf.Rect(x, y, badgeW, badgeH, "D")
		// The event.
		pdf.SetTextColor(90, 90, 90)
		fitCell(pdf, x+badgePad, y+badgePad, room, 4.5, "B", 9, 7, event)
		fitCell(pdf, x+badgePad, y+badgePad+4.5, room, 4, "", 8, 6, when)
		// The person.
		pdf.SetTextColor(0, 0, 0)
		fitName(pdf, x+badgePad, y+22, room, pdffont.Clean(bd.Name))
		pdf.SetTextColor(60, 60, 60)
		fitCell(pdf, x+badgePad, y+33, room, 7, "", orgMax, orgMin, pdffont.Clean(bd.Organisation))
		// The category band.
		cat := bd.Category
		if !slices.Contains(Categories, cat) {
			cat = CategoryParticipant
		}
		c := categoryColour[cat]
		pdf.SetFillColor(c[0], c[1], c[2])
		pdf.Rect(x, y+badgeH-badgeBand, badgeW, badgeBand, "F")
		pdf.SetTextColor(255, 255, 255)
		fitCell(pdf, x+badgePad, y+badgeH-badgeBand+2.5, room, 7, "B", 13, 9, strings.ToUpper(i18n.T(lang, CategoryKey(cat))))
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("events: badges: render: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("events: badges: write: %w", err)
	}
	return nil
}

// fitCell centres s in a cell of width room at the largest size from hi
// down to lo that fits, cut with an ellipsis if even lo is too wide.
func fitCell(pdf *fpdf.Fpdf, x, y, room, h float64, style string, hi, lo float64, s string) {
	if s == "" {
		return
	}
	size := hi
	for ; size > lo; size -= 0.5 {
		pdf.SetFont(badgeFont, style, size)
		if pdf.GetStringWidth(s) <= room {
			break
		}
	}
	pdf.SetFont(badgeFont, style, size)
	s = pdffont.Ellipsize(pdf, s, room)
	pdf.SetXY(x, y)
	pdf.CellFormat(room, h, s, "", 0, "C", false, 0, "")
}

// fitName sets a name on one line as large as it fits down to 14 points,
// else on two lines split at the space that balances them best, else cut.
func fitName(pdf *fpdf.Fpdf, x, y, room float64, name string) {
	pdf.SetFont(badgeFont, "B", 14)
	if pdf.GetStringWidth(name) <= room || !strings.Contains(name, " ") {
		fitCell(pdf, x, y, room, 10, "B", nameMax, nameMin, name)
		return
	}
	best, bestWidth := 0, 0.0
	for i, r := range name {
		if r != ' ' {
			continue
		}
		w := max(pdf.GetStringWidth(name[:i]), pdf.GetStringWidth(name[i+1:]))
		if best == 0 || w < bestWidth {
			best, bestWidth = i, w
		}
	}
	first, second := name[:best], name[best+1:]
	size := 16.0
	for ; size > nameMin; size -= 0.5 {
		pdf.SetFont(badgeFont, "B", size)
		if pdf.GetStringWidth(first) <= room && pdf.GetStringWidth(second) <= room {
			break
		}
	}
	fitCell(pdf, x, y-3, room, 6.5, "B", size, nameMin, first)
	fitCell(pdf, x, y+3.5, room, 6.5, "B", size, nameMin, second)
}

// Badges renders the badges of an event's confirmed registrants in lang,
// by name; ids, when given, choose which (to reprint a few).
func (s *Service) Badges(ctx context.Context, w io.Writer, eventID int64, lang string, ids []int64) error {
	lang = i18n.Lang(lang)
	e, err := getEvent(ctx, s.db, eventID)
	if err != nil {
		return err
	}
	regs, err := listRegistrations(ctx, s.db, "r.event_id = ? AND r.status = 'confirmed'", eventID)
	if err != nil {
		return err
	}
	slices.SortStableFunc(regs, func(a, b Registration) int {
		return strings.Compare(textsearch.Fold(a.Name), textsearch.Fold(b.Name))
	})
	sheet := BadgeSheet{Lang: lang, Event: e.Title(lang), When: e.When(lang)}
	for _, r := range regs {
		if len(ids) > 0 && !slices.Contains(ids, r.ID) {
			continue
		}
		sheet.Badges = append(sheet.Badges, Badge{Name: r.Name, Organisation: r.Organisation, Category: r.Category})
	}
	return WriteBadges(w, sheet)
}
