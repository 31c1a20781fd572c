#!/usr/bin/env bats
# The authorization matrix: a référent of structure A against structure B's
# aidant and card, on every route — refused as if absent, and nothing changes.

load helpers

SEED_REF_A=3132333435363738393031323334353637383930
SEED_B1=4142434445464748494a4b4c4d4e4f5051525354
SEED_A2=6162636465666768696a6b6c6d6e6f7071727374
SEED_STOCK=0102030405060708090a0b0c0d0e0f1011121314

setup() {
	acd_start
	op_login
	ac-structure-new --name "CCAS A" --siret "$SIRET_A" --zipcode 69001 --city Lyon >/dev/null
	ac-structure-new --name "Association B" --siret "$SIRET_B" --zipcode 29200 --city Brest >/dev/null
	ac-aidant-add --structure 1 --email ref.a@a.fr --first-name Ref --last-name A --referent >/dev/null
	ac-aidant-add --structure 1 --email aidant.a@a.fr --first-name Aidant --last-name A >/dev/null
	ac-aidant-add --structure 2 --email aidant.b@b.fr --first-name Aidant --last-name B >/dev/null
	printf '%s\n' "{\"serial\":\"GADT00000001\",\"seed\":\"$SEED_REF_A\"}" \
		"{\"serial\":\"GADT00000002\",\"seed\":\"$SEED_B1\"}" \
		"{\"serial\":\"GADT00000003\",\"seed\":\"$SEED_A2\"}" \
		"{\"serial\":\"GADT00000004\",\"seed\":\"$SEED_STOCK\"}" | ac-card-import >/dev/null
	printf '%s\n' '{"serial":"GADT00000001","email":"ref.a@a.fr"}' \
		'{"serial":"GADT00000002","email":"aidant.b@b.fr"}' | ac-card-link >/dev/null
	# from here on, the référent of A
	export XDG_STATE_HOME="$T/ref-a"
	ac-login --email ref.a@a.fr --code "$(totp_hex $SEED_REF_A)" >/dev/null
}
teardown() { acd_stop; }

# refused CMD...: exits 1 (not found) or 77, says so, and changes nothing
refused() {
	local before n
	before=$(state_digest); n=$(journal_count)
	run "$@"
	[ "$status" -eq 1 ] || [ "$status" -eq 77 ] || { echo "exit $status: $output"; return 1; }
	[[ "$output" == *"not found"* || "$output" == *"no such"* || "$output" == *"only an operator"* ]] \
		|| { echo "unclear refusal: $output"; return 1; }
	[ "$(state_digest)" = "$before" ] || { echo "state changed by: $*"; return 1; }
	[ "$(journal_count)" = "$n" ] || { echo "journal changed by: $*"; return 1; }
}

@test "the référent of A sees only A: structures, aidants, cards, journal" {
	run ac-structure-list
	assert_success
	assert_equal "${#lines[@]}" 1
	jq -e '.id == 1' <<<"$output"
	run ac-aidant-list
	assert_success
	! grep -q aidant.b@b.fr <<<"$output" || false
	run ac-card-list
	assert_success
	! grep -q GADT00000002 <<<"$output" || false
	! grep -q GADT00000004 <<<"$output" || false
	run ac-audit
	assert_success
	! grep -q aidant.b@b.fr <<<"$output" || false
	! grep -q '"structure":2' <<<"$output" || false
}

@test "B's structure, aidant and card are not found for the référent of A, on every route" {
	refused ac-aidant-list --structure 2
	refused ac-card-list --structure 2
	refused ac-audit --structure 2
	refused ac-aidant-add --structure 2 --email new@b.fr --first-name N --last-name B
	refused ac-aidant-deactivate --email aidant.b@b.fr
	refused ac-aidant-deactivate --email aidant.b@b.fr --structure 2
	refused ac-aidant-unlock --email aidant.b@b.fr
	refused ac-card-unlink --serial GADT00000002 --reason lost
	refused ac-card-link --serial GADT00000003 --email aidant.b@b.fr --code "$(totp_hex $SEED_A2)"
	refused ac-card-link --serial GADT00000002 --email aidant.a@a.fr --code "$(totp_hex $SEED_B1)"
	refused ac-card-enroll --email aidant.b@b.fr --code 123456
	refused ac-structure-new --name X --siret "$SIRET_A" --zipcode 75001 --city Paris
}

@test "the same refusals in bulk: one not-found line each, nothing changed" {
	before=$(state_digest)
	run ac-aidant-deactivate <<<'{"email":"aidant.b@b.fr"}'
	assert_failure 1
	jq -e '.ok == false and .error.code == "not_found"' <<<"$output"
	run ac-card-unlink <<<'{"serial":"GADT00000002","reason":"broken"}'
	assert_failure 1
	jq -e '.ok == false and .error.code == "not_found"' <<<"$output"
	run ac-aidant-add <<<'{"structure":2,"email":"x@b.fr","first_name":"X","last_name":"B"}'
	assert_failure 1
	jq -e '.ok == false and .error.code == "not_found"' <<<"$output"
	[ "$(state_digest)" = "$before" ]
}

@test "foreign and missing answer alike" {
	run ac-aidant-unlock --email aidant.b@b.fr
	foreign=$(sed 's/aidant.b@b.fr/X/' <<<"$output")
	run ac-aidant-unlock --email nobody@b.fr
	assert_equal "$(sed 's/nobody@b.fr/X/' <<<"$output")" "$foreign"
	run ac-aidant-list --structure 2
	foreign=$(sed 's/2/N/g' <<<"$output")
	run ac-aidant-list --structure 3
	assert_equal "$(sed 's/3/N/g' <<<"$output")" "$foreign"
}

@test "the référent of A manages A: no untrained aidant (habilitation_required), gives back its own aidant's role, links a card with a code, unlocks" {
	before=$(state_digest); n=$(journal_count)
	run ac-aidant-add --structure 1 --email new.a@a.fr --first-name New --last-name A
	assert_failure 1
	assert_output --partial "ac-habilitation-new"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# someone habilitated in A before comes back: the référent reactivates them
	XDG_STATE_HOME="$T/state" ac-aidant-deactivate --email aidant.a@a.fr --structure 1 > /dev/null
	run ac-aidant-add --structure 1 --email aidant.a@a.fr --first-name Aidant --last-name A
	assert_success
	jq -e '.aidant and .changed' <<<"$output"
	[ "$(sql "SELECT action || ' ' || actor FROM journal ORDER BY seq DESC LIMIT 1")" = "aidant_reactivate ref.a@a.fr" ]
	run ac-card-link --serial GADT00000003 --email aidant.a@a.fr --code "$(totp_hex $SEED_A2)"
	assert_success
	[ "$(sql "SELECT state FROM cards WHERE serial = 'GADT00000003'")" = active ]
	for i in $(seq 10); do XDG_STATE_HOME="$T/x" ac-login --email aidant.a@a.fr --code 000000 2>/dev/null || true; done
	[ "$(sql "SELECT locked FROM accounts WHERE email = 'aidant.a@a.fr'")" = 1 ]
	run ac-aidant-unlock --email aidant.a@a.fr
	assert_success
	jq -e '.changed == true' <<<"$output"
	[ "$(sql "SELECT locked || '' || failures FROM accounts WHERE email = 'aidant.a@a.fr'")" = 00 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'unlock'")" = 1 ]
	# the référent reads its aidant's failures, lockout and unlock in the journal
	run ac-audit --actor aidant.a@a.fr
	assert_success
	assert_equal "$(jq -r .action <<<"$output" | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
		"lockout=1 login_failed=10 "
	[ "$(ac-audit --action unlock | jq -r .subject)" = aidant.a@a.fr ]
}

@test "a référent cannot make a référent; an aidant alone sees only itself" {
	run ac-aidant-add --structure 1 --email boss@a.fr --first-name B --last-name A --referent
	assert_failure 77
	assert_output --partial "only an operator"
	# the aidant of B logs in with its linked card: sees itself, nothing else
	export XDG_STATE_HOME="$T/aidant-b"
	ac-login --email aidant.b@b.fr --code "$(totp_hex $SEED_B1)" >/dev/null
	run ac-aidant-list
	assert_success
	assert_equal "${#lines[@]}" 1
	jq -e '.email == "aidant.b@b.fr"' <<<"$output"
	refused ac-aidant-add --structure 2 --email y@b.fr --first-name Y --last-name B
}

@test "adding B's aidant to A gives the référent of A no hold on that person" {
	# a référent cannot: B's aidant comes to A as a transfer (ac-habilitation-new)
	run ac-aidant-add --structure 1 --email aidant.b@b.fr --first-name Hacked --last-name ByA
	assert_failure 1
	assert_output --partial "transfer"
	# an operator's import can
	run env XDG_STATE_HOME="$T/state" ac-aidant-add --structure 1 --email aidant.b@b.fr --first-name Aidant --last-name B
	assert_success
	[ "$(sql "SELECT json_extract(details, '\$.habilitation') FROM journal ORDER BY seq DESC LIMIT 1")" = import ]
	# the identity stays as B set it
	[ "$(sql "SELECT first_name || ' ' || last_name FROM accounts WHERE email = 'aidant.b@b.fr'")" = "Aidant B" ]
	before=$(state_digest); n=$(journal_count)
	# no app, no card: either would be a way to log in as them
	run ac-card-enroll --email aidant.b@b.fr --code 123456
	assert_failure
	run ac-card-link --serial GADT00000003 --email aidant.b@b.fr --code "$(totp_hex $SEED_A2)"
	assert_failure 77
	assert_output --partial "an operator links its card"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM cards c JOIN accounts a ON a.id = c.account_id WHERE a.email = 'aidant.b@b.fr' AND c.kind = 'app'")" = 0 ]
}
