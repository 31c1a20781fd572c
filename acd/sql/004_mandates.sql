-- Mandates: the usagers FranceConnect identified, the drafts an aidant opens
-- for a signature, the mandates with one autorisation per démarche, and the
-- revocations with their own attestations.  Times are Unix seconds.

-- The families a structure offers (comma-separated codes, catalogue order).
ALTER TABLE structures ADD COLUMN demarches TEXT NOT NULL
    DEFAULT 'papiers,famille,social,travail,logement,transports,argent,justice,etranger,loisirs';

-- sub_hash: keyed BLAKE2b of FranceConnect's sub; the sub itself is never kept.
CREATE TABLE usagers (
    id                  BIGINT PRIMARY KEY,
    sub_hash            BYTEA NOT NULL UNIQUE,
    given_name          TEXT NOT NULL,
    family_name         TEXT NOT NULL,
    birthdate           TEXT NOT NULL,
    birthplace          TEXT NOT NULL DEFAULT '',
    birthcountry        TEXT NOT NULL DEFAULT '',
    gender              TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    preferred_username  TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- A signature in progress.  token_hash: SHA-256 of the link's token;
-- fc_state_hash, nonce_hash: of the FranceConnect round trip in flight;
-- browser_hash: of the cookie of the browser that started it.
CREATE TABLE mandate_drafts (
    id              BIGINT PRIMARY KEY,
    token_hash      BYTEA NOT NULL UNIQUE,
    account_id      BIGINT NOT NULL REFERENCES accounts(id),
    structure_id    BIGINT NOT NULL REFERENCES structures(id),
    demarches       TEXT NOT NULL,
    duration        TEXT NOT NULL,
    state           TEXT NOT NULL,            -- pending identified used
    fc_state_hash   BYTEA UNIQUE,
    nonce_hash      BYTEA,
    browser_hash    BYTEA,
    usager_id       BIGINT REFERENCES usagers(id),
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    identified_at   BIGINT
);

CREATE TABLE mandates (
    id                BIGINT PRIMARY KEY,
    structure_id      BIGINT NOT NULL REFERENCES structures(id),
    usager_id         BIGINT NOT NULL REFERENCES usagers(id),
    account_id        BIGINT NOT NULL REFERENCES accounts(id),  -- the aidant who signed
    demarches         TEXT NOT NULL,
    duration          TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    revoked_at        BIGINT,            -- when its last autorisation was revoked
    template          TEXT NOT NULL,
    attestation_hash  TEXT NOT NULL UNIQUE,
    renewal_of        BIGINT REFERENCES mandates(id)
);
CREATE INDEX mandates_structure ON mandates(structure_id, id);
CREATE INDEX mandates_usager ON mandates(usager_id);

CREATE TABLE revocations (
    id                BIGINT PRIMARY KEY,
    mandate_id        BIGINT NOT NULL REFERENCES mandates(id),
    demarches         TEXT NOT NULL,
    whole             INTEGER NOT NULL,
    revoked_at        BIGINT NOT NULL,
    account_id        BIGINT REFERENCES accounts(id),
    template          TEXT NOT NULL,
    attestation_hash  TEXT NOT NULL UNIQUE
);
CREATE INDEX revocations_mandate ON revocations(mandate_id);

-- revocation_id is NULL when a later mandate replaced the autorisation.
CREATE TABLE autorisations (
    id             BIGINT PRIMARY KEY,
    mandate_id     BIGINT NOT NULL REFERENCES mandates(id),
    demarche       TEXT NOT NULL,
    revoked_at     BIGINT,
    revocation_id  BIGINT REFERENCES revocations(id),
    UNIQUE (mandate_id, demarche)
);
