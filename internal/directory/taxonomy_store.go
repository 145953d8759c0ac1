package directory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"filiere/internal/audit"
	"filiere/internal/db"
	"filiere/internal/validate"
)

// The vocabularies the staff manage: they add terms, relabel them and merge
// one into another. Kinds, colleges and capacity attributes carry rules
// (colleges from kinds, units) and stay as shipped.
const (
	VocabSectors        = "sectors"
	VocabSteps          = "steps"
	VocabBricks         = "bricks"
	VocabCertifications = "certifications"
)

// ManagedVocabularies lists them in page order.
var ManagedVocabularies = []string{VocabSectors, VocabSteps, VocabBricks, VocabCertifications}

// vocabFacet is the search facet counting each vocabulary's usage.
var vocabFacet = map[string]string{
	VocabSectors: FacetSector, VocabSteps: FacetStep, VocabBricks: FacetBrick, VocabCertifications: FacetCertification,
}

// termRow is a taxonomy_terms row.
type termRow struct {
	vocabulary, code, parent, fr, en, mergedInto string
}

// RefreshTaxonomy reads the staff's changes and makes the embedded
// taxonomy with those changes the one in force (LoadTaxonomy). serve calls
// it at start; the taxonomy operations call it after each change.
func (s *Store) RefreshTaxonomy(ctx context.Context) error {
	rows, err := s.db.Query(ctx, "SELECT vocabulary, code, parent, fr, en, merged_into FROM taxonomy_terms ORDER BY created_at, code")
	if err != nil {
		return fmt.Errorf("directory: refresh taxonomy: %w", err)
	}
	var changes []termRow
	for rows.Next() {
		var r termRow
		if err := rows.Scan(&r.vocabulary, &r.code, &r.parent, &r.fr, &r.en, &r.mergedInto); err != nil {
			rows.Close()
			return fmt.Errorf("directory: refresh taxonomy: %w", err)
		}
		changes = append(changes, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("directory: refresh taxonomy: %w", err)
	}
	t, err := applyTermChanges(embeddedTaxonomy(), changes)
	if err != nil {
		return fmt.Errorf("directory: refresh taxonomy: %w", err)
	}
	current.Store(t)
	return nil
}

// applyTermChanges returns a copy of base with the changes applied: a
// known code gets the new labels (or disappears when merged), an unknown
// one is added (a brick under its parent family, or as a new family).
func applyTermChanges(base *Taxonomy, changes []termRow) (*Taxonomy, error) {
	t := *base
	t.Sectors = slices.Clone(base.Sectors)
	t.Steps = slices.Clone(base.Steps)
	t.Certifications = slices.Clone(base.Certifications)
	t.Bricks = make([]BrickFamily, len(base.Bricks))
	for i, f := range base.Bricks {
		t.Bricks[i] = BrickFamily{Term: f.Term, Bricks: slices.Clone(f.Bricks)}
	}
	flat := func(list *[]Term, r termRow) {
		term := Term{Code: r.code, FR: r.fr, EN: r.en}
		i := slices.IndexFunc(*list, func(x Term) bool { return x.Code == r.code })
		switch {
		case r.mergedInto != "" && i >= 0:
			*list = slices.Delete(*list, i, i+1)
		case r.mergedInto != "":
		case i >= 0:
			(*list)[i] = term
		default:
			*list = append(*list, term)
		}
	}
	for _, r := range changes {
		switch r.vocabulary {
		case VocabSectors:
			flat(&t.Sectors, r)
		case VocabSteps:
			flat(&t.Steps, r)
		case VocabCertifications:
			flat(&t.Certifications, r)
		case VocabBricks:
			applyBrick(&t, r)
		}
	}
	if err := t.buildIndex(); err != nil {
		return nil, err
	}
	return &t, nil
}

func applyBrick(t *Taxonomy, r termRow) {
	term := Term{Code: r.code, FR: r.fr, EN: r.en}
	for fi := range t.Bricks {
		f := &t.Bricks[fi]
		if f.Code == r.code {
			if r.mergedInto != "" {
				t.Bricks = slices.Delete(t.Bricks, fi, fi+1)
			} else {
				f.Term = term
			}
			return
		}
		if i := slices.IndexFunc(f.Bricks, func(x Term) bool { return x.Code == r.code }); i >= 0 {
			if r.mergedInto != "" {
				f.Bricks = slices.Delete(f.Bricks, i, i+1)
			} else {
				f.Bricks[i] = term
			}
			return
		}
	}
	if r.mergedInto != "" {
		return
	}
	for fi := range t.Bricks {
		if t.Bricks[fi].Code == r.parent {
			t.Bricks[fi].Bricks = append(t.Bricks[fi].Bricks, term)
			return
		}
	}
	t.Bricks = append(t.Bricks, BrickFamily{Term: term})
}

// Terms lists a managed vocabulary's terms in force (bricks flattened,
// each family before its bricks), with the parent family of each brick.
func (t *Taxonomy) Terms(vocabulary string) []VocabTerm {
	var out []VocabTerm
	switch vocabulary {
	case VocabSectors:
		for _, x := range t.Sectors {
			out = append(out, VocabTerm{Term: x})
		}
	case VocabSteps:
		for _, x := range t.Steps {
			out = append(out, VocabTerm{Term: x})
		}
	case VocabCertifications:
		for _, x := range t.Certifications {
			out = append(out, VocabTerm{Term: x})
		}
	case VocabBricks:
		for _, f := range t.Bricks {
			out = append(out, VocabTerm{Term: f.Term, Family: true})
			for _, b := range f.Bricks {
				out = append(out, VocabTerm{Term: b, Parent: f.Code})
			}
		}
	}
	return out
}

// VocabTerm is a term of a managed vocabulary, with its usage.
type VocabTerm struct {
	Term
	Parent string // a brick's family code
	Family bool   // a brick family
	Usage  int    // organisations using it (for certifications: holding it valid)
}

// TermUsage lists a managed vocabulary's terms with the number of
// organisations using each.
func (s *Store) TermUsage(ctx context.Context, vocabulary string) ([]VocabTerm, error) {
	if !slices.Contains(ManagedVocabularies, vocabulary) {
		return nil, fmt.Errorf("directory: unknown vocabulary %q", vocabulary)
	}
	idx, err := s.facetIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("directory: term usage: %w", err)
	}
	usage := map[string]int{}
	for _, c := range idx.Values(vocabFacet[vocabulary], 2, s.now()) {
		usage[c.Value] = c.Count
	}
	terms := s.tax().Terms(vocabulary)
	for i := range terms {
		terms[i].Usage = usage[terms[i].Code]
	}
	return terms, nil
}

// maxTermLabel is the longest label, in characters.
const maxTermLabel = 120

// SaveTerm adds a term to a managed vocabulary or relabels an existing one.
// A new term needs a code (letters, digits, '.', '_', '-'; a brick's code is
// prefixed with its family's, "mt.laser"); a certification's code is its
// usual name ("ISO 11137"). Both labels are required.
func (s *Store) SaveTerm(ctx context.Context, vocabulary string, t Term, parent string) error {
	t.Code, t.FR, t.EN, parent = strings.TrimSpace(t.Code), strings.TrimSpace(t.FR), strings.TrimSpace(t.EN), strings.TrimSpace(parent)
	var errs validate.Errors
	if !slices.Contains(ManagedVocabularies, vocabulary) {
		errs.Add("vocabulary", "validate.choice")
		return errs.Err()
	}
	tax := s.tax()
	exists := slices.ContainsFunc(tax.Terms(vocabulary), func(v VocabTerm) bool { return v.Code == t.Code })
	if t.Code == "" {
		errs.Add("code", "validate.required")
	} else if !exists && !termCodeShape(vocabulary, t.Code) {
		errs.Add("code", "directory.term_code")
	}
	if t.FR == "" {
		errs.Add("fr", "validate.required")
	}
	if t.EN == "" {
		errs.Add("en", "validate.required")
	}
	if utf8.RuneCountInString(t.FR) > maxTermLabel || utf8.RuneCountInString(t.EN) > maxTermLabel {
		errs.Add("fr", "validate.too_long", maxTermLabel)
	}
	if vocabulary == VocabBricks && !exists && parent != "" {
		if !slices.ContainsFunc(tax.Bricks, func(f BrickFamily) bool { return f.Code == parent }) {
			errs.Add("parent", "validate.choice")
		} else if !strings.HasPrefix(t.Code, parent+".") {
			errs.Add("code", "directory.brick_code", parent)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	now := s.stamp()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var before any
		if exists {
			before = tax.Terms(vocabulary)[slices.IndexFunc(tax.Terms(vocabulary), func(v VocabTerm) bool { return v.Code == t.Code })].Term
		}
		if _, err := tx.Exec(ctx, `INSERT INTO taxonomy_terms (vocabulary, code, parent, fr, en, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vocabulary, code) DO UPDATE SET fr = excluded.fr, en = excluded.en,
			updated_at = excluded.updated_at`, vocabulary, t.Code, parent, t.FR, t.EN, now, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "taxonomy", 0, "save "+vocabulary+" "+t.Code, before, t)
	})
	if err != nil {
		return fmt.Errorf("directory: save term %s %s: %w", vocabulary, t.Code, err)
	}
	if err := s.RefreshTaxonomy(ctx); err != nil {
		return err
	}
	// Labels are in the search documents: rebuild those of the users.
	return s.reindexUsers(ctx, vocabulary, t.Code)
}

// termCodeShape reports whether code is acceptable for a new term.
func termCodeShape(vocabulary, code string) bool {
	if len(code) > 60 {
		return false
	}
	for _, r := range code {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if vocabulary == VocabCertifications {
			ok = ok || r >= 'A' && r <= 'Z' || r == ' ' || r == ':' || r == '/'
		}
		if !ok {
			return false
		}
	}
	return true
}

// MergeTerm merges term from into term into: every organisation, service
// and certification using from uses into instead, from disappears from the
// vocabulary, and the search documents and index follow. A brick family
// merges only into another family, with its bricks moved under it… which
// the staff do brick by brick: a family with bricks cannot be merged.
func (s *Store) MergeTerm(ctx context.Context, vocabulary, from, into string) error {
	var errs validate.Errors
	if !slices.Contains(ManagedVocabularies, vocabulary) {
		errs.Add("vocabulary", "validate.choice")
		return errs.Err()
	}
	terms := s.tax().Terms(vocabulary)
	fi := slices.IndexFunc(terms, func(v VocabTerm) bool { return v.Code == from })
	ii := slices.IndexFunc(terms, func(v VocabTerm) bool { return v.Code == into })
	switch {
	case fi < 0:
		errs.Add("from", "validate.choice")
	case ii < 0 || from == into:
		errs.Add("into", "validate.choice")
	case vocabulary == VocabBricks && terms[fi].Family:
		for _, f := range s.tax().Bricks {
			if f.Code == from && len(f.Bricks) > 0 {
				errs.Add("from", "directory.family_not_empty")
			}
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	affected, err := s.usersOf(ctx, vocabulary, from)
	if err != nil {
		return err
	}
	now := s.stamp()
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		var stmts []string
		switch vocabulary {
		case VocabSectors:
			stmts = []string{
				"DELETE FROM organisation_sectors WHERE sector = ? AND organisation_id IN (SELECT organisation_id FROM organisation_sectors WHERE sector = ?)",
				"UPDATE organisation_sectors SET sector = ? WHERE sector = ?",
				"UPDATE organisation_services SET sector = ? WHERE sector = ?",
			}
		case VocabSteps:
			stmts = []string{
				"DELETE FROM organisation_steps WHERE step = ? AND organisation_id IN (SELECT organisation_id FROM organisation_steps WHERE step = ?)",
				"UPDATE organisation_steps SET step = ? WHERE step = ?",
				"UPDATE organisation_services SET step = ? WHERE step = ?",
			}
		case VocabBricks:
			stmts = []string{
				"DELETE FROM organisation_bricks WHERE brick = ? AND organisation_id IN (SELECT organisation_id FROM organisation_bricks WHERE brick = ?)",
				"UPDATE organisation_bricks SET brick = ? WHERE brick = ?",
			}
		case VocabCertifications:
			stmts = []string{"UPDATE organisation_certifications SET certification = ? WHERE certification = ?"}
		}
		for i, q := range stmts {
			args := []any{into, from}
			if i == 0 && strings.HasPrefix(q, "DELETE") {
				args = []any{from, into}
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		t := terms[fi]
		if _, err := tx.Exec(ctx, `INSERT INTO taxonomy_terms (vocabulary, code, parent, fr, en, merged_into, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vocabulary, code) DO UPDATE SET merged_into = excluded.merged_into,
			updated_at = excluded.updated_at`, vocabulary, from, t.Parent, t.FR, t.EN, into, now, now); err != nil {
			return err
		}
		if len(affected) > 0 {
			args := make([]any, 0, len(affected)+1)
			args = append(args, now)
			for _, id := range affected {
				args = append(args, id)
			}
			if _, err := tx.Exec(ctx, "UPDATE organisations SET updated_at = ? WHERE id IN ("+placeholders(len(affected))+")", args...); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, "taxonomy", 0, "merge "+vocabulary+" "+from, map[string]any{"code": from, "organisations": affected},
			map[string]any{"code": into})
	})
	if err != nil {
		return fmt.Errorf("directory: merge %s %s into %s: %w", vocabulary, from, into, err)
	}
	if err := s.RefreshTaxonomy(ctx); err != nil {
		return err
	}
	return s.reindex(ctx, affected)
}

// usersOf returns the organisations using a term.
func (s *Store) usersOf(ctx context.Context, vocabulary, code string) ([]int64, error) {
	var query string
	switch vocabulary {
	case VocabSectors:
		query = `SELECT organisation_id FROM organisation_sectors WHERE sector = ?
			UNION SELECT organisation_id FROM organisation_services WHERE sector = ?`
	case VocabSteps:
		query = `SELECT organisation_id FROM organisation_steps WHERE step = ?
			UNION SELECT organisation_id FROM organisation_services WHERE step = ?`
	case VocabBricks:
		query = "SELECT organisation_id FROM organisation_bricks WHERE brick = ? OR brick = ?"
	case VocabCertifications:
		query = "SELECT organisation_id FROM organisation_certifications WHERE certification = ? OR certification = ?"
	}
	rows, err := s.db.Query(ctx, query, code, code)
	if err != nil {
		return nil, fmt.Errorf("directory: users of %s: %w", code, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids), rows.Err()
}

// reindexUsers rebuilds the search documents of the organisations using a
// term (its labels are in them).
func (s *Store) reindexUsers(ctx context.Context, vocabulary, code string) error {
	ids, err := s.usersOf(ctx, vocabulary, code)
	if err != nil {
		return err
	}
	return s.reindex(ctx, ids)
}

// reindex rebuilds the search documents and facet entries of ids.
func (s *Store) reindex(ctx context.Context, ids []int64) error {
	for start := 0; start < len(ids); start += eachBatch {
		batch := ids[start:min(start+eachBatch, len(ids))]
		var orgs []Organisation
		for _, id := range batch {
			o, err := s.Organisation(ctx, id)
			if err != nil {
				return err
			}
			orgs = append(orgs, o)
		}
		if err := IndexOrganisations(ctx, s.db, orgs); err != nil {
			return fmt.Errorf("directory: reindex: %w", err)
		}
		s.indexed(orgs...)
	}
	return nil
}
