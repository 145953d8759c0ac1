package directory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"filiere/internal/siren"
)

// ImportKeys are the keys an import matches its rows against: every stored
// organisation's SIRET (or SIREN) and its folded name with its postcode.
// Each key maps to the IDs holding it, in id order; more than one ID is an
// ambiguity the import reports rather than resolves.
type ImportKeys struct {
	BySIRET        map[string][]int64 // the stored number as is: 14 digits, or 9 for a SIREN
	BySIREN        map[string][]int64 // the first 9 digits of every stored number
	ByNamePostcode map[string][]int64 // NameKey(name, postcode)
	SIRET          map[int64]string   // the stored number of every organisation, "" when none
}

// NameKey is the key matching an organisation by name and postcode when
// there is no SIRET: the name folded (case, accents and punctuation
// ignored) and the postcode without spaces, upper-cased.
func NameKey(name, postcode string) string {
	return Fold(name) + "\x00" + NormalisePostcode(postcode)
}

// NormalisePostcode drops the spaces of a postcode and upper-cases it
// ("bt1 5gs" and "BT15GS" are the same code).
func NormalisePostcode(p string) string {
	return strings.ToUpper(strings.Join(strings.Fields(p), ""))
}

// ImportKeys reads the matching keys of every organisation, in one query.
func (s *Store) ImportKeys(ctx context.Context) (ImportKeys, error) {
	k := ImportKeys{
		BySIRET: map[string][]int64{}, BySIREN: map[string][]int64{},
		ByNamePostcode: map[string][]int64{}, SIRET: map[int64]string{},
	}
	rows, err := s.db.Query(ctx, "SELECT id, name, postcode, siret FROM organisations ORDER BY id")
	if err != nil {
		return ImportKeys{}, fmt.Errorf("directory: import keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, postcode, number string
		if err := rows.Scan(&id, &name, &postcode, &number); err != nil {
			return ImportKeys{}, fmt.Errorf("directory: import keys: %w", err)
		}
		number = siren.Normalize(number)
		k.SIRET[id] = number
		key := NameKey(name, postcode)
		k.ByNamePostcode[key] = append(k.ByNamePostcode[key], id)
		if number == "" {
			continue
		}
		k.BySIRET[number] = append(k.BySIRET[number], id)
		if len(number) >= 9 {
			k.BySIREN[number[:9]] = append(k.BySIREN[number[:9]], id)
		}
	}
	if err := rows.Err(); err != nil {
		return ImportKeys{}, fmt.Errorf("directory: import keys: %w", err)
	}
	return k, nil
}

// OrganisationsByID returns the stored organisations ids, complete with
// sectors and profiles, by id. IDs with no organisation are left out.
func (s *Store) OrganisationsByID(ctx context.Context, ids []int64) (map[int64]Organisation, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[int64]Organisation, len(ids))
	for start := 0; start < len(ids); start += eachBatch {
		chunk := ids[start:min(start+eachBatch, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		batch, err := func() ([]Organisation, error) {
			rows, err := s.db.Query(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id IN ("+placeholders(len(chunk))+")", args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var batch []Organisation
			for rows.Next() {
				o, err := scanOrganisation(rows)
				if err != nil {
					return nil, err
				}
				batch = append(batch, o)
			}
			return batch, rows.Err()
		}()
		if err != nil {
			return nil, fmt.Errorf("directory: organisations by id: %w", err)
		}
		if err := loadSectors(ctx, s.db, batch); err != nil {
			return nil, fmt.Errorf("directory: organisations by id: %w", err)
		}
		if err := loadProfiles(ctx, s.db, batch); err != nil {
			return nil, fmt.Errorf("directory: organisations by id: %w", err)
		}
		for _, o := range batch {
			out[o.ID] = o
		}
	}
	return out, nil
}
