package directory

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Place is where a distance search is centred.
type Place struct {
	Label    string // e.g. "Lyon (69002)"
	Lat, Lon float64
}

// Locate resolves a city name or a postcode to a place: first from the
// embedded list of cities (a name, ignoring case and accents, or a
// postcode), then from the directory itself, as the mean position of the
// organisations at that postcode or in that city whose address is public.
// A two- or three-character département number resolves to the mean
// position of its organisations. It reports false for an unknown place.
func (s *Store) Locate(ctx context.Context, text string) (Place, bool, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Place{}, false, nil
	}
	key := Fold(text)
	for _, c := range Cities() {
		if c.Postcode == text || Fold(c.Name) == key {
			return Place{Label: c.Name + " (" + c.Postcode + ")", Lat: c.Lat, Lon: c.Lon}, true, nil
		}
	}
	var where, label string
	switch {
	case isDigitsOnly(text) && len(text) == 5:
		where, label = "postcode = ?", text
	case (isDigitsOnly(text) && len(text) <= 3) || strings.EqualFold(text, "2A") || strings.EqualFold(text, "2B"):
		where, label = "departement = ?", strings.ToUpper(text)
		text = strings.ToUpper(text)
	default:
		where = "city = ?"
	}
	// Candidates are few (one city, one postcode): fold and match in Go so
	// that "saint-etienne" finds "Saint-Étienne" on both engines.
	query := "SELECT city, postcode, latitude, longitude, visibility FROM organisations WHERE latitude IS NOT NULL AND "
	args := []any{text}
	if where == "city = ?" {
		query += "city <> ''"
		args = nil
	} else {
		query += where
	}
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return Place{}, false, fmt.Errorf("directory: locate %q: %w", text, err)
	}
	defer rows.Close()
	var sumLat, sumLon float64
	n := 0
	for rows.Next() {
		var city, postcode, vis string
		var lat, lon float64
		if err := rows.Scan(&city, &postcode, &lat, &lon, &vis); err != nil {
			return Place{}, false, fmt.Errorf("directory: locate %q: %w", text, err)
		}
		if where == "city = ?" && Fold(city) != key {
			continue
		}
		if o := (Organisation{Visibility: decodeVisibility(vis)}); !o.Shows(Public, FieldAddress) {
			continue
		}
		if label == "" {
			label = city
		}
		sumLat, sumLon, n = sumLat+lat, sumLon+lon, n+1
	}
	if err := rows.Err(); err != nil {
		return Place{}, false, fmt.Errorf("directory: locate %q: %w", text, err)
	}
	if n == 0 {
		return Place{}, false, nil
	}
	round := func(x float64) float64 { return math.Round(x*1e4) / 1e4 }
	return Place{Label: label, Lat: round(sumLat / float64(n)), Lon: round(sumLon / float64(n))}, true, nil
}

func isDigitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
