#!/usr/bin/env bats
# ac-aidant-inactive, the daily cron job of idle accounts (issue 10 §4), with
# time passing the way it does for users: acd run 151 then 182 days later
# under libfaketime, the mails read from the SMTP sink.

load helpers
load card_helpers

# Lyon: référent ref-a (no aidant), aidant a1 (card 1).  Brest: référent
# ref-b (no aidant), aidants b1 (card 2) and b2 (card 3).
setup() {
	export T="$BATS_TEST_TMPDIR"
	smtp_start
	acd_start --smtp-url "$SMTP_URL"
	op_login
	two_structures
	ac-aidant-add >/dev/null <<-'EOF'
	{"structure":1,"email":"ref-a@lyon.fr","first_name":"Rita","last_name":"A","referent":true,"aidant":false}
	{"structure":1,"email":"a1@lyon.fr","first_name":"Anne","last_name":"Un"}
	{"structure":2,"email":"ref-b@brest.fr","first_name":"Rob","last_name":"B","referent":true,"aidant":false}
	{"structure":2,"email":"b1@brest.fr","first_name":"Bea","last_name":"Un"}
	{"structure":2,"email":"b2@brest.fr","first_name":"Bob","last_name":"Deux"}
	EOF
	for n in 1 2 3; do jq -nc --arg s "$(serial $n)" --arg k "$(seed $n)" '{serial:$s,seed:$k}'; done |
		ac-card-import >/dev/null
	printf '%s\n' "{\"serial\":\"$(serial 1)\",\"email\":\"a1@lyon.fr\"}" \
		"{\"serial\":\"$(serial 2)\",\"email\":\"b1@brest.fr\"}" \
		"{\"serial\":\"$(serial 3)\",\"email\":\"b2@brest.fr\"}" | ac-card-link >/dev/null
}

teardown() {
	acd_stop
	stop_all
}

# acd_later DAYS: acd restarted on the same database DAYS from now, with the
# SMTP sink of now; the operator logged in there unless still.
acd_later() {
	acd_stop
	export ACD_LATER_DAYS=$1
	acd_serve_ready "${ACD_DB[@]}" --smtp-url "$SMTP_URL"
	ac-whoami >/dev/null 2>&1 || op_login
}

inactive() { ac-aidant-inactive "$@"; }

@test "inactive accounts: warned once at 150 days, a warned aidant who logs in is kept, the others leave 30 days later and they and their référents are told" {
	# nobody is idle today
	run inactive
	assert_success
	assert_output ""

	acd_later 151
	before=$(state_digest); n=$(journal_count)
	run inactive --dry-run
	assert_success
	jq -s -e 'map({email, action, structures, recipients, sent, changed}) == [
		{"email":"a1@lyon.fr","action":"warn","structures":[1],"recipients":["a1@lyon.fr"],"sent":false,"changed":false},
		{"email":"b1@brest.fr","action":"warn","structures":[2],"recipients":["b1@brest.fr"],"sent":false,"changed":false},
		{"email":"b2@brest.fr","action":"warn","structures":[2],"recipients":["b2@brest.fr"],"sent":false,"changed":false}]' <<<"$output"
	jq -s -e 'all(.last_login_at == null)' <<<"$output"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(mail_count)" = 0 ]

	run inactive
	assert_success
	jq -s -e 'map([.email, .action, .sent, .changed]) == [
		["a1@lyon.fr","warn",true,true],["b1@brest.fr","warn",true,true],["b2@brest.fr","warn",true,true]]' <<<"$output"
	[ "$(mail_count)" = 3 ]
	mail_bodies > "$T/mails.txt"
	grep -q "^To: a1@lyon.fr$" "$T/mails.txt"
	grep -q "^Subject: Aidants Connect : votre compte sera désactivé$" "$T/mails.txt"
	grep -q "^Bonjour Anne Un,$" "$T/mails.txt"
	grep -q "depuis l'ouverture de votre compte, le" "$T/mails.txt"
	! grep -q "ref-a@lyon.fr\|ref-b@brest.fr" "$T/mails.txt"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'aidant_warn'")" = 3 ]
	sql "SELECT actor, details FROM journal WHERE action = 'aidant_warn' AND subject = 'a1@lyon.fr'" |
		grep -q "^$OP_EMAIL|"
	# the same day again, and a shorter delay: nothing twice, nobody leaves yet
	run inactive
	assert_success
	assert_output ""
	run inactive --deactivate-after 1
	assert_output ""
	[ "$(mail_count)" = 3 ]

	# b1 logs in: the warning is gone
	login b1@brest.fr 2 >/dev/null
	[ "$(sql "SELECT inactivity_warned_at IS NULL AND last_login_at = idle_since FROM accounts WHERE email = 'b1@brest.fr'")" = 1 ]

	acd_later 182
	run inactive
	assert_success
	jq -s -e 'map({email, action, structures, recipients, sent, changed}) == [
		{"email":"a1@lyon.fr","action":"deactivate","structures":[1],"recipients":["a1@lyon.fr","ref-a@lyon.fr"],"sent":true,"changed":true},
		{"email":"b2@brest.fr","action":"deactivate","structures":[2],"recipients":["b2@brest.fr","ref-b@brest.fr"],"sent":true,"changed":true}]' <<<"$output"
	# a departure like ac-aidant-deactivate: memberships, account, card
	[ "$(sql "SELECT email, a.active, m.active FROM accounts a JOIN memberships m ON m.account_id = a.id
		WHERE email IN ('a1@lyon.fr', 'b1@brest.fr', 'b2@brest.fr') ORDER BY email" | tr '\n' ' ')" = \
		"a1@lyon.fr|0|0 b1@brest.fr|1|1 b2@brest.fr|0|0 " ]
	[ "$(sql "SELECT serial || ':' || state || ':' || COALESCE(CAST(account_id AS TEXT), '-') FROM cards WHERE kind = 'physical' ORDER BY serial" | tr '\n' ' ')" = \
		"$(serial 1):stock:- $(serial 2):active:5 $(serial 3):stock:- " ]
	sql "SELECT details FROM journal WHERE action = 'aidant_deactivate' AND subject = 'a1@lyon.fr'" |
		jq -e '.reason == "inactivity" and .last_login_at == null and (.warned_at | test("^20"))'
	[ "$(mail_count)" = 5 ]
	mail_bodies > "$T/mails.txt"
	grep -q "^To: a1@lyon.fr, ref-a@lyon.fr$" "$T/mails.txt"
	grep -q "^Subject: Aidants Connect : compte désactivé faute de connexion$" "$T/mails.txt"
	grep -q "Le compte Aidants Connect de Anne Un (a1@lyon.fr) a été désactivé le" "$T/mails.txt"
	grep -q "^- CCAS de Lyon (structure n° 1)$" "$T/mails.txt"
	# b1, who logged in, is kept; a second run does nothing
	run inactive
	assert_success
	assert_output ""
	[ "$(mail_count)" = 5 ]
	ac-audit > "$T/journal.ndjson"
	ac-audit --verify < "$T/journal.ndjson" >/dev/null
}

@test "a failed delivery: exit 75, nothing recorded, and the next run mails each once; a departure's notice stays due until it went" {
	acd_later 151
	smtp_stop
	run inactive
	[ "$status" -eq 75 ]
	jq -s -e 'length == 3 and all(.action == "warn" and .sent == false and .error == "mail_failed")' \
		<<<"$(grep '^{' <<<"$output")"
	[[ "$output" == *"3 accounts could not be dealt with: due again at the next run"* ]]
	[ "$(sql "SELECT COUNT(*) FROM accounts WHERE inactivity_warned_at IS NOT NULL OR inactivity_claimed_at IS NOT NULL")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'aidant_warn'")" = 0 ]
	smtp_start
	acd_later 151
	run inactive
	assert_success
	jq -s -e 'length == 3 and all(.sent)' <<<"$output"
	run inactive
	assert_output ""
	[ "$(mail_count)" = 3 ]

	acd_later 182
	smtp_stop
	run inactive
	[ "$status" -eq 75 ]
	jq -s -e 'map([.email, .action, .changed, .sent, .error]) == [
		["a1@lyon.fr","deactivate",true,false,"mail_failed"],["b1@brest.fr","deactivate",true,false,"mail_failed"],
		["b2@brest.fr","deactivate",true,false,"mail_failed"]]' <<<"$(grep '^{' <<<"$output")"
	[ "$(sql "SELECT COUNT(*) FROM accounts WHERE active = 1 AND is_operator = 0 AND email NOT LIKE 'ref-%'")" = 0 ]
	smtp_start
	acd_later 182
	run inactive
	assert_success
	jq -s -e 'map([.email, .action, .changed, .sent]) == [
		["a1@lyon.fr","deactivate",false,true],["b1@brest.fr","deactivate",false,true],
		["b2@brest.fr","deactivate",false,true]]' <<<"$output"
	run inactive
	assert_output ""
	[ "$(mail_count)" = 6 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'aidant_deactivate'")" = 3 ]
}

@test "who may run it: operators, référents for their structures, aidants:write tokens; bad input refused whole" {
	# ref-a gets a card to log in with
	printf '%s\n' "{\"serial\":\"$(serial 9)\",\"seed\":\"$(seed 9)\"}" | ac-card-import >/dev/null
	printf '%s\n' "{\"serial\":\"$(serial 9)\",\"email\":\"ref-a@lyon.fr\"}" | ac-card-link >/dev/null
	acd_later 151
	login ref-a@lyon.fr 9 >/dev/null
	run as ref-a ac-aidant-inactive --dry-run
	assert_success
	jq -s -e 'map(.email) == ["a1@lyon.fr"]' <<<"$output"
	# a référent's aidants:write token does the same; a stats:read token may not
	tok=$(as ref-a ac-token-new --name cron --scopes aidants:write | jq -r .token)
	run env AC_TOKEN="$tok" ac-aidant-inactive --dry-run
	assert_success
	jq -s -e 'map(.email) == ["a1@lyon.fr"]' <<<"$output"
	stats=$(as ref-a ac-token-new --name stats --scopes stats:read | jq -r .token)
	login a1@lyon.fr 1 >/dev/null
	before=$(state_digest); n=$(journal_count)
	run env AC_TOKEN="$stats" ac-aidant-inactive
	[ "$status" -eq 77 ]
	[[ "$output" == *"has the scopes stats:read; POST /v1/aidants/inactive needs aidants:write"* ]]
	# an aidant may not
	run as a1 ac-aidant-inactive
	[ "$status" -eq 77 ]
	[[ "$output" == *"only operators and référents"* ]]
	# bad options, then bad bodies straight to the route
	run ac-aidant-inactive --warn-after 0
	[ "$status" -eq 64 ]
	run ac-aidant-inactive --deactivate-after 366
	[ "$status" -eq 64 ]
	s=$(cat "$XDG_STATE_HOME/ac/session")
	for body in '{"warn_after":"150"}' '{"dry_run":1}' '{"warn_after":150,"extra":1}' '{"warn_after":' \
		'{"deactivate_after":0}' '{"warn_after":99999999999999999999}'; do
		code=$(curl -s -o "$T/err.json" -w '%{http_code}' -H "Authorization: Bearer $s" \
			-H 'Content-Type: application/json' --data "$body" "$AC_URL/v1/aidants/inactive")
		[ "$code" = 400 ] || { echo "$body -> $code" >&2; false; }
		jq -e '.error.code and .error.message' "$T/err.json" >/dev/null
	done
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(mail_count)" = 0 ]
}
