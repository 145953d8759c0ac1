-- Directory full-text search. organisation_search holds each organisation's
-- search document: the French/English stems of its names, descriptions,
-- city, sectors and kind, built in Go by internal/textsearch (so SQL cannot
-- backfill it: run directory.Store.Reindex after this migration). The
-- 'simple' configuration only splits and lower-cases: stemming and accent
-- folding already happened in Go, identically for SQLite's FTS5 index.
CREATE TABLE organisation_search (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED
);

CREATE INDEX organisation_search_tsv ON organisation_search USING GIN (tsv);
