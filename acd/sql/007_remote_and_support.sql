-- Issue 13: a mandate signed at a distance, the usager's own consent, a
-- structure's end of habilitation.  Times are Unix seconds.

-- remote: the link went by mail, or the usager said on the signing page that
-- no aidant is beside them.  link_email: where the link went ('' when handed
-- over).  usager_consent_at: when the usager ticked, on the signing page,
-- that they accept the mandate and will give accurate information.
ALTER TABLE mandate_drafts ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mandate_drafts ADD COLUMN link_email TEXT NOT NULL DEFAULT '';
ALTER TABLE mandate_drafts ADD COLUMN usager_consent_at BIGINT;
-- A renewal at a distance: the mandate renewed (NULL for a first signature);
-- FranceConnect must identify that mandate's usager.
ALTER TABLE mandate_drafts ADD COLUMN renewal_of BIGINT REFERENCES mandates(id);

-- remote as on its draft; no_credentials_kept: the aidant's declaration for a
-- remote mandate, printed on its attestation; attestation_email: where its
-- PDF is mailed ('' for a mandate signed beside the aidant);
-- attestation_sent: once that mail went out.
ALTER TABLE mandates ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mandates ADD COLUMN no_credentials_kept INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mandates ADD COLUMN attestation_email TEXT NOT NULL DEFAULT '';
ALTER TABLE mandates ADD COLUMN attestation_sent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX mandates_unsent ON mandates(attestation_sent, remote);

-- Why an autorisation ended, when it was not the usager's or the aidant's
-- choice: 'structure_deactivated' ('' otherwise).
ALTER TABLE revocations ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- A structure's end of habilitation.
ALTER TABLE structures ADD COLUMN deactivated_at BIGINT;
ALTER TABLE structures ADD COLUMN deactivation_reason TEXT NOT NULL DEFAULT '';
