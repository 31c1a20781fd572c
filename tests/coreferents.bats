#!/usr/bin/env bats
# Référents and co-référents (issue 9 §5): a référent designates a co-référent
# among its structure's active aidants and may step down, never leaving the
# structure without an active référent (409 last_referent, on its own
# departure too); making anyone else a référent stays an operator's act.

load helpers

REF_SEED=3132333435363738393031323334353637383930
CO_SEED=4142434445464748494a4b4c4d4e4f5051525354
as_ref() { XDG_STATE_HOME="$T/ref" "$@"; }
as_co() { XDG_STATE_HOME="$T/co" "$@"; }

setup() {
	acd_start
	op_login
	two_structures
	ac-aidant-add --structure 1 --email ref@lyon.fr --first-name Rose --last-name Lenoir --referent > /dev/null
	ac-aidant-add --structure 1 --email co@lyon.fr --first-name Colin --last-name Roux > /dev/null
	ac-aidant-add --structure 2 --email yann@brest.fr --first-name Yann --last-name Morvan > /dev/null
	printf '%s\n' "{\"serial\":\"GADT00000001\",\"seed\":\"$REF_SEED\"}" "{\"serial\":\"GADT00000002\",\"seed\":\"$CO_SEED\"}" | ac-card-import > /dev/null
	printf '%s\n' '{"serial":"GADT00000001","email":"ref@lyon.fr"}' '{"serial":"GADT00000002","email":"co@lyon.fr"}' | ac-card-link > /dev/null
	as_ref ac-login --email ref@lyon.fr --code "$(totp_hex $REF_SEED)" > /dev/null
}
teardown() { acd_stop; }

roles() { sql "SELECT a.email || ':' || m.is_aidant || m.is_referent || m.active FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.structure_id = $1 ORDER BY a.email" | tr '\n' ' '; }

@test "a référent designates a co-référent among its active aidants, then steps down; the last one cannot leave" {
	[ "$(roles 1)" = "co@lyon.fr:101 ref@lyon.fr:111 " ]
	# the only référent may not step down, nor leave
	before=$(state_digest); n=$(journal_count)
	run as_ref ac-aidant-add --structure 1 --email ref@lyon.fr --first-name Rose --last-name Lenoir --no-referent
	assert_failure 1
	assert_output --partial "last active référent of structure 1"
	run as_ref ac-aidant-deactivate --email ref@lyon.fr --structure 1
	assert_failure 1
	assert_output --partial "designate another first"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# Colin becomes co-référent: journaled aidant_update by the référent
	run as_ref ac-aidant-add --structure 1 --email co@lyon.fr --first-name Colin --last-name Roux --referent
	assert_success
	jq -e '.referent and .aidant and .changed' <<<"$output"
	[ "$(sql "SELECT action || ' ' || actor || ' ' || json_extract(details, '\$.referent') FROM journal ORDER BY seq DESC LIMIT 1")" = "aidant_update ref@lyon.fr 1" ]
	run as_ref ac-aidant-add --structure 1 --email co@lyon.fr --first-name Colin --last-name Roux --referent
	jq -e '.changed == false' <<<"$output"
	# now Rose may step down; Colin, alone again, may not
	run as_ref ac-aidant-add --structure 1 --email ref@lyon.fr --first-name Rose --last-name Lenoir --no-referent
	assert_success
	[ "$(roles 1)" = "co@lyon.fr:111 ref@lyon.fr:101 " ]
	as_co ac-login --email co@lyon.fr --code "$(totp_hex $CO_SEED)" > /dev/null
	run as_co ac-aidant-deactivate --email co@lyon.fr --structure 1
	assert_failure 1
	assert_output --partial "last active référent"
	# Colin makes Rose référent again, then leaves
	run as_co ac-aidant-add --structure 1 --email ref@lyon.fr --first-name Rose --last-name Lenoir --referent
	assert_success
	run as_co ac-aidant-deactivate --email co@lyon.fr --structure 1
	assert_success
	[ "$(roles 1)" = "co@lyon.fr:110 ref@lyon.fr:111 " ]
}

@test "no référent made of someone who is no active aidant of the structure, nor in another structure" {
	before=$(state_digest); n=$(journal_count)
	run as_ref ac-aidant-add --structure 1 --email boss@lyon.fr --first-name B --last-name L --referent
	assert_failure 77
	assert_output --partial "only an operator"
	run as_ref ac-aidant-add --structure 2 --email yann@brest.fr --first-name Yann --last-name Morvan --referent
	assert_failure 1
	assert_output --partial "no such structure: 2"
	ac-aidant-deactivate --email co@lyon.fr --structure 1 > /dev/null
	before=$(state_digest); n=$(journal_count)
	run as_ref ac-aidant-add --structure 1 --email co@lyon.fr --first-name Colin --last-name Roux --referent
	assert_failure 77
	assert_output --partial "no active aidant"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# an operator still may (a structure's first référent, a rescue)
	run ac-aidant-add --structure 1 --email boss@lyon.fr --first-name B --last-name L --referent --no-aidant
	assert_success
}
