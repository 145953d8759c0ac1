-- Matchmaking desk: buyers' needs, the providers filiere proposes and
-- staff shortlist, each provider's answer, the buyer's consent (the
-- introduction), the outcome each side reports, and the in-app
-- notifications the desk sends.

CREATE TABLE needs (
    id               INTEGER PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    lang             TEXT NOT NULL DEFAULT 'fr',
    sector           TEXT NOT NULL DEFAULT '',
    bricks           TEXT NOT NULL DEFAULT '',
    services         TEXT NOT NULL DEFAULT '',
    certifications   TEXT NOT NULL DEFAULT '',
    capacities       TEXT NOT NULL DEFAULT '',
    region           TEXT NOT NULL DEFAULT '',
    near             TEXT NOT NULL DEFAULT '',
    km               INTEGER NOT NULL DEFAULT 0,
    quantities       TEXT NOT NULL DEFAULT '',
    deadline         TEXT,
    budget_min       BIGINT,
    budget_max       BIGINT,
    anonymous        INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL CHECK (status IN ('unverified', 'new', 'shortlisted', 'closed')),
    channel          TEXT NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'public', 'staff', 'api')),
    buyer_user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    buyer_org_id     INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    buyer_name       TEXT NOT NULL,
    buyer_email      TEXT NOT NULL,
    buyer_phone      TEXT NOT NULL DEFAULT '',
    buyer_company    TEXT NOT NULL DEFAULT '',
    buyer_lang       TEXT NOT NULL DEFAULT 'fr',
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    response_days    INTEGER NOT NULL DEFAULT 10,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    verified_at      TIMESTAMP,
    shortlisted_at   TIMESTAMP,
    closed_at        TIMESTAMP,
    close_reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX needs_status ON needs (status, created_at);
CREATE INDEX needs_buyer_user ON needs (buyer_user_id);
CREATE INDEX needs_buyer_org ON needs (buyer_org_id);

CREATE TABLE need_attachments (
    id           INTEGER PRIMARY KEY,
    need_id      INTEGER NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX need_attachments_need ON need_attachments (need_id);

-- One row per organisation staff considered for a need. state: proposed
-- (on the working list), removed, notified (shortlist validated, waiting
-- for the provider), accepted, declined, expired (no answer in time),
-- withdrawn (taken off the shortlist or the need closed before an answer).
CREATE TABLE need_candidates (
    id              INTEGER PRIMARY KEY,
    need_id         INTEGER NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    source          TEXT NOT NULL CHECK (source IN ('ranking', 'staff')),
    position        INTEGER NOT NULL DEFAULT 0,
    score           REAL NOT NULL DEFAULT 0,
    explanation     TEXT NOT NULL DEFAULT '{}',
    note            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('proposed', 'removed', 'notified', 'accepted', 'declined', 'expired', 'withdrawn')),
    notified_at     TIMESTAMP,
    respond_by      TIMESTAMP,
    reminded_at     TIMESTAMP,
    responded_at    TIMESTAMP,
    message         TEXT NOT NULL DEFAULT '',
    responder_name  TEXT NOT NULL DEFAULT '',
    responder_email TEXT NOT NULL DEFAULT '',
    responder_phone TEXT NOT NULL DEFAULT '',
    buyer_decision  TEXT NOT NULL DEFAULT '' CHECK (buyer_decision IN ('', 'accepted', 'declined')),
    buyer_decided_at TIMESTAMP,
    introduced_at   TIMESTAMP,
    followup_at     TIMESTAMP,
    UNIQUE (need_id, organisation_id)
);
CREATE INDEX need_candidates_org ON need_candidates (organisation_id, state);
CREATE INDEX need_candidates_due ON need_candidates (state, respond_by);
CREATE INDEX need_candidates_followup ON need_candidates (followup_at) WHERE introduced_at IS NOT NULL;

-- What each side of an introduction reports afterwards.
CREATE TABLE need_outcomes (
    candidate_id INTEGER NOT NULL REFERENCES need_candidates (id) ON DELETE CASCADE,
    side         TEXT NOT NULL CHECK (side IN ('buyer', 'provider')),
    outcome      TEXT NOT NULL CHECK (outcome IN ('no_contact', 'quote_sent', 'order_won')),
    amount       BIGINT,
    note         TEXT NOT NULL DEFAULT '',
    reported_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (candidate_id, side)
);

-- The need's timeline: every step, timestamped, as the staff and the
-- statistics read it (the audit log keeps the before/after of each).
CREATE TABLE need_events (
    id              INTEGER PRIMARY KEY,
    need_id         INTEGER NOT NULL REFERENCES needs (id) ON DELETE CASCADE,
    at              TIMESTAMP NOT NULL,
    kind            TEXT NOT NULL,
    organisation_id INTEGER,
    actor           TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX need_events_need ON need_events (need_id, at);

-- The desk's settings (one row per key), and the secret its e-mailed
-- links are signed with.
CREATE TABLE matchmaking_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- In-app notifications: what a user should look at, with a link.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message    TEXT NOT NULL,
    args       TEXT NOT NULL DEFAULT '[]',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);
