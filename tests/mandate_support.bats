#!/usr/bin/env bats
# What support asks for about mandates (issue 13 §3): the signing aidant in the
# mandate object, ac-mandate-list --aidant, ac-audit --usager.

load helpers
load mandate_helpers

setup() { mandate_setup; }
teardown() { mandate_teardown; }

@test "a mandate names its aidant; ac-mandate-list --aidant; ac-audit --usager follows one usager" {
	sign_mandate papiers,logement long
	jq -e '.aidant == {"email":"aidant@lyon.fr","first_name":"Marie"} and .remote == false
		and .attestation_sent == false and .no_credentials_kept == false' "$T/mandate.json"
	id=$(jq .id "$T/mandate.json") usager=$(jq .usager.id "$T/mandate.json")
	run ac-mandate-list --aidant me
	assert_success
	[ "$(jq -s 'map(.id)' <<<"$output" | jq -c .)" = "[$id]" ]
	run ac-mandate-list --aidant AIDANT@lyon.fr
	[ "${#lines[@]}" = 1 ]
	run ac-mandate-list --aidant aidant@brest.fr
	assert_success
	assert_output ""
	run ac-mandate-list --aidant nobody@nowhere.fr
	assert_success
	assert_output ""
	run ac-mandate-list --aidant not-an-email
	assert_failure 65
	assert_output --partial "email address or \"me\""
	run ac-mandate-list --aidant me --csv
	head -1 <<<"$output" | grep -q ',aidant,remote'
	grep -q ',aidant@lyon.fr,false' <<<"$output"
	# the journal of one usager: identified, the mandate and its autorisations
	run ac_as operator ac-audit --usager "$usager"
	assert_success
	[ "$(jq -s -c 'map(.action)' <<<"$output")" = \
	  '["usager_identified","mandate_create","autorisation_create","autorisation_create"]' ]
	run ac_as operator ac-audit --usager 999
	assert_success
	assert_output ""
	run ac_as operator ac-audit --usager abc
	assert_failure 65
	assert_output --partial "not an usager id"
	# the Brest aidant's structure sees none of it
	run ac_as operator ac-audit --usager "$usager" --structure 2
	assert_output ""
}
