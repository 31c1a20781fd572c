-- Issue 9 §3: training sessions (formations) and the habilitation requests
-- registered in them.  The local time in Paris as given
-- (YYYY-MM-DDTHH:MM, start_local), starts_at: that instant in seconds since the epoch
-- (what "past" and "open" compare).  registered counts the rows of
-- training_registrations, so that a seat is taken by one conditional UPDATE
-- (registered < capacity) whose row lock orders concurrent registrations on
-- both engines.  attended: the request's trained_on was set from this session.
-- Portable SQL (SQLite and PostgreSQL).
CREATE TABLE trainings (
    id            BIGINT PRIMARY KEY,
    start_local   TEXT NOT NULL,
    starts_at     BIGINT NOT NULL,
    hours         INTEGER NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    remote        INTEGER NOT NULL DEFAULT 0,
    capacity      INTEGER NOT NULL,
    registered    INTEGER NOT NULL DEFAULT 0,
    kind          TEXT NOT NULL DEFAULT 'classic',
    organisation  TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    CHECK (registered >= 0 AND registered <= capacity)
);
CREATE INDEX trainings_start ON trainings(starts_at);
CREATE TABLE training_registrations (
    training_id   BIGINT NOT NULL REFERENCES trainings(id),
    request_id    BIGINT NOT NULL REFERENCES habilitation_requests(id),
    attended      INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (training_id, request_id)
);
CREATE INDEX training_registrations_request ON training_registrations(request_id);
