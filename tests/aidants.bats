#!/usr/bin/env bats
# ac-aidant-add, ac-aidant-list, ac-aidant-deactivate, ac-aidant-unlock.

load helpers

setup() {
	acd_start
	op_login
	two_structures
}
teardown() { acd_stop; }

@test "the operator adds a référent; flags give one line" {
	run ac-aidant-add --structure 1 --email Rita.Ref@Lyon.fr --first-name Rita --last-name Ref --referent --no-aidant
	assert_success
	jq -e '.email == "rita.ref@lyon.fr" and .structure == 1 and .referent == true and .aidant == false
		and .changed == true' <<<"$output"
	[ "$(sql "SELECT is_referent || '' || is_aidant FROM memberships")" = 10 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'aidant_add' AND structure_id = 1")" = 1 ]
}

@test "bulk NDJSON: one result per line, in order; bad lines change nothing; re-run is changed:false" {
	cat > "$T/people.ndjson" <<-'EOF2'
	{"structure":1,"email":"a1@lyon.fr","first_name":"Anne","last_name":"Un","profession":"conseillère"}
	{"structure":1,"email":"not-an-email","first_name":"B","last_name":"Deux"}
	{"structure":1,"email":"a3@lyon.fr","first_name":"Cé","last_name":"Trois","phone":"04 72 00 00 00"}
	this is not json
	{"structure":1,"email":"a4@lyon.fr","first_name":"D","last_name":"Quatre","unknown":1}
	{"structure":"1","email":"a5@lyon.fr","first_name":"E","last_name":"Cinq"}
	{"structure":99,"email":"a6@lyon.fr","first_name":"F","last_name":"Six"}
	{"structure":1,"email":"a7@lyon.fr","first_name":"G","last_name":"Sept","aidant":false}
	EOF2
	run ac-aidant-add < "$T/people.ndjson"
	assert_failure 1
	assert_equal "${#lines[@]}" 8
	for i in 0 2; do jq -e '.ok == true and .changed == true' <<<"${lines[$i]}"; done
	jq -e '.line == 2 and .error.code == "bad_email"' <<<"${lines[1]}"
	jq -e '.line == 4 and .ok == false' <<<"${lines[3]}"
	jq -e '.line == 5 and .error.code == "unknown_field"' <<<"${lines[4]}"
	jq -e '.line == 6 and .error.code == "wrong_type"' <<<"${lines[5]}"
	jq -e '.line == 7 and .error.code == "not_found"' <<<"${lines[6]}"
	jq -e '.line == 8 and .error.code == "no_role"' <<<"${lines[7]}"
	[ "$(sql "SELECT COUNT(*) FROM accounts WHERE email != '$OP_EMAIL'")" = 2 ]
	before=$(state_digest)
	run ac-aidant-add < "$T/people.ndjson"
	assert_failure 1
	jq -e '.changed == false' <<<"${lines[0]}"
	jq -e '.changed == false' <<<"${lines[2]}"
	[ "$(state_digest)" = "$before" ]
}

@test "bulk CSV with quoted fields and booleans" {
	printf 'structure,email,first_name,last_name,profession,referent,aidant\n1,c1@lyon.fr,"Cé, ""Claire""",Dupont,"médiatrice, numérique",false,true\n2,c2@brest.fr,Yann,Le Gall,,true,false\n' > "$T/people.csv"
	run ac-aidant-add --csv < "$T/people.csv"
	assert_success
	jq -e '.first_name == "Cé, \"Claire\"" and .aidant == true' <<<"${lines[0]}"
	jq -e '.structure == 2 and .referent == true and .aidant == false' <<<"${lines[1]}"
	[ "$(sql "SELECT profession FROM accounts WHERE email = 'c1@lyon.fr'")" = "médiatrice, numérique" ]
}

@test "a person may belong to two structures; ac-aidant-list filters by structure" {
	ac-aidant-add --structure 1 --email multi@ex.fr --first-name M --last-name Multi >/dev/null
	ac-aidant-add --structure 2 --email multi@ex.fr --first-name M --last-name Multi >/dev/null
	run ac-aidant-list
	assert_equal "${#lines[@]}" 2
	run ac-aidant-list --structure 2
	assert_equal "${#lines[@]}" 1
	jq -e '.email == "multi@ex.fr" and .structure == 2 and .card == null and .active == true' <<<"$output"
	run ac-aidant-list --structure 77
	assert_failure 1
}

@test "a departure from one structure, then from all: inactive, sessions ended" {
	ac-aidant-add --structure 1 --email multi@ex.fr --first-name M --last-name Multi >/dev/null
	ac-aidant-add --structure 2 --email multi@ex.fr --first-name M --last-name Multi >/dev/null
	run ac-aidant-deactivate --email multi@ex.fr --structure 1
	assert_success
	jq -e '.structures == [1] and .active == true and .changed == true' <<<"$output"
	run ac-aidant-list --structure 1
	assert_output ""
	run ac-aidant-list --structure 1 --inactive
	jq -e '.active == false' <<<"$output"
	run ac-aidant-deactivate --email multi@ex.fr
	assert_success
	jq -e '.structures == [2] and .active == false' <<<"$output"
	[ "$(sql "SELECT active FROM accounts WHERE email = 'multi@ex.fr'")" = 0 ]
	run ac-aidant-deactivate --email multi@ex.fr
	assert_success
	jq -e '.changed == false' <<<"$output"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'aidant_deactivate'")" = 2 ]
	# coming back reactivates
	run ac-aidant-add --structure 1 --email multi@ex.fr --first-name M --last-name Multi
	jq -e '.changed == true' <<<"$output"
	[ "$(sql "SELECT active FROM accounts WHERE email = 'multi@ex.fr'")" = 1 ]
}

@test "unlock lifts a lockout and is journaled; unknown emails are not found" {
	for i in $(seq 10); do ac-login --email "$OP_EMAIL" --code 000000 2>/dev/null || true; done
	# the operator is locked: log in another way is impossible, so check through the db
	[ "$(sql "SELECT locked FROM accounts WHERE email = '$OP_EMAIL'")" = 1 ]
	run ac-aidant-unlock --email nobody@nowhere.fr
	assert_failure
}

@test "bad emails and names on the flags path: 65, nothing changed" {
	before=$(state_digest)
	run ac-aidant-add --structure 1 --email "a b@c.fr" --first-name A --last-name B
	assert_failure 65
	assert_output --partial "not a valid email"
	run ac-aidant-add --structure 1 --email "ab@c.fr" --first-name "" --last-name B
	assert_failure
	run ac-aidant-add --structure abc --email "ab@c.fr" --first-name A --last-name B
	assert_failure 64
	[ "$(state_digest)" = "$before" ]
}

@test "lists print CSV for a spreadsheet with --csv (RFC 4180)" {
	ac-aidant-add --structure 1 --email c@lyon.fr --first-name 'Cé, "Claire"' --last-name Dupont \
		--profession "médiatrice" >/dev/null
	run ac-aidant-list --csv
	assert_success
	assert_equal "${lines[0]}" $'email,first_name,last_name,profession,phone,structure,aidant,referent,active,locked,card\r'
	assert_equal "${lines[1]}" $'c@lyon.fr,"Cé, ""Claire""",Dupont,médiatrice,,1,true,false,true,false,\r'
	run ac-structure-list --csv
	assert_equal "${#lines[@]}" 3
	run ac-card-list --csv
	assert_success
	assert_equal "${lines[0]}" $'serial,kind,state,email,structure,digits,step,algorithm,drift,last_used_at\r'
	[[ "${lines[1]}" == APP-*,app,active,operator@anct.gouv.fr,,6,30,sha1* ]]
}
