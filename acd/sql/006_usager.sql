-- The usager's space: an usager identified by FranceConnect sees and ends
-- their own mandates.  Times are Unix seconds.

-- A session of the space.  token_hash: SHA-256 of the cookie's 256-bit
-- token (the token itself is never kept); 30 minutes, not extended.
CREATE TABLE usager_sessions (
    token_hash  BYTEA PRIMARY KEY,
    usager_id   BIGINT NOT NULL REFERENCES usagers(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX usager_sessions_expiry ON usager_sessions(expires_at);

-- A FranceConnect round trip in flight for the space (the signature's are
-- on mandate_drafts).  state_hash, nonce_hash: SHA-256 of the state and
-- nonce sent; browser_hash: of the cookie of the browser that started it.
-- Single use: the callback deletes the row; 10 minutes.
CREATE TABLE usager_logins (
    id            BIGINT PRIMARY KEY,
    state_hash    BYTEA NOT NULL UNIQUE,
    nonce_hash    BYTEA NOT NULL,
    browser_hash  BYTEA NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX usager_logins_expiry ON usager_logins(expires_at);
