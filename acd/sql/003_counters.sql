-- Counters of what has no row of its own: failed logins with an unknown email
-- (written like a real failure, so that timing does not tell them apart).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    n     BIGINT NOT NULL
);
INSERT INTO counters (name, n) VALUES ('unknown_email_failures', 0);
