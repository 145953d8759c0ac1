-- Saved searches: a named directory selection (the search's URL query)
-- a user comes back to, prints as a booklet or exports. Staff may share
-- theirs with the other staff.

CREATE TABLE saved_searches (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, name)
);
CREATE INDEX saved_searches_shared ON saved_searches (shared) WHERE shared = 1;
