package calls

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"filiere/internal/tabular"
	"filiere/internal/validate"
)

// HistoryRow is one row of a history file as written: the cells of the
// columns scheme_group, scheme, year, title, lead, partners ('|' between
// names), kind, received_on, decision, funding and amount_eur.
type HistoryRow struct {
	Line                                  int // the row's line in the file (its row number in a workbook)
	SchemeGroup, Scheme, Year             string
	Title, Lead, Partners, Kind           string
	ReceivedOn, Decision, Funding, Amount string
	// Unreadable is the message key of why the reader could not read the
	// row ("" for a row read); such a row is rejected.
	Unreadable string
}

// HistoryFile is a history file read for ImportHistory.
type HistoryFile struct {
	Rows []HistoryRow // in file order
	// Ignored are the header cells that name no known column.
	Ignored []string
}

// historyColumns are the columns of a history file and their other
// spellings (case, accents, spaces and punctuation are ignored).
var historyColumns = map[string][]string{
	"scheme_group": {"groupe de dispositifs", "groupe de dispositif", "groupe", "financeur", "funder", "funding body"},
	"scheme":       {"dispositif", "programme", "funding scheme"},
	"year":         {"année", "millésime", "exercice"},
	"title":        {"titre", "titre du projet", "intitulé", "projet", "project", "project title"},
	"lead":         {"porteur", "porteur du projet", "chef de file", "coordinateur", "lead applicant", "coordinator"},
	"partners":     {"partenaires", "consortium"},
	"kind":         {"type", "type de projet", "nature", "project kind"},
	"received_on":  {"reçu le", "date de réception", "date de dépôt", "déposé le", "received", "submitted on"},
	"decision":     {"décision", "avis", "avis du comité", "committee decision"},
	"funding":      {"financement", "résultat du financement", "funding outcome"},
	"amount_eur":   {"montant", "montant (€)", "montant accordé", "amount"},
}

// requiredHistoryColumns must be in the header.
var requiredHistoryColumns = []string{"scheme_group", "scheme", "year", "title", "lead", "decision"}

// ReadHistory reads a history file named name (the name tells an old
// .xls from a CSV when the content cannot): CSV with ',' or ';' in UTF-8
// (with or without BOM) or Windows-1252, or the first sheet of an XLSX
// workbook, of at most maxBytes bytes. A file that cannot be imported at
// all yields a *validate.Message: too large, not a workbook, no header, a
// required column missing.
func ReadHistory(name string, r io.Reader, maxBytes int64) (HistoryFile, error) {
	t, broken, err := tabular.Read(name, r, maxBytes)
	switch {
	case errors.Is(err, tabular.ErrTooLarge):
		return HistoryFile{}, validate.NewMessage("calls.import.too_large", max(maxBytes>>20, 1))
	case errors.Is(err, tabular.ErrNotXLSX):
		return HistoryFile{}, validate.NewMessage("calls.import.not_xlsx")
	case errors.Is(err, tabular.ErrNoHeader):
		return HistoryFile{}, validate.NewMessage("calls.import.no_header")
	case err != nil:
		return HistoryFile{}, fmt.Errorf("calls: read history: %w", err)
	}
	cols, ignored, missing := tabular.MapHeader(t.Header, historyColumns)
	var lacking []string
	for _, c := range requiredHistoryColumns {
		if slices.Contains(missing, c) {
			lacking = append(lacking, c)
		}
	}
	if len(lacking) > 0 {
		return HistoryFile{}, validate.NewMessage("calls.import.missing_columns", strings.Join(lacking, ", "))
	}
	out := HistoryFile{Ignored: ignored}
	for _, row := range t.Rows {
		get := func(c string) string { return cols.Get(row, c) }
		out.Rows = append(out.Rows, HistoryRow{Line: row.Line, SchemeGroup: get("scheme_group"), Scheme: get("scheme"),
			Year: get("year"), Title: get("title"), Lead: get("lead"), Partners: get("partners"), Kind: get("kind"),
			ReceivedOn: get("received_on"), Decision: get("decision"), Funding: get("funding"), Amount: get("amount_eur")})
	}
	for _, b := range broken {
		key := "calls.import.unreadable_row"
		switch {
		case errors.Is(b.Err, tabular.ErrTooManyCells):
			key = "calls.import.too_many_cells"
		case errors.Is(b.Err, tabular.ErrUnterminatedQuote):
			key = "calls.import.unterminated_quote"
		}
		out.Rows = append(out.Rows, HistoryRow{Line: b.Line, Unreadable: key})
	}
	slices.SortStableFunc(out.Rows, func(a, b HistoryRow) int { return cmp.Compare(a.Line, b.Line) })
	return out, nil
}
