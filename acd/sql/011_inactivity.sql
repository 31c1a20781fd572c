-- Issue 10 §4: inactive accounts.  last_login_at: the last accepted code of
-- the account (a login, a démarche through the identity provider, a
-- signature), NULL if never.  idle_since: what the inactivity rule counts
-- from, the last login or the account's creation or return, whichever is
-- later.  inactivity_warned_at: when the warning went (a login clears it).
-- inactivity_claimed_at: a run's claim while its mail goes (stale after an
-- hour: the run died).  inactivity_notice: the structures (ids, comma
-- separated) an inactivity departure left, while its notice is still to be
-- mailed.  Times are Unix seconds.
ALTER TABLE accounts ADD COLUMN last_login_at BIGINT;
ALTER TABLE accounts ADD COLUMN idle_since BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN inactivity_warned_at BIGINT;
ALTER TABLE accounts ADD COLUMN inactivity_claimed_at BIGINT;
ALTER TABLE accounts ADD COLUMN inactivity_notice TEXT;
-- the accounts made before: their last session, else their creation
UPDATE accounts SET
    last_login_at = (SELECT MAX(s.created_at) FROM sessions s WHERE s.account_id = accounts.id),
    idle_since = COALESCE((SELECT MAX(s.created_at) FROM sessions s
                           WHERE s.account_id = accounts.id), created_at);
CREATE INDEX accounts_idle ON accounts(idle_since);
