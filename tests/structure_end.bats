#!/usr/bin/env bats
# A structure's end of habilitation (issue 13 §2): ac-structure-deactivate ends
# its memberships and sessions, returns its cards, revokes its mandates with a
# revocation attestation, in one transaction; the usager's space says why.
# And ac-structure-set edits a structure's name and address.

load helpers
load mandate_helpers

setup() { mandate_setup; }
teardown() { mandate_teardown; }

@test "ending a structure: memberships, sessions, cards, mandates, in one go; the usager is told why" {
	sign_mandate papiers,logement long
	mandate=$(jq .id "$T/mandate.json")
	# the Brest aidant's mandate and card are untouched
	before_b=$(sql "SELECT state || structure_id FROM cards WHERE serial = 'GADT00000002'")
	run ac_as operator ac-structure-deactivate 1 --reason "convention non renouvelée"
	assert_success
	jq -e '.id == 1 and .active == false and .changed and .memberships_ended == 1
		and .cards_returned == 1 and .mandates_revoked == 1' <<<"$output"
	# the aidant's session ended, and their account with it (no other structure)
	run ac-whoami
	assert_failure 77
	[ "$(sql "SELECT active FROM accounts WHERE email = 'aidant@lyon.fr'")" = 0 ]
	[ "$(sql "SELECT state || '|' || COALESCE(CAST(account_id AS TEXT), '') || '|' || COALESCE(CAST(structure_id AS TEXT), '') FROM cards WHERE serial = 'GADT00000001'")" = "stock||" ]
	[ "$(sql "SELECT state || structure_id FROM cards WHERE serial = 'GADT00000002'")" = "$before_b" ]
	# the mandate: revoked whole, with a revocation that has its attestation
	[ "$(sql "SELECT revoked_at IS NOT NULL FROM mandates WHERE id = $mandate")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM autorisations WHERE mandate_id = $mandate AND revoked_at IS NULL")" = 0 ]
	[ "$(sql "SELECT reason || '|' || whole FROM revocations WHERE mandate_id = $mandate")" = "structure_deactivated|1" ]
	hash=$(sql "SELECT attestation_hash FROM revocations WHERE mandate_id = $mandate")
	run curl -fsS "$AC_URL/v1/attestations/$hash"
	jq -e '.kind == "revocation"' <<<"$output"
	[ "$(sql "SELECT active || '|' || deactivation_reason FROM structures WHERE id = 1")" = "0|convention non renouvelée" ]
	[ "$(sql "SELECT details FROM journal WHERE action = 'structure_deactivate'")" = \
	  '{"cards":1,"mandates":1,"memberships":1,"reason":"convention non renouvelée"}' ]
	ac_as operator ac-audit --verify < <(ac_as operator ac-audit) >/dev/null
	# again: nothing more
	n=$(journal_count)
	run ac_as operator ac-structure-deactivate 1 --reason "encore"
	jq -e '.changed == false' <<<"$output"
	[ "$(journal_count)" = "$n" ]
	# the usager's space says why the mandate ended
	node "$REPO/tests/browser/usager.mjs" "$AC_URL" --login angela --shots "$T/shots" > "$T/space.txt"
	grep -q "la structure a cessé d'être habilitée" "$T/space.txt"
}

@test "only operators end a structure; bad input is refused whole, with one result line each" {
	before=$(state_digest) n=$(journal_count)
	run ac-structure-deactivate 1 --reason x
	assert_failure 77
	assert_output --partial "only operators"
	run ac_as operator ac-structure-deactivate 1
	assert_failure 64
	run ac_as operator ac-structure-deactivate --reason x
	assert_failure 64
	run ac_as operator ac-structure-deactivate 1.5 --reason x
	assert_failure 64
	printf '%s\n' '{"id":99,"reason":"x"}' '{"id":2,"reason":""}' '{"id":"2","reason":"x"}' > "$T/bad.ndjson"
	run ac_as operator ac-structure-deactivate < "$T/bad.ndjson"
	assert_failure 1
	[ "${#lines[@]}" = 3 ]
	jq -e '.error.code == "not_found"' <<<"${lines[0]}"
	jq -e '.error.code == "bad_reason"' <<<"${lines[1]}"
	jq -e '.ok == false' <<<"${lines[2]}"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# CSV, for a wave of structures
	printf 'id,reason\n2,fermeture du guichet\n' > "$T/wave.csv"
	run ac_as operator ac-structure-deactivate --csv < "$T/wave.csv"
	assert_success
	jq -e '.ok and .changed and .memberships_ended == 1' <<<"$output"
	# its aidant is out, Lyon's is not
	[ "$(sql "SELECT active FROM accounts WHERE email = 'aidant@brest.fr'")" = 0 ]
	run ac-whoami
	assert_success
}

@test "ac-structure-set: operators edit name and address; an aidant nothing, another structure is absent" {
	run ac_as operator ac-structure-set 1 --name "CCAS de Lyon 1er" --city "Lyon 1er" --zipcode 69001
	assert_success
	jq -e '.name == "CCAS de Lyon 1er" and .city == "Lyon 1er" and .changed' <<<"$output"
	[ "$(sql "SELECT details FROM journal WHERE action = 'structure_update'")" = \
	  '{"before":{"city":"Lyon","name":"CCAS de Lyon"},"city":"Lyon 1er","name":"CCAS de Lyon 1er"}' ]
	run ac_as operator ac-structure-set 1 --name "CCAS de Lyon 1er"
	jq -e '.changed == false' <<<"$output"
	before=$(state_digest) n=$(journal_count)
	run ac_as operator ac-structure-set 1 --zipcode 6900
	assert_failure 64
	run ac_as operator ac-structure-set 1
	assert_failure 64
	assert_output --partial "nothing to change"
	run ac_as operator ac-structure-set 1 --name "$(printf 'x%.0s' $(seq 201))"
	assert_failure 65
	assert_output --partial "name"
	run ac_as operator ac-structure-set 99 --city Paris
	assert_failure 1
	# an aidant of Lyon is no référent: 403; of Brest: as if absent
	run ac-structure-set 1 --city Paris
	assert_failure 77
	run ac-structure-set 2 --city Paris
	assert_failure 1
	assert_output --partial "no such structure"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}
