package calls

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"filiere/internal/db"
	"filiere/internal/upload"
	"filiere/internal/validate"
)

// readAnswers parses the answers of in into canonical form ("" deletes),
// adding an error per malformed answer, and checks uploads.
func readAnswers(ctx context.Context, tx *db.Tx, c Call, appID int64, in ApplicationInput, complete bool, errs *validate.Errors) (map[string]string, error) {
	out := map[string]string{}
	known := map[string]bool{}
	for _, f := range c.Fields {
		known[f.Code] = true
		name := "answers." + f.Code
		if f.Kind == FieldFile {
			if up, ok := in.Files[f.Code]; ok {
				if key, args := checkUpload(up); key != "" {
					errs.Add(name, key, args...)
				}
			}
			continue
		}
		raw, ok := in.Answers[f.Code]
		if !ok {
			continue
		}
		v, key, args := canonical(f, raw)
		if key != "" {
			errs.Add(name, key, args...)
			continue
		}
		out[f.Code] = v
	}
	for code := range in.Answers {
		if !known[code] {
			errs.Add("answers."+code, "calls.field_unknown")
		}
	}
	for code := range in.Files {
		if !known[code] {
			errs.Add("answers."+code, "calls.field_unknown")
		}
	}
	return out, nil
}

// canonical parses one answer as typed into its stored form, or returns
// the message key of what is wrong.
func canonical(f Field, raw string) (string, string, []any) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", "", nil
	}
	switch f.Kind {
	case FieldText:
		v = strings.Join(strings.Fields(v), " ")
		if len([]rune(v)) > maxText {
			return "", "validate.too_long", []any{maxText}
		}
	case FieldLongText:
		v = strings.ReplaceAll(v, "\r\n", "\n")
		if len([]rune(v)) > maxLongText {
			return "", "validate.too_long", []any{maxLongText}
		}
	case FieldNumber:
		n, err := strconv.ParseFloat(strings.ReplaceAll(compactNumber(v), ",", "."), 64)
		if err != nil || n != n || n > 1e15 || n < -1e15 {
			return "", "validate.number", nil
		}
		v = strconv.FormatFloat(n, 'f', -1, 64)
	case FieldMoney:
		cents, ok := ParseEuros(v)
		if !ok {
			return "", "calls.money_invalid", nil
		}
		v = strconv.FormatInt(cents, 10)
	case FieldDate:
		d, ok := parseDate(v)
		if !ok {
			return "", "validate.date", nil
		}
		v = d.Format(time.DateOnly)
	case FieldChoice:
		if !slices.ContainsFunc(f.Choices, func(c Choice) bool { return c.Code == v }) {
			return "", "validate.choice", nil
		}
	}
	return v, "", nil
}

// compactNumber drops the spaces (also non-breaking) people group digits
// with.
func compactNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' {
			return -1
		}
		return r
	}, s)
}

// ParseEuros reads an amount in euros as people write it ("12 500",
// "12 500,50", "12500.5", "12 500 €") into cents.
func ParseEuros(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "EUR"), "eur"))
	s = compactNumber(s)
	if s == "" {
		return 0, false
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if len(frac) > 2 || strings.Contains(frac, ".") {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 {
		return 0, false
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return w*100 + f, true
}

// parseDate reads 2026-03-04 or 04/03/2026.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil && d.Year() >= 1900 && d.Year() <= 2200 {
			return d, true
		}
	}
	return time.Time{}, false
}

// fileTypes are the documents applications take.
var fileTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true, "application/zip": true}

// officeExtensions are the zip-based formats accepted as documents.
var officeExtensions = []string{".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}

func sniff(data []byte) (string, bool) {
	ctype := http.DetectContentType(data)
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = ctype[:i]
	}
	if ctype == "application/pdf" && !bytes.HasPrefix(data, []byte("%PDF-")) {
		return ctype, false
	}
	return ctype, fileTypes[ctype]
}

func checkUpload(up Upload) (string, []any) {
	switch {
	case len(up.Data) == 0:
		return "calls.file_empty", nil
	case len(up.Data) > MaxFileBytes:
		return "calls.file_size", []any{MaxFileBytes >> 20}
	}
	ctype, ok := sniff(up.Data)
	if !ok || (ctype == "application/zip" && !slices.Contains(officeExtensions, strings.ToLower(filepath.Ext(up.Filename)))) {
		return "calls.file_type", nil
	}
	return "", nil
}

func cleanFilename(name string) string {
	name = upload.Filename(name)
	if name == "" {
		return "document"
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	return name
}

// checkComplete refuses a submission missing a required answer or
// document.
func checkComplete(ctx context.Context, tx *db.Tx, c Call, appID int64) error {
	have := map[int64]bool{}
	for _, q := range []string{"SELECT field_id FROM application_answers WHERE application_id = ?",
		"SELECT field_id FROM application_files WHERE application_id = ?"} {
		rows, err := tx.Query(ctx, q, appID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	var errs validate.Errors
	for _, f := range c.Fields {
		if f.Required && !have[f.ID] {
			key := "validate.required"
			if f.Kind == FieldFile {
				key = "calls.document_required"
			}
			errs.Add("answers."+f.Code, key)
		}
	}
	return errs.Err()
}
