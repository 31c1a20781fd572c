-- Issue 10 §1: API tokens for cron jobs and pipelines.  A token is shown
-- once; only its SHA-256 is kept.  scopes: a bit mask over libac's
-- ac_scopes[] (catalogue order, never reordered).  structure_id: the one
-- structure the token is narrowed to, NULL for all its creator's.  Times are
-- Unix seconds; revoked_at NULL while it lives.
CREATE TABLE api_tokens (
    id            BIGINT PRIMARY KEY,
    name          TEXT NOT NULL,
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    scopes        BIGINT NOT NULL,
    structure_id  BIGINT REFERENCES structures(id),
    token_hash    BYTEA NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);
