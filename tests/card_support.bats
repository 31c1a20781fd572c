#!/usr/bin/env bats
# What support asks for about cards (issue 13 §3): the holder declares their
# own card lost, a card returned to ANCT, ac-card-check, drift and last use in
# ac-card-list.  Structure 1 (Lyon): référent ref-a, aidant a1; structure 2
# (Brest): référent ref-b, aidant b1.

load helpers
load card_helpers

setup() {
	card_people_setup
	for n in 1 2 3 100 200; do printf '{"serial":"GADT%08d","seed":"%s"}\n' "$n" "$(seed "$n")"; done |
		ac-card-import >/dev/null
	ac-card-link >/dev/null <<-EOF
	{"serial":"$(serial 1)","email":"a1@lyon.fr"}
	{"serial":"$(serial 2)","email":"b1@brest.fr"}
	{"serial":"$(serial 100)","email":"ref-a@lyon.fr"}
	{"serial":"$(serial 200)","email":"ref-b@brest.fr"}
	EOF
	# codes below count steps: keep them inside one minute
	local s=$(( $(date +%s) % 60 ))
	[ "$s" -lt 40 ] || sleep $(( 61 - s ))
	login ref-a@lyon.fr 100 >/dev/null
	login ref-b@brest.fr 200 >/dev/null
}
teardown() { acd_stop; }

card() { sql "SELECT state || '|' || COALESCE(CAST(account_id AS TEXT), '') || '|' || COALESCE(CAST(structure_id AS TEXT), '') FROM cards WHERE serial = '$1'"; }

@test "the holder declares their own card lost, at once; nothing else, and no one else's" {
	login a1@lyon.fr 1 -1 >/dev/null
	before=$(state_digest) n=$(journal_count)
	# another reason is for a référent
	run as a1 ac-card-unlink --serial "$(serial 1)" --reason departure
	assert_failure 77
	assert_output --partial "declare your own card lost"
	# someone else's card, existing or not: refused the same way
	run as a1 ac-card-unlink --serial "$(serial 2)" --reason lost
	assert_failure 77
	assert_output --partial "only référents and operators unlink cards"
	run as a1 ac-card-unlink --serial GADT99999999 --reason lost
	assert_failure 77
	assert_output --partial "only référents and operators unlink cards"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	run as a1 ac-card-unlink --serial "$(serial 1)" --reason lost
	assert_success
	jq -e '.state == "lost" and .changed' <<<"$output"
	[ "$(card "$(serial 1)")" = "lost||1" ]
	[ "$(sql "SELECT actor FROM journal WHERE action = 'card_lost' AND subject = '$(serial 1)'")" = a1@lyon.fr ]
	# the lost card opens nothing any more, even with its next code
	run login a1@lyon.fr 1 1
	assert_failure 77
	assert_output --partial "login refused"
	# and the référent sees it lost
	run as ref-a ac-card-list --state lost
	jq -e --arg s "$(serial 1)" '.serial == $s' <<<"$output"
}

@test "a card returned to ANCT goes back to the national stock, out of the structure's sight" {
	# a stock card of Lyon's (after a departure), and a card still held
	ac-card-unlink --serial "$(serial 1)" --reason departure >/dev/null
	[ "$(card "$(serial 1)")" = "stock||1" ]
	run as ref-a ac-card-unlink --serial "$(serial 1)" --reason returned
	assert_success
	jq -e '.state == "stock" and .changed' <<<"$output"
	[ "$(card "$(serial 1)")" = "stock||" ]
	run as ref-a ac-card-list
	refute_output --partial "$(serial 1)"
	# Brest's référent cannot return Lyon's cards
	before=$(state_digest)
	run as ref-b ac-card-unlink --serial "$(serial 100)" --reason returned
	assert_failure 1
	assert_output --partial "no such card"
	[ "$(state_digest)" = "$before" ]
	# the operator returns a held card: its holder loses it
	run ac-card-unlink --serial "$(serial 2)" --reason returned
	assert_success
	[ "$(card "$(serial 2)")" = "stock||" ]
	[ "$(sql "SELECT details FROM journal WHERE action = 'card_unlink' AND subject = '$(serial 2)'")" = \
	  '{"email":"b1@brest.fr","reason":"returned","state":"stock"}' ]
	# a second time changes nothing
	run ac-card-unlink --serial "$(serial 2)" --reason returned
	jq -e '.changed == false' <<<"$output"
	run ac-card-unlink --serial "$(serial 2)" --reason stolen
	assert_failure 64
	assert_output --partial "returned"
}

@test "ac-card-check: whether a code matches now and the drift, changing nothing but the journal" {
	before=$(state_digest) n=$(journal_count)
	run as ref-a ac-card-check --serial "$(serial 1)" --code "$(totp_hex "$(seed 1)")"
	assert_success
	jq -e --arg s "$(serial 1)" '.serial == $s and .matches and .drift == 0 and .email == "a1@lyon.fr"
		and .state == "linked" and .code_used == false' <<<"$output"
	# a card whose clock runs three steps ahead: no match now, the drift told
	run as ref-a ac-card-check --serial "$(serial 1)" --code "$(totp_hex "$(seed 1)" 60 3)"
	assert_failure 1
	jq -e '.matches == false and .drift == 3' <<<"$output"
	# a wrong code: no match, no drift
	run as ref-a ac-card-check --serial "$(serial 1)" --code 000000
	assert_failure 1
	jq -e '.matches == false and .drift == null' <<<"$output"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = $((n + 3)) ]
	[ "$(sql "SELECT details FROM journal WHERE action = 'card_check' ORDER BY seq LIMIT 1")" = '{"drift":0,"matches":true}' ]
	[ "$(sql "SELECT actor FROM journal WHERE action = 'card_check' ORDER BY seq LIMIT 1")" = ref-a@lyon.fr ]
	! grep -q "$(totp_hex "$(seed 1)")" "$T/acd.log"
	# the code checked still logs the aidant in: a check uses nothing up
	run login a1@lyon.fr 1
	assert_success
	# now used: the check says so
	run as ref-a ac-card-check --serial "$(serial 1)" --code "$(totp_hex "$(seed 1)")"
	assert_failure 1
	jq -e '.matches == false and .code_used and .state == "active"' <<<"$output"
}

@test "ac-card-check: only référents of the card's structure and operators; bad input before any request" {
	n=$(journal_count)
	run as ref-b ac-card-check --serial "$(serial 1)" --code "$(totp_hex "$(seed 1)")"
	assert_failure 1
	assert_output --partial "no such card"
	run as ref-b ac-card-check --serial GADT99999999 --code 123456
	assert_failure 1
	assert_output --partial "no such card"
	login a1@lyon.fr 1 -1 >/dev/null
	n=$(journal_count)
	run as a1 ac-card-check --serial "$(serial 1)" --code "$(totp_hex "$(seed 1)")"
	assert_failure 77
	assert_output --partial "only référents and operators"
	[ "$(journal_count)" = "$n" ]
	run ac-card-check --serial "$(serial 2)" --code "$(totp_hex "$(seed 2)")"
	assert_success
	run ac-card-check --serial "$(serial 2)" --code 12345
	assert_failure 64
	run ac-card-check --code 123456
	assert_failure 64
	assert_output --partial "--serial is required"
	run ac-card-check --serial X
	assert_failure 64
	assert_output --partial "--code is required"
	token=$(cat "$T/state/ac/session")
	for body in '{"serial":"x"}' '{"serial":"x","code":"123456","extra":1}' '{"serial":1,"code":"123456"}' '[' ; do
		run curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" -X POST "$AC_URL/v1/cards/check" -d "$body"
		assert_equal "${lines[1]}" 400
	done
	run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/x-ndjson' \
		-X POST "$AC_URL/v1/cards/check" --data-binary $'{"serial":"x","code":"123456"}\n'
	assert_output 415
}

@test "ac-card-check: twenty checks of a card an hour, then 429; the codes are no oracle" {
	for i in $(seq 20); do
		as ref-a ac-card-check --serial "$(serial 1)" --code "$(printf '%06d' "$i")" >/dev/null || true
	done
	n=$(journal_count)
	run as ref-a ac-card-check --serial "$(serial 1)" --code "$(totp_hex "$(seed 1)")"
	assert_failure 75
	assert_output --partial "checked 20 times in the last hour"
	[ "$(journal_count)" = "$n" ]
	# other cards are not held back
	run as ref-a ac-card-check --serial "$(serial 100)" --code 000000
	assert_failure 1
}

@test "ac-card-list shows each card's drift and when its last code was accepted" {
	run as ref-a ac-card-list
	jq -e --arg s "$(serial 1)" -s 'map(select(.serial == $s))[0] | .drift == 0 and .last_used_at == null' <<<"$output"
	login a1@lyon.fr 1 1 >/dev/null
	run as ref-a ac-card-list --csv
	assert_success
	head -1 <<<"$output" | grep -q 'drift,last_used_at'
	run as ref-a ac-card-list
	step=$(( $(date +%s) / 60 + 1 ))
	jq -e --arg s "$(serial 1)" --arg at "$(date -u -d "@$((step * 60))" +%Y-%m-%dT%H:%M:%SZ)" \
		-s 'map(select(.serial == $s))[0] | .drift == 1 and .last_used_at == $at' <<<"$output"
}
