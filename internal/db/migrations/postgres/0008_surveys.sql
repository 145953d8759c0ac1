-- Surveys: questionnaires sent after events and support actions, and
-- standalone flash surveys; the people invited (each through a signed
-- link), their responses and answers.
--
-- A survey names its subject generically (subject_kind + subject_id, no
-- foreign key): the events and support tables belong to other domains.
-- Likewise a question's session_id is an event session's id, kept as a
-- plain integer.

CREATE TABLE surveys (
    id           BIGSERIAL PRIMARY KEY,
    title_fr     TEXT NOT NULL,
    title_en     TEXT NOT NULL DEFAULT '',
    intro_fr     TEXT NOT NULL DEFAULT '',
    intro_en     TEXT NOT NULL DEFAULT '',
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('event', 'support_action', 'flash')),
    subject_id   BIGINT,
    anonymous    INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    closes_at    TIMESTAMPTZ,
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    opened_at    TIMESTAMPTZ,
    closed_at    TIMESTAMPTZ
);
CREATE INDEX surveys_subject ON surveys (subject_kind, subject_id);
CREATE INDEX surveys_status ON surveys (status, closes_at);

-- kind: scale5 (1-5), scale10 (1-10), nps (0-10 recommendation), single
-- and multiple (choices below), text.
CREATE TABLE survey_questions (
    id            BIGSERIAL PRIMARY KEY,
    survey_id     BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('scale5', 'scale10', 'nps', 'single', 'multiple', 'text')),
    label_fr      TEXT NOT NULL,
    label_en      TEXT NOT NULL DEFAULT '',
    required      INTEGER NOT NULL DEFAULT 0,
    session_id    BIGINT,
    session_label TEXT NOT NULL DEFAULT '',
    UNIQUE (survey_id, position)
);

CREATE TABLE survey_choices (
    question_id BIGINT NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT NOT NULL,
    label_fr    TEXT NOT NULL,
    label_en    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (question_id, code)
);

-- One row per person invited; responded_at says they answered (for an
-- anonymous survey, nothing else links them to their response).
CREATE TABLE survey_invitations (
    id              BIGSERIAL PRIMARY KEY,
    survey_id       BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT 'fr',
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    user_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    invited_at      TIMESTAMPTZ NOT NULL,
    mailed_at       TIMESTAMPTZ,
    reminded_at     TIMESTAMPTZ,
    reminders       INTEGER NOT NULL DEFAULT 0,
    responded_at    TIMESTAMPTZ,
    UNIQUE (survey_id, email)
);
CREATE INDEX survey_invitations_pending ON survey_invitations (survey_id, responded_at);

-- One row per response. The id is random, so that the order of the rows
-- says nothing of who answered when. invitation_id is NULL for an
-- anonymous survey, whose submitted_at keeps the day only; sectors (one
-- code per line) and kind are the respondent's organisation's at answer
-- time, for breakdowns, never the person.
CREATE TABLE survey_responses (
    id            BIGINT PRIMARY KEY,
    survey_id     BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    invitation_id BIGINT UNIQUE REFERENCES survey_invitations (id) ON DELETE SET NULL,
    sectors       TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    submitted_at  TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);

-- One row per answer: value for the scales, choice for single choice (one
-- row) and multiple choice (a row per choice), text for text questions.
CREATE TABLE survey_answers (
    response_id BIGINT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice      TEXT NOT NULL DEFAULT '',
    value       INTEGER,
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question_id, choice)
);
CREATE INDEX survey_answers_question ON survey_answers (question_id);

-- The surveys' settings (one row per key): the secret the invitation
-- links are signed with.
CREATE TABLE survey_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
