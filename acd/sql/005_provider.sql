-- acd as OpenID Connect provider (docs/PROVIDER.md): the clients an operator
-- registers (FranceConnect, test sites), acd's signing keys, the
-- authorizations in progress in an aidant's browser, the codes and the access
-- tokens.  Secrets, codes and tokens are kept as SHA-256 hashes only.

-- secret_box: for HS256 only, the secret sealed under the key file (it is the
-- ID token's MAC key); the others keep only secret_hash.
CREATE TABLE oidc_clients (
    id            BIGINT PRIMARY KEY,
    client_id     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    redirect_uri  TEXT NOT NULL,
    signing       TEXT NOT NULL,            -- HS256 RS256 ES256
    secret_hash   BYTEA NOT NULL,
    secret_box    BYTEA,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL
);

-- private_box: the private JWK sealed under the key file.  A retired key
-- signs nothing more and leaves the JWKS once its tokens have expired.
CREATE TABLE signing_keys (
    kid          TEXT PRIMARY KEY,
    alg          TEXT NOT NULL,             -- RS256 ES256
    private_box  BYTEA NOT NULL,
    public_jwk   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    retired_at   BIGINT
);

-- An authorization request between /oidc/authorize and the code, in the
-- browser that sent it (browser_hash: SHA-256 of its cookie).  handle_hash:
-- of the pages' hidden "request" field.  rep_scope: the démarches the client
-- allows (comma-separated, catalogue order), NULL for any.
CREATE TABLE oidc_requests (
    id            BIGINT PRIMARY KEY,
    handle_hash   BYTEA NOT NULL UNIQUE,
    browser_hash  BYTEA NOT NULL,
    client_id     BIGINT NOT NULL REFERENCES oidc_clients(id),
    redirect_uri  TEXT NOT NULL,
    state         TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    scope         TEXT NOT NULL,
    rep_scope     TEXT,
    step          TEXT NOT NULL,            -- login structure usager demarche done
    account_id    BIGINT REFERENCES accounts(id),
    structure_id  BIGINT REFERENCES structures(id),
    usager_id     BIGINT REFERENCES usagers(id),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    auth_time     BIGINT
);

-- A code: 60 seconds, once.
CREATE TABLE oidc_codes (
    id            BIGINT PRIMARY KEY,
    code_hash     BYTEA NOT NULL UNIQUE,
    client_id     BIGINT NOT NULL REFERENCES oidc_clients(id),
    redirect_uri  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    scope         TEXT NOT NULL,
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    structure_id  BIGINT NOT NULL REFERENCES structures(id),
    usager_id     BIGINT NOT NULL REFERENCES usagers(id),
    mandate_id    BIGINT NOT NULL REFERENCES mandates(id),
    demarche      TEXT NOT NULL,
    auth_time     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);

-- An access token; a use of the mandate is a row with used_at set (the
-- first userinfo answered with it), journaled as autorisation_use.
CREATE TABLE oidc_tokens (
    id            BIGINT PRIMARY KEY,
    token_hash    BYTEA NOT NULL UNIQUE,
    code_id       BIGINT NOT NULL REFERENCES oidc_codes(id),
    client_id     BIGINT NOT NULL REFERENCES oidc_clients(id),
    account_id    BIGINT NOT NULL REFERENCES accounts(id),
    structure_id  BIGINT NOT NULL REFERENCES structures(id),
    usager_id     BIGINT NOT NULL REFERENCES usagers(id),
    mandate_id    BIGINT NOT NULL REFERENCES mandates(id),
    demarche      TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    used_at       BIGINT
);
CREATE INDEX oidc_tokens_usager ON oidc_tokens(usager_id, used_at);
CREATE INDEX oidc_tokens_code ON oidc_tokens(code_id);
