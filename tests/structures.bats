#!/usr/bin/env bats
# ac-structure-new, ac-structure-list.

load helpers

setup() { acd_start; op_login; }
teardown() { acd_stop; }

@test "the operator creates a structure and lists it" {
	run ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon \
		--address "1 place Bellecour" --type ccas
	assert_success
	jq -e '.id == 1 and .name == "CCAS de Lyon" and .siret == "'"$SIRET_A"'" and .type == "ccas"
		and .city == "Lyon" and .active == true and .changed == true' <<<"$output"
	run ac-structure-list
	assert_success
	assert_equal "${#lines[@]}" 1
	jq -e '.id == 1 and .zipcode == "69001"' <<<"${lines[0]}"
	[ "$(sql "SELECT action || ' ' || subject FROM journal WHERE action LIKE 'structure%'")" = "structure_create $SIRET_A" ]
}

@test "the same structure again is changed:false; another name on that SIRET is refused" {
	ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon >/dev/null
	run ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon
	assert_success
	jq -e '.changed == false and .id == 1' <<<"$output"
	run ac-structure-new --name "Autre" --siret "$SIRET_A" --zipcode 69001 --city Lyon
	assert_failure 1
	assert_output --partial "already structure 1"
	[ "$(sql "SELECT COUNT(*) FROM structures")" = 1 ]
}

@test "bad SIRET, zipcode, type, missing flags: refused, nothing created" {
	n=$(journal_count)
	run ac-structure-new --name X --siret 12345678901234 --zipcode 69001 --city Lyon
	assert_failure 64
	assert_output --partial "Luhn"
	run ac-structure-new --name X --siret "$SIRET_A" --zipcode 6900 --city Lyon
	assert_failure 65
	assert_output --partial "zipcode"
	run ac-structure-new --name X --siret "$SIRET_A" --zipcode 69001 --city Lyon --type hotel
	assert_failure 65
	run ac-structure-new --name X --siret "$SIRET_A"
	assert_failure 64
	# the server checks too, whatever the client
	run curl -s -w '\n%{http_code}' -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" \
		-X POST "$AC_URL/v1/structures" -d '{"name":"X","siret":"12345678901234","zipcode":"69001","city":"L"}'
	assert_equal "${lines[1]}" 400
	jq -e '.error.code == "bad_siret"' <<<"${lines[0]}"
	run curl -s -w '\n%{http_code}' -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" \
		-X POST "$AC_URL/v1/structures" -d '{"name":"X","siret":12345678901237,"zipcode":"69001","city":"L"}'
	assert_equal "${lines[1]}" 400
	jq -e '.error.code == "wrong_type"' <<<"${lines[0]}"
	[ "$(sql "SELECT COUNT(*) FROM structures")" = 0 ]
	[ "$(journal_count)" = "$n" ]
}

@test "NDJSON is refused where one object is expected" {
	run curl -s -w '\n%{http_code}' -H 'Content-Type: application/x-ndjson' -X POST \
		"$AC_URL/v1/session" --data-binary $'{}\n{}\n'
	assert_equal "${lines[1]}" 415
}

@test "structures in bulk from NDJSON and CSV, idempotent by SIRET" {
	printf '%s\n' '{"name":"CCAS A","siret":"'"$SIRET_A"'","zipcode":"69001","city":"Lyon","type":"ccas"}' \
		'{"name":"Bad","siret":"1","zipcode":"69001","city":"Lyon"}' > "$T/s.ndjson"
	run ac-structure-new < "$T/s.ndjson"
	assert_failure 1
	jq -e '.line == 1 and .ok and .id == 1' <<<"${lines[0]}"
	jq -e '.line == 2 and .error.code == "bad_siret"' <<<"${lines[1]}"
	printf 'name,siret,zipcode,city\n"Association B, Brest",%s,29200,Brest\nCCAS A,%s,69001,Lyon\n' \
		"$SIRET_B" "$SIRET_A" > "$T/s.csv"
	run ac-structure-new --csv < "$T/s.csv"
	assert_success
	jq -e '.name == "Association B, Brest" and .changed' <<<"${lines[0]}"
	jq -e '.id == 1 and .changed == false' <<<"${lines[1]}"
}

@test "unknown routes and methods answer 404 and 405 with an error object" {
	run curl -s -w '\n%{http_code}' "$AC_URL/v1/nothing"
	assert_equal "${lines[1]}" 404
	jq -e '.error.code == "not_found"' <<<"${lines[0]}"
	run curl -s -w '\n%{http_code}' -X PUT "$AC_URL/v1/structures"
	assert_equal "${lines[1]}" 405
}
