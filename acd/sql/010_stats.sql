-- Issue 10 §2: national statistics, and the habilitation pipeline's requests
-- they count (issue 9).  Portable SQL (SQLite and PostgreSQL).

-- A structure's département and région, from its zipcode through libac's
-- catalogue (territory.c): acd fills them at creation, on a new zipcode, and
-- at start for the rows made before this migration (left '').
ALTER TABLE structures ADD COLUMN departement TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE INDEX structures_region ON structures(region, departement);

-- The statistics' ranges: uses by time (covering: the GROUP BY reads the
-- index alone), mandates by creation and revocations by time.
CREATE INDEX oidc_tokens_use ON oidc_tokens(used_at, structure_id, demarche, usager_id);
CREATE INDEX mandates_created ON mandates(created_at);
CREATE INDEX revocations_time ON revocations(revoked_at);
CREATE INDEX autorisations_revoked ON autorisations(revoked_at);

-- A structure's application (demande d'habilitation): draft until its
-- applicant confirms the email, then submitted, changes_required, accepted,
-- refused; closed once its référent has activated a card.  departement and
-- region from its zipcode as for structures; structure_id once accepted.
-- application: the whole JSON as sent (référent, aidants, declarations).
CREATE TABLE structure_requests (
    id               BIGINT PRIMARY KEY,
    status           TEXT NOT NULL,
    applicant_email  TEXT NOT NULL,
    siret            TEXT NOT NULL,
    name             TEXT NOT NULL,
    zipcode          TEXT NOT NULL,
    departement      TEXT NOT NULL,
    region           TEXT NOT NULL,
    application      TEXT NOT NULL,
    message          TEXT NOT NULL DEFAULT '',
    structure_id     BIGINT REFERENCES structures(id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX structure_requests_status ON structure_requests(status, region, departement);

-- One person to train and habilitate for one structure.  Terminal states:
-- validated, refused, cancelled, cancelled_by_referent; at most one request
-- in any other state per (structure, email).
CREATE TABLE habilitation_requests (
    id                    BIGINT PRIMARY KEY,
    structure_id          BIGINT NOT NULL REFERENCES structures(id),
    email                 TEXT NOT NULL,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL,
    profession            TEXT NOT NULL,
    conseiller_numerique  INTEGER NOT NULL DEFAULT 0,
    course                TEXT NOT NULL DEFAULT 'classic',
    trainer_id            BIGINT REFERENCES accounts(id),
    transfer              INTEGER NOT NULL DEFAULT 0,
    status                TEXT NOT NULL,
    message               TEXT NOT NULL DEFAULT '',
    pix_passed            INTEGER,
    pix_score             INTEGER,
    trained_on            TEXT,
    account_id            BIGINT REFERENCES accounts(id),
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE UNIQUE INDEX habilitation_requests_open ON habilitation_requests(structure_id, email)
    WHERE status NOT IN ('validated', 'refused', 'cancelled', 'cancelled_by_referent');
CREATE INDEX habilitation_requests_status ON habilitation_requests(status, structure_id);
