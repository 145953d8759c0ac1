-- Events: the cluster's agenda (committees, webinars, congresses…) with
-- their programme, exhibitors, sponsors and recordings, and the
-- registrations with their waiting list, invoicing status and check-in.

CREATE TABLE events (
    id                  INTEGER PRIMARY KEY,
    type                TEXT NOT NULL CHECK (type IN ('committee', 'working_group', 'scientific', 'network_pitch', 'webinar',
                            'congress', 'hackathon', 'site_visit', 'bootcamp', 'new_members', 'general_assembly')),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    audience            TEXT NOT NULL CHECK (audience IN ('public', 'members', 'invitation')),
    title_fr            TEXT NOT NULL,
    title_en            TEXT NOT NULL DEFAULT '',
    description_fr      TEXT NOT NULL DEFAULT '',
    description_en      TEXT NOT NULL DEFAULT '',
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    venue               TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    online_url          TEXT NOT NULL DEFAULT '',
    capacity            INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    price_member        BIGINT NOT NULL DEFAULT 0 CHECK (price_member >= 0),
    price_non_member    BIGINT NOT NULL DEFAULT 0 CHECK (price_non_member >= 0),
    registration_opens  TIMESTAMP,
    registration_closes TIMESTAMP,
    sequence            INTEGER NOT NULL DEFAULT 0,
    created_by          INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    published_at        TIMESTAMP,
    cancelled_at        TIMESTAMP,
    cancel_reason       TEXT NOT NULL DEFAULT '',
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_starts ON events (starts_at);
CREATE INDEX events_status ON events (status, audience, starts_at);

CREATE TABLE event_sectors (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    sector   TEXT NOT NULL,
    PRIMARY KEY (event_id, sector)
);
CREATE INDEX event_sectors_sector ON event_sectors (sector);

-- The agenda: sessions and their speakers.
CREATE TABLE event_sessions (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    room       TEXT NOT NULL DEFAULT '',
    CHECK (ends_at > starts_at)
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);

CREATE TABLE event_speakers (
    session_id   INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, position)
);

CREATE TABLE event_exhibitors (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    stand           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, organisation_id)
);
CREATE INDEX event_exhibitors_org ON event_exhibitors (organisation_id);

CREATE TABLE event_sponsors (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    level           TEXT NOT NULL CHECK (level IN ('platinum', 'gold', 'silver', 'bronze', 'partner')),
    stand           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, organisation_id)
);
CREATE INDEX event_sponsors_org ON event_sponsors (organisation_id);

CREATE TABLE event_recordings (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX event_recordings_event ON event_recordings (event_id);

-- status: pending (e-mail not confirmed yet, holds no place), confirmed
-- (has a place), waiting (on the waiting list, in registered_at order),
-- cancelled. registered_at is when the registration took effect (at once
-- for an account, on e-mail confirmation otherwise). search is the folded
-- name, organisation and e-mail the check-in desk searches.
CREATE TABLE event_registrations (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL,
    organisation    TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT 'fr',
    status          TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waiting', 'cancelled')),
    category        TEXT NOT NULL DEFAULT 'participant' CHECK (category IN ('participant', 'speaker', 'exhibitor', 'staff')),
    source          TEXT NOT NULL DEFAULT 'self' CHECK (source IN ('self', 'staff')),
    member          INTEGER NOT NULL DEFAULT 0,
    price           BIGINT NOT NULL DEFAULT 0,
    invoice_status  TEXT NOT NULL DEFAULT '' CHECK (invoice_status IN ('', 'to_invoice', 'invoiced', 'paid', 'waived')),
    over_capacity   INTEGER NOT NULL DEFAULT 0,
    search          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    registered_at   TIMESTAMP,
    confirmed_at    TIMESTAMP,
    cancelled_at    TIMESTAMP,
    cancelled_by    TEXT NOT NULL DEFAULT '' CHECK (cancelled_by IN ('', 'self', 'staff')),
    present_at      TIMESTAMP
);
CREATE UNIQUE INDEX event_registrations_email ON event_registrations (event_id, email) WHERE status <> 'cancelled';
CREATE INDEX event_registrations_event ON event_registrations (event_id, status, registered_at);
CREATE INDEX event_registrations_user ON event_registrations (user_id);
CREATE INDEX event_registrations_org ON event_registrations (organisation_id);

-- The secret the registration links are signed with.
CREATE TABLE events_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
