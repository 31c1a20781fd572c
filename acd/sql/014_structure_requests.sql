-- Issue 9 §1: a structure's application (structure_requests, made in 010).
-- token_hash: SHA-256 of the secret of the one link the applicant holds now
-- (the email's confirmation while draft, the edit link while
-- changes_required; NULL once used), valid until token_expires_at.
-- referent_id: the référent's account once accepted, whose first card
-- activated closes the request.  Portable SQL (SQLite and PostgreSQL).
ALTER TABLE structure_requests ADD COLUMN token_hash BYTEA;
ALTER TABLE structure_requests ADD COLUMN token_expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE structure_requests ADD COLUMN submitted_at BIGINT;
ALTER TABLE structure_requests ADD COLUMN referent_id BIGINT REFERENCES accounts(id);
CREATE UNIQUE INDEX structure_requests_token ON structure_requests(token_hash);
CREATE INDEX structure_requests_referent ON structure_requests(referent_id, status);
-- what the purge of unconfirmed applications reads
CREATE INDEX structure_requests_created ON structure_requests(status, created_at);
