-- The foundation: structures, accounts and their memberships, OTP cards,
-- sessions and the hash-chained journal.  Portable SQL (SQLite and PostgreSQL):
-- ids are MAX(id)+1 inside the writing transaction, times are Unix seconds.

CREATE TABLE structures (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    siret       TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    address     TEXT NOT NULL,
    zipcode     TEXT NOT NULL,
    city        TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL
);

CREATE TABLE accounts (
    id           BIGINT PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    profession   TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    is_operator  INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1,
    failures     INTEGER NOT NULL DEFAULT 0,  -- consecutive failed logins
    next_try_at  BIGINT NOT NULL DEFAULT 0,   -- throttle: no attempt before this
    locked       INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);

CREATE TABLE memberships (
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    structure_id  BIGINT NOT NULL REFERENCES structures(id),
    is_aidant     INTEGER NOT NULL,
    is_referent   INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (account_id, structure_id)
);
CREATE INDEX memberships_structure ON memberships(structure_id);

-- seed_box is the secretbox of the seed (nonce || ciphertext); seed_mac a keyed
-- BLAKE2b of the seed, so a re-import can be compared without decrypting.
CREATE TABLE cards (
    id            BIGINT PRIMARY KEY,
    serial        TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,           -- physical | app
    state         TEXT NOT NULL,           -- stock linked active lost broken retired
    seed_box      BYTEA NOT NULL,
    seed_mac      BYTEA NOT NULL,
    digits        INTEGER NOT NULL,
    step          INTEGER NOT NULL,
    algorithm     TEXT NOT NULL,
    drift         INTEGER NOT NULL DEFAULT 0,   -- learned offset, in steps
    last_step     BIGINT NOT NULL DEFAULT -1,   -- last accepted time step (replay)
    resync_step   BIGINT,                       -- first code of a pending resync
    account_id    BIGINT REFERENCES accounts(id),
    structure_id  BIGINT REFERENCES structures(id),
    created_at    BIGINT NOT NULL,
    linked_at     BIGINT
);
-- One physical card per aidant and one app, each linked to one aidant at most.
CREATE UNIQUE INDEX cards_one_per_kind ON cards(account_id, kind)
    WHERE state IN ('linked', 'active');
CREATE INDEX cards_state ON cards(state);
CREATE INDEX cards_structure ON cards(structure_id);

CREATE TABLE sessions (
    token_hash  BYTEA PRIMARY KEY,   -- SHA-256 of the token; the token is never stored
    account_id  BIGINT NOT NULL REFERENCES accounts(id),
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Append-only: digest = BLAKE2b-256(canonical JSON of the entry),
-- chain = BLAKE2b-256(previous chain || digest).
CREATE TABLE journal (
    seq           BIGINT PRIMARY KEY,
    time          TEXT NOT NULL,
    action        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    structure_id  BIGINT,
    subject       TEXT NOT NULL,
    details       TEXT NOT NULL,
    digest        BYTEA NOT NULL,
    chain         BYTEA NOT NULL
);
CREATE INDEX journal_time ON journal(time);
CREATE INDEX journal_structure ON journal(structure_id, seq);
