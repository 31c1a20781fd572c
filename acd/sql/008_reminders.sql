-- Issue 10 §3: renewal reminders.  One row per mandate and reminder kind
-- ('first': within the run's window, 30 days by default; 'last': 7 days),
-- claimed before the mail goes (claimed_at) and marked once it went
-- (sent_at).  A claim without sent_at older than an hour is a run that died
-- mid-way: due again.  A failed mail deletes its claim.  Times are Unix
-- seconds.
CREATE TABLE reminders (
    mandate_id   BIGINT NOT NULL REFERENCES mandates(id),
    kind         TEXT NOT NULL,
    claimed_at   BIGINT NOT NULL,
    sent_at      BIGINT,
    PRIMARY KEY (mandate_id, kind)
);
-- the mandates a reminder run looks at: by their end
CREATE INDEX mandates_expiry ON mandates(expires_at);

CREATE INDEX mandates_renewal ON mandates(renewal_of);
