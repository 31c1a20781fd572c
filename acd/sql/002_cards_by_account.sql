-- Logins and departures look cards up by holder; the partial unique index of
-- 001 cannot serve those queries (its WHERE is not implied by theirs).
CREATE INDEX cards_account ON cards(account_id);
