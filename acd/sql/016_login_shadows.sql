-- The failed-login counters of emails that have no account (shadow.c), kept
-- in the database rather than in one acd's memory: every acd of a database
-- counts the same attempts, so a guesser gains nothing by alternating
-- servers, and a restart forgets nothing.  A fixed number of slots (an
-- email's hash picks one): a flood of made-up emails cannot grow the table.
CREATE TABLE login_shadows (
    slot        INTEGER PRIMARY KEY,
    failures    INTEGER NOT NULL,
    next_try    BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
