-- Directory full-text search. organisation_search holds each organisation's
-- search document: the French/English stems of its names, descriptions,
-- city, sectors and kind, built in Go by internal/textsearch (so SQL cannot
-- backfill it: run directory.Store.Reindex after this migration).
-- organisation_fts is an external-content FTS5 index over it, kept in step
-- by the triggers below; its rowid is the organisation's id.
CREATE TABLE organisation_search (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    document TEXT NOT NULL
);

CREATE VIRTUAL TABLE organisation_fts USING fts5 (
    document,
    content = 'organisation_search',
    content_rowid = 'organisation_id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER organisation_search_insert AFTER INSERT ON organisation_search BEGIN
    INSERT INTO organisation_fts (rowid, document) VALUES (new.organisation_id, new.document);
END;

CREATE TRIGGER organisation_search_delete AFTER DELETE ON organisation_search BEGIN
    INSERT INTO organisation_fts (organisation_fts, rowid, document) VALUES ('delete', old.organisation_id, old.document);
END;

CREATE TRIGGER organisation_search_update AFTER UPDATE ON organisation_search BEGIN
    INSERT INTO organisation_fts (organisation_fts, rowid, document) VALUES ('delete', old.organisation_id, old.document);
    INSERT INTO organisation_fts (rowid, document) VALUES (new.organisation_id, new.document);
END;
