-- Issue 10 §5: retention (acd purge).  A journal entry about a purged
-- usager or mandate keeps its seq, time, action, structure, digest and
-- chain; its actor, subject and details become the marker "erased" and
-- erased_at says when (Unix seconds; NULL: intact).  The export shows it,
-- and ac-audit --verify chains its stored digest.
ALTER TABLE journal ADD COLUMN erased_at BIGINT;
-- the entries about an object, found by the purge (and the --actor and
-- --usager filters of GET /v1/journal) without reading the whole journal
CREATE INDEX journal_subject ON journal(subject);
CREATE INDEX journal_actor ON journal(actor);
-- what the purge looks for
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX mandate_drafts_created ON mandate_drafts(created_at);
CREATE INDEX mandate_drafts_usager ON mandate_drafts(usager_id);
CREATE INDEX oidc_codes_mandate ON oidc_codes(mandate_id);
CREATE INDEX oidc_tokens_mandate ON oidc_tokens(mandate_id);
CREATE INDEX mandates_revoked ON mandates(revoked_at);
