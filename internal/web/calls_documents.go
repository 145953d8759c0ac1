package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"

	"filiere/internal/calls"
)

// applicationFile sends a document of an application to whoever may read
// the application (404 otherwise), as a download with its stored type,
// never shown inline.
func (s *Server) applicationFile(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	fileID, ok2 := pathID(r, "aid")
	if !ok || !ok2 {
		s.notFound(w, r, false)
		return
	}
	v, ok := s.viewerOr(w, r, "application file")
	if !ok {
		return
	}
	f, data, err := s.Calls.FileContent(r.Context(), v, id, fileID)
	if err != nil {
		s.callFail(w, r, "application file", err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}

// applicationPDF writes one of a labelled application's documents with
// write and sends it as filename.
func (s *Server) applicationPDF(w http.ResponseWriter, r *http.Request, name string,
	write func(ctx context.Context, v calls.Viewer, w io.Writer, id int64, lang string) error) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r, false)
		return
	}
	v, err := s.callViewer(r)
	if err != nil {
		s.fail(w, r, name, err)
		return
	}
	lang := r.URL.Query().Get("lang")
	if lang != "fr" && lang != "en" {
		lang = "" // the application's language
	}
	var buf bytes.Buffer
	if err := write(r.Context(), v, &buf, id, lang); err != nil {
		s.callFail(w, r, name, err)
		return
	}
	suffix := ""
	if lang != "" {
		suffix = "-" + lang
	}
	sendFile(w, "application/pdf", name+"-"+strconv.FormatInt(id, 10)+suffix+".pdf", &buf)
}

// supportLetterPDF sends the support letter of a labelled application, in
// ?lang=fr|en (the application's language by default).
func (s *Server) supportLetterPDF(w http.ResponseWriter, r *http.Request) {
	s.applicationPDF(w, r, "support-letter", s.Calls.SupportLetter)
}

// certificatePDF sends the label certificate of a labelled application.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) {
	s.applicationPDF(w, r, "certificate", s.Calls.Certificate)
}
