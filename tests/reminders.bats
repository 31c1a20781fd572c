#!/usr/bin/env bats
# ac-reminders-send, the daily cron job (issue 10 §3), with time passing the
# way it does for users: acd run 340 then 360 days later under libfaketime.
# One mandate signed for real (Angela, Lyon), the others fixture rows made
# today; the mails read from the SMTP sink.

load helpers
load mandate_helpers

setup() { mandate_setup; }
teardown() { mandate_teardown; }

# Mandates made today beside Angela's (1): Pierre's with Brest (2), a month's
# (3, over by then), one revoked (4), one renewed (5) by another (6), a
# semester's (7, over by then).
fixtures() {
	db_write <<'SQL'
BEGIN;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  VALUES (2, randomblob(32), 'Pierre', 'MERCIER', '1969-03-17', strftime('%s'), strftime('%s')),
         (3, randomblob(32), 'Fatima', 'EL AMRANI', '1990-01-02', strftime('%s'), strftime('%s'));
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash, renewal_of, revoked_at)
  SELECT v.id, v.s, v.u, (SELECT id FROM accounts WHERE email = v.who), v.d, v.dur,
         strftime('%s'), strftime('%s') + v.days * 86400, 'mandat-2', lower(hex(randomblob(32))),
         v.renewal_of, v.revoked
  FROM (SELECT 2 AS id, 2 AS s, 2 AS u, 'aidant@brest.fr' AS who, 'social' AS d, 'long' AS dur,
               365 AS days, CAST(NULL AS BIGINT) AS renewal_of, CAST(NULL AS BIGINT) AS revoked
        UNION ALL SELECT 3, 1, 3, 'aidant@lyon.fr', 'papiers', 'month', 31, NULL, NULL
        UNION ALL SELECT 4, 1, 3, 'aidant@lyon.fr', 'travail', 'long', 365, NULL, strftime('%s')
        UNION ALL SELECT 5, 1, 2, 'aidant@lyon.fr', 'famille', 'long', 365, NULL, NULL
        UNION ALL SELECT 6, 1, 2, 'aidant@lyon.fr', 'famille', 'long', 366, 5, NULL
        UNION ALL SELECT 7, 1, 3, 'aidant@lyon.fr', 'logement', 'semester', 182, NULL, NULL) v;
INSERT INTO autorisations (id, mandate_id, demarche, revoked_at)
  SELECT 100 + id, id, demarches, revoked_at FROM mandates WHERE id >= 2;
COMMIT;
SQL
}

# acd_later DAYS: acd restarted on the same database DAYS from now, the
# operator logged in there.
acd_later() {
	acd_stop
	export ACD_LATER_DAYS=$1
	acd_serve
	XDG_STATE_HOME="$T/operator" op_login
}

remind() { ac_as operator ac-reminders-send "$@"; }

@test "reminders: once per threshold over three runs, to the active aidants only; a renewal or revocation stops them" {
	sign_mandate papiers,logement long
	fixtures
	ac_as operator ac-aidant-add --structure 1 --email referente@lyon.fr --first-name Rose \
		--last-name Durand --referent --no-aidant > /dev/null
	# nothing is due today
	run remind
	assert_success
	assert_output ""

	acd_later 340
	before=$(state_digest); n=$(journal_count)
	run remind --dry-run
	assert_success
	jq -s -e 'length == 2 and all(.sent == false and .kind == "reminder" and .threshold == 30)' <<<"$output"
	jq -s -e 'map({structure, recipients, mandates}) == [
		{"structure":1,"recipients":["aidant@lyon.fr"],"mandates":[1,6]},
		{"structure":2,"recipients":["aidant@brest.fr"],"mandates":[2]}]' <<<"$output"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(mail_count)" = 0 ]

	run remind
	assert_success
	jq -s -e 'length == 2 and all(.sent) and map(.mandates) == [[1,6],[2]]' <<<"$output"
	[ "$(mail_count)" = 2 ]
	mail_bodies > "$T/mails.txt"
	grep -q "^To: aidant@lyon.fr$" "$T/mails.txt"
	grep -q "^To: aidant@brest.fr$" "$T/mails.txt"
	! grep -q "referente@lyon.fr" "$T/mails.txt"
	grep -q "^Subject: Aidants Connect : mandats à renouveler" "$T/mails.txt"
	grep -q "DUBOIS Angela Claire Louise, né(e) le 24 août 1962 (usager n° 1) : mandat n° 1" "$T/mails.txt"
	grep -q "Papiers – Citoyenneté – Élections ; Logement" "$T/mails.txt"
	grep -q "ac-mandate-renew --usager 1 --demarches papiers,logement --duration long" "$T/mails.txt"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'reminder_sent'")" = 2 ]
	sql "SELECT details FROM journal WHERE action = 'reminder_sent' AND structure_id = 1" |
		jq -e '. == {"mandates":[1,6],"recipients":1,"threshold":30}'

	# the same day again, and a wider window: nothing twice
	run remind
	assert_success
	assert_output ""
	run remind --within 60
	assert_output ""
	[ "$(mail_count)" = 2 ]

	# Pierre's mandate is revoked before the last reminder
	XDG_STATE_HOME="$T/aidant" ac-login --email aidant@lyon.fr --code "$(aidant_code 0)" > /dev/null
	ac-mandate-revoke 6 > /dev/null
	acd_later 360
	run remind
	assert_success
	jq -s -e 'map({structure, mandates, threshold, sent}) == [
		{"structure":1,"mandates":[1],"threshold":7,"sent":true},
		{"structure":2,"mandates":[2],"threshold":7,"sent":true}]' <<<"$output"
	mail_bodies | grep -q "^Subject: Aidants Connect : dernier rappel, mandats à renouveler"
	run remind
	assert_output ""
	[ "$(mail_count)" = 4 ]
	ac_as operator ac-audit > "$T/journal.ndjson"
	ac-audit --verify < "$T/journal.ndjson" > /dev/null
}

@test "a failed delivery: exit 75, nothing marked, and the next run sends each once" {
	sign_mandate papiers long
	acd_later 340
	smtp_stop
	run remind
	[ "$status" -eq 75 ]
	jq -e '.sent == false and .error == "mail_failed" and .mandates == [1]' <<<"${lines[0]}"
	assert_output --partial "could not be sent: due again at the next run"
	[ "$(sql "SELECT COUNT(*) FROM reminders")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'reminder_sent'")" = 0 ]
	# the mail server back (on a new port): acd told, the reminder goes once
	smtp_start
	acd_stop
	acd_serve
	run remind
	assert_success
	jq -e '.sent and .mandates == [1]' <<<"$output"
	run remind
	assert_output ""
	[ "$(mail_count)" = 1 ]
}

@test "the attestation a remote signature could not mail is sent by the next run, once" {
	open_draft papiers long --send-link angela@example.fr
	for _ in $(seq 100); do [ "$(mail_count)" -ge 1 ] && break; sleep 0.05; done
	smtp_stop
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" > "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	jq -e '.attestation_sent == false' "$T/mandate.json"
	run remind
	[ "$status" -eq 75 ]
	jq -e '.kind == "attestation" and .sent == false and .error == "mail_failed"' <<<"${lines[0]}"
	smtp_start
	acd_stop
	acd_serve
	run remind
	assert_success
	jq -e '.kind == "attestation" and .sent and .mandates == [1]
		and .recipients == ["angela@example.fr"] and .threshold == null' <<<"$output"
	run mail_attachments "$T/att"
	assert_output "angela@example.fr mandat-1.pdf application/pdf"
	run ac-mandate-show 1
	jq -e '.attestation_sent' <<<"$output"
	run remind
	assert_output ""
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'attestation_sent'")" = 1 ]
}

@test "ac-reminders-send refused to an aidant, and its bad input, with nothing sent" {
	sign_mandate papiers long
	acd_later 340
	XDG_STATE_HOME="$T/aidant" ac-login --email aidant@lyon.fr --code "$(aidant_code 0)" > /dev/null
	before=$(state_digest)
	run ac-reminders-send
	[ "$status" -eq 77 ]
	assert_output --partial "only operators send the renewal reminders"
	run remind --within 3
	[ "$status" -eq 64 ]
	run remind --within abc
	[ "$status" -eq 64 ]
	token=$(cat "$T/operator/ac/session")
	post() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-X POST --data "$1" "$AC_URL/v1/reminders/send"; }
	post '{"within":400}' | jq -e '.error.code == "bad_within"'
	post '{"within":"30"}' | jq -e '.error.code == "wrong_type"'
	post '{"dry":true}' | jq -e '.error.code == "unknown_field"'
	post '{"within":' | jq -e '.error.code == "bad_json"'
	[ "$(state_digest)" = "$before" ]
	[ "$(mail_count)" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM reminders")" = 0 ]
}
