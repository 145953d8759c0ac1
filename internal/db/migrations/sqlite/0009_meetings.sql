-- One-to-one business meetings at an event: the programme's setup and
-- slots, the registrants who opted in with their profile and availability,
-- the requests between them, the scheduler's runs and the meetings placed.
--
-- Every table hangs off meeting_setups, which hangs off events: deleting
-- an event deletes its programme.

-- tables: tables per slot; request_deadline: NULL for "until the event
-- starts"; allow_moving: meetings already sent may move when the schedule
-- runs again; max_meetings: a person's default maximum, 0 for none.
CREATE TABLE meeting_setups (
    event_id         INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    enabled          INTEGER NOT NULL DEFAULT 0,
    tables           INTEGER NOT NULL DEFAULT 0 CHECK (tables >= 0),
    request_deadline TIMESTAMP,
    allow_moving     INTEGER NOT NULL DEFAULT 0,
    max_meetings     INTEGER NOT NULL DEFAULT 0 CHECK (max_meetings >= 0),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);

CREATE TABLE meeting_slots (
    id        INTEGER PRIMARY KEY,
    event_id  INTEGER NOT NULL REFERENCES meeting_setups (event_id) ON DELETE CASCADE,
    starts_at TIMESTAMP NOT NULL,
    minutes   INTEGER NOT NULL CHECK (minutes > 0),
    UNIQUE (event_id, starts_at)
);

-- A confirmed registration that opted in. The name, organisation, e-mail
-- and language are the registration's; search is the folded name,
-- organisation, offer and wish the participants browse. all_slots: the
-- person is available in every slot, else in meeting_availability's.
CREATE TABLE meeting_attendees (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES meeting_setups (event_id) ON DELETE CASCADE,
    registration_id INTEGER NOT NULL UNIQUE REFERENCES event_registrations (id) ON DELETE CASCADE,
    offer           TEXT NOT NULL DEFAULT '',
    seeking         TEXT NOT NULL DEFAULT '',
    profile_lang    TEXT NOT NULL DEFAULT 'fr' CHECK (profile_lang IN ('fr', 'en')),
    max_meetings    INTEGER NOT NULL DEFAULT 0 CHECK (max_meetings >= 0),
    all_slots       INTEGER NOT NULL DEFAULT 1,
    search          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    withdrawn_at    TIMESTAMP
);
CREATE INDEX meeting_attendees_event ON meeting_attendees (event_id, status);

CREATE TABLE meeting_availability (
    attendee_id INTEGER NOT NULL REFERENCES meeting_attendees (id) ON DELETE CASCADE,
    slot_id     INTEGER NOT NULL REFERENCES meeting_slots (id) ON DELETE CASCADE,
    PRIMARY KEY (attendee_id, slot_id)
);
CREATE INDEX meeting_availability_slot ON meeting_availability (slot_id);

-- A request from one attendee to another; low_id and high_id name the
-- pair whatever its direction, so that a pair has one live request.
-- weight is the priority staff give it (1 to 5).
CREATE TABLE meeting_requests (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES meeting_setups (event_id) ON DELETE CASCADE,
    from_id      INTEGER NOT NULL REFERENCES meeting_attendees (id) ON DELETE CASCADE,
    to_id        INTEGER NOT NULL REFERENCES meeting_attendees (id) ON DELETE CASCADE,
    low_id       INTEGER NOT NULL,
    high_id      INTEGER NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    weight       INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 5),
    source       TEXT NOT NULL DEFAULT 'self' CHECK (source IN ('self', 'staff')),
    created_at   TIMESTAMP NOT NULL,
    answered_at  TIMESTAMP,
    cancelled_at TIMESTAMP,
    CHECK (from_id <> to_id),
    CHECK (low_id < high_id)
);
CREATE UNIQUE INDEX meeting_requests_pair ON meeting_requests (low_id, high_id) WHERE status <> 'cancelled';
CREATE INDEX meeting_requests_event ON meeting_requests (event_id, status);
CREATE INDEX meeting_requests_from ON meeting_requests (from_id);
CREATE INDEX meeting_requests_to ON meeting_requests (to_id);

-- One run of the scheduler: requests is how many accepted requests it
-- had, scheduled how many it placed; the weights are their priorities'
-- sums and upper_bound the most any schedule could weigh. kept, moved and
-- dropped count the meetings already sent.
CREATE TABLE meeting_runs (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES meeting_setups (event_id) ON DELETE CASCADE,
    ran_at           TIMESTAMP NOT NULL,
    ran_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    requests         INTEGER NOT NULL,
    requested_weight INTEGER NOT NULL,
    scheduled        INTEGER NOT NULL,
    weight           INTEGER NOT NULL,
    upper_bound      INTEGER NOT NULL,
    kept             INTEGER NOT NULL DEFAULT 0,
    moved            INTEGER NOT NULL DEFAULT 0,
    dropped          INTEGER NOT NULL DEFAULT 0,
    millis           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX meeting_runs_event ON meeting_runs (event_id, ran_at);

-- The requests a run left out, with the scheduler's reason (attendee_id
-- and limit_n for max_reached, slots_n for no_free_slot).
CREATE TABLE meeting_run_unscheduled (
    run_id      INTEGER NOT NULL REFERENCES meeting_runs (id) ON DELETE CASCADE,
    request_id  INTEGER NOT NULL REFERENCES meeting_requests (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('no_common_slot', 'max_reached', 'tables_full', 'no_free_slot')),
    attendee_id INTEGER,
    limit_n     INTEGER NOT NULL DEFAULT 0,
    slots_n     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, request_id)
);

-- A meeting: an accepted request placed in a slot, at a table (0 at a
-- stand). status is the current plan's (planned or cancelled); the sent_
-- columns are what the two people were told: nothing yet (''), sent, or
-- cancelled. The plan and what was sent differ until staff publish.
-- outcome is marked on the day: held, a no-show (a: the requester, b: the
-- one asked) or cancelled.
CREATE TABLE meeting_appointments (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES meeting_setups (event_id) ON DELETE CASCADE,
    request_id   INTEGER NOT NULL UNIQUE REFERENCES meeting_requests (id) ON DELETE CASCADE,
    slot_id      INTEGER NOT NULL REFERENCES meeting_slots (id) ON DELETE CASCADE,
    table_no     INTEGER NOT NULL DEFAULT 0 CHECK (table_no >= 0),
    status       TEXT NOT NULL CHECK (status IN ('planned', 'cancelled')),
    sent_status  TEXT NOT NULL DEFAULT '' CHECK (sent_status IN ('', 'sent', 'cancelled')),
    sent_slot_id INTEGER REFERENCES meeting_slots (id) ON DELETE SET NULL,
    sent_table   INTEGER NOT NULL DEFAULT 0,
    sequence     INTEGER NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'held', 'no_show_a', 'no_show_b', 'no_show_both', 'cancelled')),
    run_id       INTEGER REFERENCES meeting_runs (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP,
    cancelled_at TIMESTAMP,
    outcome_at   TIMESTAMP
);
CREATE INDEX meeting_appointments_event ON meeting_appointments (event_id, status);
CREATE INDEX meeting_appointments_slot ON meeting_appointments (slot_id);
CREATE INDEX meeting_appointments_sent_slot ON meeting_appointments (sent_slot_id);

-- The secret the participants' agenda links are signed with.
CREATE TABLE meeting_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
