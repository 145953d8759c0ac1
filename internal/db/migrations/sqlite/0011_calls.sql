-- Calls for projects, expert evaluation and labels: calls with their
-- application form and evaluation grid, applications (lead + partners,
-- answers, files), the expert pool with declared interests and recorded
-- conflicts, assignments and scores, committee sessions with members,
-- agenda, recusals and decisions, labels and funding outcomes.
--
-- type: project_label (labelling for an external funding scheme),
-- training_label, interest (call for expressions of interest), voucher
-- (cascade-funding vouchers ranked by score).
-- audience: who may apply (members, or any organisation with an account).
-- consortium: single (the lead alone), optional (partners allowed),
-- required (at least min_partners partners).
-- renewal: for labels, how a label is renewed: written (written file
-- only: no oral hearing), full (the whole process again), none.
CREATE TABLE calls (
    id                INTEGER PRIMARY KEY,
    type              TEXT NOT NULL CHECK (type IN ('project_label', 'training_label', 'interest', 'voucher')),
    title_fr          TEXT NOT NULL,
    title_en          TEXT NOT NULL DEFAULT '',
    description_fr    TEXT NOT NULL DEFAULT '',
    description_en    TEXT NOT NULL DEFAULT '',
    scheme_group      TEXT NOT NULL DEFAULT '',
    scheme            TEXT NOT NULL DEFAULT '',
    wave              TEXT NOT NULL DEFAULT '',
    year              INTEGER NOT NULL,
    opens_at          TIMESTAMP NOT NULL,
    closes_at         TIMESTAMP NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('members', 'all')),
    consortium        TEXT NOT NULL CHECK (consortium IN ('single', 'optional', 'required')),
    min_partners      INTEGER NOT NULL DEFAULT 0,
    max_partners      INTEGER NOT NULL DEFAULT 0,
    preselection      INTEGER NOT NULL DEFAULT 1,
    written           INTEGER NOT NULL DEFAULT 1,
    hearing           INTEGER NOT NULL DEFAULT 0,
    committee         INTEGER NOT NULL DEFAULT 1,
    evaluators        INTEGER NOT NULL DEFAULT 2,
    vouchers          INTEGER NOT NULL DEFAULT 0,
    label_name        TEXT NOT NULL DEFAULT '',
    label_months      INTEGER NOT NULL DEFAULT 0,
    renewal           TEXT NOT NULL DEFAULT 'none' CHECK (renewal IN ('written', 'full', 'none')),
    published         INTEGER NOT NULL DEFAULT 0,
    imported          INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX calls_year ON calls (year, scheme_group, scheme);
CREATE INDEX calls_dates ON calls (published, closes_at);

-- The application form: typed fields in order. kind: text, longtext,
-- number, money (euros, stored in cents), date, choice (choices: JSON list
-- of {code, fr, en}), file (a required document when required).
CREATE TABLE call_fields (
    id        INTEGER PRIMARY KEY,
    call_id   INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    code      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('text', 'longtext', 'number', 'money', 'date', 'choice', 'file')),
    label_fr  TEXT NOT NULL,
    label_en  TEXT NOT NULL DEFAULT '',
    help_fr   TEXT NOT NULL DEFAULT '',
    help_en   TEXT NOT NULL DEFAULT '',
    required  INTEGER NOT NULL DEFAULT 0,
    choices   TEXT NOT NULL DEFAULT '[]',
    UNIQUE (call_id, code)
);

-- The evaluation grid: each criterion is scored from 0 to scale; weight
-- is its share in the weighted score (any positive integers).
CREATE TABLE call_criteria (
    id        INTEGER PRIMARY KEY,
    call_id   INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    code      TEXT NOT NULL,
    label_fr  TEXT NOT NULL,
    label_en  TEXT NOT NULL DEFAULT '',
    weight    INTEGER NOT NULL CHECK (weight > 0),
    scale     INTEGER NOT NULL CHECK (scale > 0),
    UNIQUE (call_id, code)
);

-- status: draft, submitted, withdrawn. eligibility (pre-selection): ''
-- (not reviewed yet), eligible, ineligible (with a reason). decision: ''
-- (none yet), labelled, not_labelled, deferred. funding (labelled
-- projects): '' (nothing recorded: pending), funded, not_funded, pending.
-- collaborative: the consortium has partners (set when submitted; given
-- by the history import).
CREATE TABLE applications (
    id                  INTEGER PRIMARY KEY,
    call_id             INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    reference           TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    acronym             TEXT NOT NULL DEFAULT '',
    summary             TEXT NOT NULL DEFAULT '',
    lead_id             INTEGER NOT NULL REFERENCES organisations (id),
    lang                TEXT NOT NULL DEFAULT 'fr',
    status              TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    collaborative       INTEGER NOT NULL DEFAULT 0,
    eligibility         TEXT NOT NULL DEFAULT '' CHECK (eligibility IN ('', 'eligible', 'ineligible')),
    ineligible_reason   TEXT NOT NULL DEFAULT '',
    decision            TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'labelled', 'not_labelled', 'deferred')),
    decision_note       TEXT NOT NULL DEFAULT '',
    decided_at          TIMESTAMP,
    decision_session_id INTEGER,
    label_number        TEXT NOT NULL DEFAULT '',
    label_until         TIMESTAMP,
    label_reminded_at   TIMESTAMP,
    renewal_of          INTEGER REFERENCES applications (id) ON DELETE SET NULL,
    funding             TEXT NOT NULL DEFAULT '' CHECK (funding IN ('', 'funded', 'not_funded', 'pending')),
    funding_cents       INTEGER NOT NULL DEFAULT 0,
    funding_on          TIMESTAMP,
    funding_note        TEXT NOT NULL DEFAULT '',
    imported            INTEGER NOT NULL DEFAULT 0,
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    submitted_at        TIMESTAMP,
    withdrawn_at        TIMESTAMP
);
CREATE INDEX applications_call ON applications (call_id, status);
CREATE INDEX applications_lead ON applications (lead_id);
CREATE INDEX applications_label ON applications (decision, label_until);

CREATE TABLE application_partners (
    application_id  INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (application_id, organisation_id)
);
CREATE INDEX application_partners_organisation ON application_partners (organisation_id);

-- One answer per form field (number, money in cents and date as canonical
-- text: 12.5, 1250000, 2026-03-04).
CREATE TABLE application_answers (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    field_id       INTEGER NOT NULL REFERENCES call_fields (id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    PRIMARY KEY (application_id, field_id)
);

CREATE TABLE application_files (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    field_id       INTEGER NOT NULL REFERENCES call_fields (id) ON DELETE CASCADE,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    data           BLOB NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (application_id, field_id)
);

-- The expert pool. sectors, bricks and keywords are JSON lists of codes
-- (keywords: free words). max_load caps the applications an expert
-- evaluates per call (0: no cap).
CREATE TABLE experts (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    affiliation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    sectors        TEXT NOT NULL DEFAULT '[]',
    bricks         TEXT NOT NULL DEFAULT '[]',
    keywords       TEXT NOT NULL DEFAULT '[]',
    max_load       INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- Organisations an expert declared an interest in (shareholding, advice,
-- family…): a conflict with any application they take part in.
CREATE TABLE expert_interests (
    expert_id       INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    note            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (expert_id, organisation_id)
);

-- Conflicts staff record on one application (or an expert declares).
CREATE TABLE expert_conflicts (
    expert_id      INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    reason         TEXT NOT NULL DEFAULT '',
    recorded_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (expert_id, application_id)
);

-- Every exclusion of an expert from an application, with its reason
-- (affiliation, group, interest, recorded), logged when assignment
-- considered the pair.
CREATE TABLE expert_exclusions (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    expert_id      INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    reason         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    logged_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, expert_id, reason)
);

-- source: auto (automatic assignment, explanation JSON) or staff.
-- submitted_at: the expert submitted their review (then sees the others).
CREATE TABLE assignments (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    expert_id      INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    source         TEXT NOT NULL CHECK (source IN ('auto', 'staff')),
    explanation    TEXT NOT NULL DEFAULT '{}',
    comment        TEXT NOT NULL DEFAULT '',
    assigned_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    assigned_at    TIMESTAMP NOT NULL,
    submitted_at   TIMESTAMP,
    PRIMARY KEY (application_id, expert_id)
);
CREATE INDEX assignments_expert ON assignments (expert_id);

CREATE TABLE review_scores (
    application_id INTEGER NOT NULL,
    expert_id      INTEGER NOT NULL,
    criterion_id   INTEGER NOT NULL REFERENCES call_criteria (id) ON DELETE CASCADE,
    score          INTEGER NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, expert_id, criterion_id),
    FOREIGN KEY (application_id, expert_id) REFERENCES assignments (application_id, expert_id) ON DELETE CASCADE
);

-- Committee sessions (a session may discuss applications of several
-- calls). status: planned, closed (minutes final, no more decisions).
CREATE TABLE committee_sessions (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    held_at    TIMESTAMP NOT NULL,
    place      TEXT NOT NULL DEFAULT '',
    quorum     INTEGER NOT NULL DEFAULT 1,
    status     TEXT NOT NULL CHECK (status IN ('planned', 'closed')),
    notes      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX committee_sessions_held ON committee_sessions (held_at);

CREATE TABLE session_members (
    session_id INTEGER NOT NULL REFERENCES committee_sessions (id) ON DELETE CASCADE,
    expert_id  INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    present    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, expert_id)
);

-- The agenda: applications discussed, in order, with the decision taken.
CREATE TABLE session_items (
    session_id     INTEGER NOT NULL REFERENCES committee_sessions (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    decision       TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'labelled', 'not_labelled', 'deferred')),
    comment        TEXT NOT NULL DEFAULT '',
    voters         INTEGER NOT NULL DEFAULT 0,
    decided_at     TIMESTAMP,
    PRIMARY KEY (session_id, application_id)
);
CREATE INDEX session_items_application ON session_items (application_id);

-- Members who leave the room for an item, with the conflict's reason.
CREATE TABLE session_recusals (
    session_id     INTEGER NOT NULL REFERENCES committee_sessions (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    expert_id      INTEGER NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    reason         TEXT NOT NULL,
    PRIMARY KEY (session_id, application_id, expert_id)
);

-- Letter template, letterhead and other settings (one row per key), and
-- the per-database secret of signed links.
CREATE TABLE call_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
