// Package importer imports organisations and their services into the
// directory from CSV and XLSX files as the cluster's team keeps them: one
// organisation per row, columns found by their French or English header,
// taxonomy values written as codes or labels. A plan says, row by row, what
// an import would create, update, leave unchanged or reject, and why; a run
// writes the valid rows (or none when all-or-nothing is asked and one row
// is rejected) in one transaction. Re-importing a file changes nothing.
package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"filiere/internal/directory"
	"filiere/internal/siren"
	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// Input is a file read for import: its table and the rows the reader
// could not read (reported as rejected).
type Input struct {
	Table  tabular.Table
	Broken []tabular.RowError
}

// Read reads an upload named name (the name tells an old .xls from a CSV
// when the content cannot), XLSX or CSV in any encoding French Excel
// writes, of at most maxBytes bytes. A file that cannot be imported at all
// yields a *validate.Message: too large, not a workbook, no header.
func Read(name string, r io.Reader, maxBytes int64) (Input, error) {
	t, broken, err := tabular.Read(name, r, maxBytes)
	switch {
	case errors.Is(err, tabular.ErrTooLarge):
		return Input{}, validate.NewMessage("import.too_large", max(maxBytes>>20, 1))
	case errors.Is(err, tabular.ErrNotXLSX):
		return Input{}, validate.NewMessage("import.not_xlsx")
	case errors.Is(err, tabular.ErrNoHeader):
		return Input{}, validate.NewMessage("import.no_header")
	case err != nil:
		return Input{}, fmt.Errorf("importer: %w", err)
	}
	return Input{Table: t, Broken: broken}, nil
}

// Options are the user's choices for an import.
type Options struct {
	// DryRun plans without writing.
	DryRun bool
	// AllOrNothing writes nothing when any row is rejected.
	AllOrNothing bool
}

// Action is what an import does with a row.
type Action string

// The actions.
const (
	Create    Action = "create"
	Update    Action = "update"
	Unchanged Action = "unchanged"
	Reject    Action = "reject"
)

// Row is the report on one row of the file.
type Row struct {
	Line   int // the row's line in the file (its row number in a workbook)
	Action Action
	Name   string // the organisation's name as the row gives it
	// ID is the organisation the row matched, or the one it created once
	// written; 0 otherwise.
	ID int64
	// Changed names the fields an update changes, by column name
	// ("city", "services", "coordinates"…).
	Changed []string
	// Reasons say why a row is rejected, as message keys for the reader's
	// language; Field is a column name, or a directory field name such
	// as "services.2".
	Reasons validate.Errors
}

// Report is the outcome of an import, row by row in file order.
type Report struct {
	Rows []Row
	// Ignored are the header cells that name no known column.
	Ignored []string
	// Counts of rows per action.
	Created, Updated, Unchanged, Rejected int
	DryRun                                bool
	AllOrNothing                          bool
	// Written reports that the creates and updates were written.
	Written bool
}

// Blocked reports whether all-or-nothing keeps the import from writing.
func (r Report) Blocked() bool { return r.AllOrNothing && r.Rejected > 0 }

// plan is a report with what writing it takes.
type plan struct {
	report     Report
	creates    []directory.Organisation
	createRows []int // index in report.Rows of each create
	updates    []directory.ImportUpdate
	updateRows []int
}

// Plan says what importing in would do, without writing anything.
func Plan(ctx context.Context, st *directory.Store, in Input, opts Options) (Report, error) {
	p, err := makePlan(ctx, st, in, opts)
	if err != nil {
		return Report{}, err
	}
	p.report.DryRun = true
	return p.report, nil
}

// Run imports in: it plans, then, unless opts asks for a dry run or
// all-or-nothing meets a rejected row, writes every create and update in
// one transaction. The report's rows carry the created organisations' IDs.
// Should writing fail, nothing is written and the error is returned.
func Run(ctx context.Context, st *directory.Store, in Input, opts Options) (Report, error) {
	p, err := makePlan(ctx, st, in, opts)
	if err != nil {
		return Report{}, err
	}
	r := p.report
	if opts.DryRun {
		r.DryRun = true
		return r, nil
	}
	if r.Blocked() || (len(p.creates) == 0 && len(p.updates) == 0) {
		return r, nil
	}
	created, _, err := st.Import(ctx, p.creates, p.updates)
	if err != nil {
		return Report{}, fmt.Errorf("importer: %w", err)
	}
	for i, o := range created {
		r.Rows[p.createRows[i]].ID = o.ID
	}
	r.Written = true
	return r, nil
}

// makePlan matches every row, merges it onto the organisation it matches
// and sorts the result into creates, updates, unchanged and rejects.
func makePlan(ctx context.Context, st *directory.Store, in Input, opts Options) (*plan, error) {
	cols, ignored, _ := tabular.MapHeader(in.Table.Header, headerAliases())
	if !cols.Has("name") {
		return nil, validate.NewMessage("import.no_name_column")
	}
	keys, err := st.ImportKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	p := &plan{report: Report{Ignored: ignored, AllOrNothing: opts.AllOrNothing}}

	// First pass: match each row, and refuse a second row for the same
	// organisation.
	rows := in.Table.Rows
	matched := make([]int64, len(rows))
	early := make([]validate.Errors, len(rows))
	byTarget := map[int64]int{} // organisation → first line
	bySIRET := map[string]int{} // new organisation's SIRET → first line
	byName := map[string]int{}  // new organisation's name key → first line
	var wanted []int64
	keyed := make([]rowKeys, len(rows))
	parallel(len(rows), func(i int) { keyed[i] = keysOf(cols, rows[i]) })
	for i, row := range rows {
		k := keyed[i]
		id, why := match(keys, k)
		if why != nil {
			early[i] = why
			continue
		}
		matched[i] = id
		if id != 0 {
			if first, dup := byTarget[id]; dup {
				early[i].Add("", "import.duplicate", first)
				continue
			}
			byTarget[id] = row.Line
			wanted = append(wanted, id)
			continue
		}
		first, dup := byName[k.nameKey]
		if k.siret != "" {
			if f, d := bySIRET[k.siret]; d && (!dup || f < first) {
				first, dup = f, true
			}
		}
		if dup {
			early[i].Add("", "import.duplicate", first)
			continue
		}
		byName[k.nameKey] = row.Line
		if k.siret != "" {
			bySIRET[k.siret] = row.Line
		}
	}
	stored, err := st.OrganisationsByID(ctx, wanted)
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}

	// Second pass, on every CPU: merge, prepare, compare.
	decided := make([]decision, len(rows))
	var failure error
	var mu sync.Mutex
	parallel(len(rows), func(i int) {
		d, err := decide(st, cols, rows[i], matched[i], early[i], stored)
		if err != nil {
			mu.Lock()
			failure = cmp.Or(failure, err)
			mu.Unlock()
		}
		decided[i] = d
	})
	if failure != nil {
		return nil, failure
	}
	for _, d := range decided {
		i := p.add(d.row)
		switch d.row.Action {
		case Create:
			p.creates = append(p.creates, d.after)
			p.createRows = append(p.createRows, i)
		case Update:
			p.updates = append(p.updates, directory.ImportUpdate{Before: d.before, After: d.after})
			p.updateRows = append(p.updateRows, i)
		}
	}
	for _, b := range in.Broken {
		key := "import.unreadable_row"
		switch {
		case errors.Is(b.Err, tabular.ErrTooManyCells):
			key = "import.too_many_cells"
		case errors.Is(b.Err, tabular.ErrUnterminatedQuote):
			key = "import.unterminated_quote"
		}
		p.add(Row{Line: b.Line, Action: Reject, Reasons: validate.Errors{{Key: key}}})
	}
	if len(in.Broken) > 0 {
		// Broken rows were appended last: put every row back in file
		// order, keeping the indexes of creates and updates right.
		order := make([]int, len(p.report.Rows))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(p.report.Rows[a].Line, p.report.Rows[b].Line) })
		where := make([]int, len(order))
		sorted := make([]Row, len(order))
		for to, from := range order {
			where[from] = to
			sorted[to] = p.report.Rows[from]
		}
		p.report.Rows = sorted
		for i := range p.createRows {
			p.createRows[i] = where[p.createRows[i]]
		}
		for i := range p.updateRows {
			p.updateRows[i] = where[p.updateRows[i]]
		}
	}
	return p, nil
}

// decision is what a plan does with one row.
type decision struct {
	row           Row
	before, after directory.Organisation // the stored and the prepared organisation
}

// decide merges row onto the organisation it matched (id, 0 for none,
// already refused when early holds reasons), prepares the result and
// compares it with the stored one.
func decide(st *directory.Store, cols tabular.Columns, row tabular.Row, id int64, early validate.Errors,
	stored map[int64]directory.Organisation) (decision, error) {
	out := Row{Line: row.Line, Name: cols.Get(row, "name"), ID: id}
	if early != nil {
		out.Action, out.Reasons, out.ID = Reject, early, 0
		return decision{row: out}, nil
	}
	base, found := stored[id]
	if id != 0 && !found { // deleted since the keys were read
		base, out.ID = directory.Organisation{}, 0
	}
	merged, errs := apply(base, cols, row)
	prepared, err := st.Prepare(merged)
	if err != nil {
		verrs, ok := validate.As(err)
		if !ok {
			return decision{}, fmt.Errorf("importer: line %d: %w", row.Line, err)
		}
		errs = appendNew(errs, verrs)
	}
	if len(errs) > 0 {
		out.Action, out.Reasons, out.ID = Reject, errs, 0
		return decision{row: out}, nil
	}
	if out.ID == 0 {
		out.Action = Create
		return decision{row: out, after: prepared}, nil
	}
	prepared.ID = base.ID
	out.Changed = directory.ChangedFields(base, prepared)
	out.Action = Update
	if len(out.Changed) == 0 {
		out.Action = Unchanged
	}
	return decision{row: out, before: base, after: prepared}, nil
}

// parallel calls fn for every index below n, spread over the CPUs.
func parallel(n int, fn func(i int)) {
	workers := max(min(runtime.GOMAXPROCS(0), n), 1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// add appends a row to the report, counts it, and returns its index.
func (p *plan) add(r Row) int {
	switch r.Action {
	case Create:
		p.report.Created++
	case Update:
		p.report.Updated++
	case Unchanged:
		p.report.Unchanged++
	case Reject:
		p.report.Rejected++
	}
	p.report.Rows = append(p.report.Rows, r)
	return len(p.report.Rows) - 1
}

// appendNew adds to errs the validation errors on fields errs does not
// already explain (an unknown kind is not also a missing one).
func appendNew(errs, more validate.Errors) validate.Errors {
	for _, e := range more {
		if _, dup := errs.For(e.Field); !dup {
			errs = append(errs, e)
		}
	}
	return errs
}

// match finds the stored organisation a row names: by SIRET (or SIREN)
// when the row gives a valid one, else by name and postcode among the
// organisations whose number does not contradict the row's. It returns 0
// for a new organisation, or the reason the row cannot be matched.
func match(keys directory.ImportKeys, k rowKeys) (int64, validate.Errors) {
	var errs validate.Errors
	candidates := func(ids []int64) (int64, bool) {
		switch len(ids) {
		case 0:
			return 0, true
		case 1:
			return ids[0], true
		}
		// Several: the name and postcode may tell them apart.
		var same []int64
		for _, id := range ids {
			if slices.Contains(keys.ByNamePostcode[k.nameKey], id) {
				same = append(same, id)
			}
		}
		if len(same) == 1 {
			return same[0], true
		}
		return 0, false
	}
	number := k.siret
	if validNumber(number) {
		var ids []int64
		if len(number) == 14 {
			ids = keys.BySIRET[number]
			if len(ids) == 0 {
				ids = keys.BySIRET[number[:9]] // stored as a SIREN only
			}
		} else {
			ids = keys.BySIREN[number]
		}
		id, ok := candidates(ids)
		if !ok {
			errs.Add("siret", "import.ambiguous_siret", len(ids))
			return 0, errs
		}
		if id != 0 {
			return id, nil
		}
	}
	var ids []int64
	for _, id := range keys.ByNamePostcode[k.nameKey] {
		if compatible(keys.SIRET[id], number) {
			ids = append(ids, id)
		}
	}
	switch len(ids) {
	case 0:
		return 0, nil
	case 1:
		return ids[0], nil
	}
	errs.Add("name", "import.ambiguous_name", len(ids))
	return 0, errs
}

// validNumber reports whether s is a checksum-valid SIRET or SIREN.
func validNumber(s string) bool { return siren.ValidSIRET(s) || siren.ValidSIREN(s) }

// compatible reports whether a stored number and a row's may belong to the
// same organisation: either is missing, or they share their SIREN.
func compatible(stored, row string) bool {
	if stored == "" || row == "" {
		return true
	}
	return len(stored) >= 9 && len(row) >= 9 && stored[:9] == row[:9]
}
