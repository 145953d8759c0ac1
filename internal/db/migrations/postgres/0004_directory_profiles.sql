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
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    step            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, step)
);

CREATE TABLE organisation_bricks (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    brick           TEXT NOT NULL,
    PRIMARY KEY (organisation_id, brick)
);
CREATE INDEX organisation_bricks_brick ON organisation_bricks (brick);

CREATE TABLE organisation_services (
    id              BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
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
    id              BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    certification   TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT '',
    issuer          TEXT NOT NULL DEFAULT '',
    valid_until     TEXT
);
CREATE INDEX organisation_certifications_organisation ON organisation_certifications (organisation_id, position);

CREATE TABLE organisation_capacities (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    attribute       TEXT NOT NULL,
    value           DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (organisation_id, attribute)
);

CREATE TABLE organisation_logos (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    content_type    TEXT NOT NULL,
    data            BYTEA NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- A member's edit of public fields waits here for a staff decision.
CREATE TABLE organisation_changes (
    id              BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    proposed        TEXT NOT NULL,
    proposed_by     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded')),
    decided_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_at      TIMESTAMPTZ,
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
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (vocabulary, code)
);

-- The search documents: the name alone (weight A in ranking) and the text
-- each visibility level adds: public_doc for everyone, members_doc what
-- only members (and staff) may search, staff_doc what only staff may; each
-- level's tsvector joins the documents up to its own. Rebuilt in Go: run
-- directory.Store.Reindex after this.
DROP TABLE organisation_search;

CREATE TABLE organisation_search (
    organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    name_doc    TEXT NOT NULL,
    public_doc  TEXT NOT NULL,
    members_doc TEXT NOT NULL,
    staff_doc   TEXT NOT NULL,
    public_tsv  TSVECTOR GENERATED ALWAYS AS (setweight(to_tsvector('simple', name_doc), 'A') || to_tsvector('simple', public_doc)) STORED,
    members_tsv TSVECTOR GENERATED ALWAYS AS (setweight(to_tsvector('simple', name_doc), 'A') || to_tsvector('simple', public_doc)
        || to_tsvector('simple', members_doc)) STORED,
    staff_tsv   TSVECTOR GENERATED ALWAYS AS (setweight(to_tsvector('simple', name_doc), 'A') || to_tsvector('simple', public_doc)
        || to_tsvector('simple', members_doc) || to_tsvector('simple', staff_doc)) STORED
);
CREATE INDEX organisation_search_public ON organisation_search USING GIN (public_tsv);
CREATE INDEX organisation_search_members ON organisation_search USING GIN (members_tsv);
CREATE INDEX organisation_search_staff ON organisation_search USING GIN (staff_tsv);
