-- Directory profiles: the whole competency profile of an organisation
-- (identity, bands, value-chain steps, technology bricks, services,
-- certifications, capacities, equipment, keywords, logo), per-field
-- visibility, members' edits waiting for staff validation, and a search
-- document per visibility level.

ALTER TABLE organisations ADD COLUMN siret TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN headcount TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN revenue TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN founded INTEGER;
ALTER TABLE organisations ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN equipment TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN capacity_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN visibility TEXT NOT NULL DEFAULT '{}';
CREATE INDEX organisations_siret ON organisations (siret) WHERE siret <> '';
CREATE INDEX organisations_postcode ON organisations (postcode);
CREATE INDEX organisations_updated ON organisations (updated_at);

CREATE TABLE organisation_steps (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    step            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, step)
);

CREATE TABLE organisation_bricks (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    brick           TEXT NOT NULL,
    PRIMARY KEY (organisation_id, brick)
);
CREATE INDEX organisation_bricks_brick ON organisation_bricks (brick);

CREATE TABLE organisation_services (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title_fr        TEXT NOT NULL DEFAULT '',
    title_en        TEXT NOT NULL DEFAULT '',
    description_fr  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    sector          TEXT NOT NULL DEFAULT '',
    step            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organisation_services_organisation ON organisation_services (organisation_id, position);

CREATE TABLE organisation_certifications (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    certification   TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT '',
    issuer          TEXT NOT NULL DEFAULT '',
    valid_until     TEXT
);
CREATE INDEX organisation_certifications_organisation ON organisation_certifications (organisation_id, position);

CREATE TABLE organisation_capacities (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    attribute       TEXT NOT NULL,
    value           REAL NOT NULL,
    PRIMARY KEY (organisation_id, attribute)
);

CREATE TABLE organisation_logos (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    content_type    TEXT NOT NULL,
    data            BLOB NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- A member's edit of public fields waits here for a staff decision.
CREATE TABLE organisation_changes (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    proposed        TEXT NOT NULL,
    proposed_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded')),
    decided_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at      TIMESTAMP,
    reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organisation_changes_status ON organisation_changes (status, created_at);
CREATE INDEX organisation_changes_organisation ON organisation_changes (organisation_id);

-- The staff's changes to the shipped taxonomy: terms added, relabelled or
-- merged into another (merged_into); applied over taxonomy.json at start.
CREATE TABLE taxonomy_terms (
    vocabulary  TEXT NOT NULL CHECK (vocabulary IN ('sectors', 'steps', 'bricks', 'certifications')),
    code        TEXT NOT NULL,
    parent      TEXT NOT NULL DEFAULT '',
    fr          TEXT NOT NULL,
    en          TEXT NOT NULL,
    merged_into TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (vocabulary, code)
);

-- The search documents: the name alone (weighted up in ranking) and the
-- text each visibility level adds: public_doc for everyone, members_doc
-- what only members (and staff) may search, staff_doc what only staff may.
-- A level searches the columns up to its own. Rebuilt in Go: run
-- directory.Store.Reindex after this.
DROP TRIGGER organisation_search_insert;
DROP TRIGGER organisation_search_delete;
DROP TRIGGER organisation_search_update;
DROP TABLE organisation_fts;
DROP TABLE organisation_search;

CREATE TABLE organisation_search (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    name_doc    TEXT NOT NULL,
    public_doc  TEXT NOT NULL,
    members_doc TEXT NOT NULL,
    staff_doc   TEXT NOT NULL
);

CREATE VIRTUAL TABLE organisation_fts USING fts5 (
    name_doc, public_doc, members_doc, staff_doc,
    content = 'organisation_search',
    content_rowid = 'organisation_id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER organisation_search_insert AFTER INSERT ON organisation_search BEGIN
    INSERT INTO organisation_fts (rowid, name_doc, public_doc, members_doc, staff_doc)
    VALUES (new.organisation_id, new.name_doc, new.public_doc, new.members_doc, new.staff_doc);
END;

CREATE TRIGGER organisation_search_delete AFTER DELETE ON organisation_search BEGIN
    INSERT INTO organisation_fts (organisation_fts, rowid, name_doc, public_doc, members_doc, staff_doc)
    VALUES ('delete', old.organisation_id, old.name_doc, old.public_doc, old.members_doc, old.staff_doc);
END;

CREATE TRIGGER organisation_search_update AFTER UPDATE ON organisation_search BEGIN
    INSERT INTO organisation_fts (organisation_fts, rowid, name_doc, public_doc, members_doc, staff_doc)
    VALUES ('delete', old.organisation_id, old.name_doc, old.public_doc, old.members_doc, old.staff_doc);
    INSERT INTO organisation_fts (rowid, name_doc, public_doc, members_doc, staff_doc)
    VALUES (new.organisation_id, new.name_doc, new.public_doc, new.members_doc, new.staff_doc);
END;
