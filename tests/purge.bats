#!/usr/bin/env bats
# acd purge, the retention cron job (issue 10 §5), run beside a live acd with
# its clock years later (libfaketime): what goes, what stays, a journal whose
# exports before and after both verify, and no purged name left anywhere in
# the database file or its write-ahead log.

load helpers
load mandate_helpers

teardown() { mandate_teardown; }

purge() { acd_purge "${PURGE_DAYS:-0}" "$@"; }

# The raw bytes acd keeps: the database file and its write-ahead log.  On
# PostgreSQL, the rows a dump holds: freed rows' bytes stay in its pages
# until reused (acd(8), POSTGRESQL), which only the server can wipe.
on_disk() {
	if [ "$AC_DB" = pg ]; then
		db_dump | grep -a -c "$1" || true
	else
		cat "$T/ac.db" "$T/ac.db-wal" 2>/dev/null | grep -a -c "$1" || true
	fi
}

# Beside Angela's mandate (1, signed for real, then revoked): Pierre's (2),
# ending in 3000 days, and Fatima, an usager with no mandate left.
fixtures() {
	db_write <<'SQL'
BEGIN;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  VALUES (2, randomblob(32), 'Pierre', 'MERCIER', '1969-03-17', strftime('%s'), strftime('%s')),
         (3, randomblob(32), 'Fatima', 'ELAMRANI', '1990-01-02', strftime('%s'), strftime('%s'));
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash)
  VALUES (2, 1, 2, (SELECT id FROM accounts WHERE email = 'aidant@lyon.fr'), 'social', 'long',
          strftime('%s'), strftime('%s') + 3000 * 86400, 'mandat-2', lower(hex(randomblob(32))));
INSERT INTO autorisations (id, mandate_id, demarche) VALUES (100, 2, 'social');
COMMIT;
SQL
}

@test "six years after its end a mandate goes with its usager, uses and journal details; both exports verify; no name is left on disk" {
	mandate_setup
	sign_mandate papiers,logement long
	ac-mandate-revoke 1 > /dev/null
	fixtures
	hash=$(jq -r .attestation_hash "$T/mandate.json")
	XDG_STATE_HOME="$T/operator" ac-audit > "$T/before.ndjson"
	ac-audit --verify < "$T/before.ndjson" | jq -e '.ok and .erased == 0'
	grep -q '"usager:1"' "$T/before.ndjson"
	grep -q '"mandate:1"' "$T/before.ndjson"
	# the names are on disk before (so the checks after can see them)
	[ "$(on_disk DUBOIS)" -gt 0 ]
	[ "$(on_disk ELAMRANI)" -gt 0 ]

	# a year on: nothing of the mandates yet, Fatima already
	PURGE_DAYS=365
	run purge --dry-run
	assert_success
	jq -e '.dry_run and .mandates == 0 and .usagers == 1 and .drafts == 1' <<<"$output"

	# seven years on (the mandate ended a year after it began), acd running
	# then too: a dry run changes nothing
	PURGE_DAYS=2600
	acd_stop
	export ACD_LATER_DAYS=$PURGE_DAYS
	acd_serve
	XDG_STATE_HOME="$T/operator" op_login
	before=$(state_digest); n=$(journal_count)
	run purge --dry-run
	assert_success
	jq -e '.dry_run and .mandates == 1 and .usagers == 2 and .autorisations == 2
		and .revocations == 1 and .drafts == 1 and .journal_erased > 5' <<<"$output"
	erased=$(jq .journal_erased <<<"$output")
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]

	run purge
	assert_success
	jq -e --argjson e "$erased" '(.dry_run | not) and .mandates == 1 and .usagers == 2
		and .journal_erased == $e' <<<"$output"
	[ "$(sql "SELECT id FROM mandates")" = 2 ]
	[ "$(sql "SELECT id FROM usagers")" = 2 ]
	[ "$(sql "SELECT COUNT(*) FROM autorisations WHERE mandate_id = 1")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE erased_at IS NOT NULL")" = "$erased" ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'purge'")" = 1 ]
	sql "SELECT actor, details FROM journal WHERE action = 'purge'" | grep -q '^acd|'
	sql "SELECT details FROM journal WHERE action = 'purge'" |
		jq -e '.counts.mandates == 1 and .counts.usagers == 2 and .policy.mandate_years == 6'
	# secure delete: nothing of Angela nor Fatima in the file or the log; Pierre is kept
	[ "$(on_disk DUBOIS)" = 0 ]
	[ "$(on_disk "Claire Louise")" = 0 ]
	[ "$(on_disk ELAMRANI)" = 0 ]
	[ "$(on_disk MERCIER)" -gt 0 ]

	# the live acd: the export verifies and shows what was erased
	XDG_STATE_HOME="$T/operator" ac-audit > "$T/after.ndjson"
	run ac-audit --verify < "$T/after.ndjson"
	assert_success
	jq -e --argjson e "$erased" '.ok and .erased == $e and (.erased_seq | test("^[0-9]"))' <<<"$output"
	! grep -q '"usager:1"\|"mandate:1"\|"usager:3"' "$T/after.ndjson"
	# each erased entry kept its place, time, action, digest and chain
	jq -s -e --slurpfile b "$T/before.ndjson" '
		map(select(.erased_at)) as $gone
		| ($b | map({key: (.seq | tostring), value: .}) | from_entries) as $old
		| ($gone | length) > 0 and all($gone[]; . as $e | $old[$e.seq | tostring] as $o
			| $e.digest == $o.digest and $e.chain == $o.chain and $e.time == $o.time
			and $e.action == $o.action and $e.actor == "erased" and $e.subject == "erased"
			and $e.details == {})' "$T/after.ndjson"
	ac-audit --verify < "$T/before.ndjson" | jq -e '.ok'
	# the attestation is gone with its mandate
	run curl -s -o /dev/null -w '%{http_code}' "$AC_URL/v1/attestations/$hash"
	assert_output 404

	# the next day's run finds nothing and journals nothing
	n=$(journal_count)
	run purge
	assert_success
	jq -e 'del(.dry_run) | all(.[]; . == 0)' <<<"$output"
	[ "$(journal_count)" = "$n" ]
}

@test "expired sessions, tokens and requests and unconfirmed applications go; what still lives stays" {
	export T="$BATS_TEST_TMPDIR"
	acd_start
	op_login
	two_structures
	ac-token-new --name court --scopes stats:read --expires-in 1 > /dev/null
	ac-token-new --name long --scopes stats:read > /dev/null
	db_write <<'SQL'
INSERT INTO structure_requests (id, status, applicant_email, siret, name, zipcode, departement,
    region, application, created_at, updated_at)
  VALUES (1, 'draft', 'jamais@confirme.fr', '12345678901237', 'Jamais', '69001', '69', '84', '{}',
          strftime('%s'), strftime('%s')),
         (2, 'submitted', 'confirme@ccas.fr', '73282932000074', 'Confirmée', '29200', '29', '53',
          '{}', strftime('%s'), strftime('%s'));
SQL
	PURGE_DAYS=6
	run purge
	jq -e '.applications == 0 and .api_tokens == 1 and .sessions == 1' <<<"$output"
	PURGE_DAYS=8
	run purge
	assert_success
	jq -e '.applications == 1 and .api_tokens == 0 and .mandates == 0' <<<"$output"
	[ "$(sql "SELECT id FROM structure_requests")" = 2 ]
	[ "$(sql "SELECT name FROM api_tokens")" = long ]
	[ "$(sql "SELECT COUNT(*) FROM sessions")" = 0 ]
	[ "$(on_disk jamais@confirme.fr)" = 0 ]
	sql "SELECT details FROM journal WHERE action = 'purge' ORDER BY seq" |
		jq -s -e 'map(.counts.applications) == [0, 1]'
}

@test "acd purge: bad usage and a missing database are refused, nothing done" {
	export T="$BATS_TEST_TMPDIR"
	acd_newdb
	acd init "${ACD_DB[@]}" --operator "$OP_EMAIL" > /dev/null
	n=$(journal_count)
	run acd purge
	[ "$status" -eq 64 ]
	assert_output --partial "--db PATH is required"
	run acd purge "${ACD_DB[@]}" --mandate-years 0
	[ "$status" -eq 64 ]
	assert_output --partial "mandate-years: expected a number from 1 to 100"
	run acd purge "${ACD_DB[@]}" --draft-days x
	[ "$status" -eq 64 ]
	run acd purge "${ACD_DB[@]}" --dry-run=yes
	[ "$status" -eq 64 ]
	run acd purge "${ACD_DB[@]}" extra
	[ "$status" -eq 64 ]
	run acd purge --db "$T/nothing.db"
	[ "$status" -eq 78 ]
	assert_output --partial "no such database"
	[ "$(journal_count)" = "$n" ]
	# a first run on a new database: the operator's app has no session to lose
	run acd_purge 0
	assert_success
	jq -e 'del(.dry_run) | all(.[]; . == 0)' <<<"$output"
}
