#!/usr/bin/env bats
# libac through real tools and a real acd: what every bulk tool shares.

load helpers

setup() { acd_start; op_login; }
teardown() { acd_stop; }

@test "CSV: a column named twice, or a column without a name, is bad input (65)" {
	ac-structure-new --name "CCAS" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	n=$(journal_count)
	printf 'structure,email,first_name,last_name,email\n1,a@b.fr,A,N,c@d.fr\n' > "$T/dup.csv"
	run ac-aidant-add --csv < "$T/dup.csv"
	assert_failure 65
	assert_output --partial 'column "email" appears twice'
	printf 'structure,email,,last_name\n1,a@b.fr,A,N\n' > "$T/empty.csv"
	run ac-aidant-add --csv < "$T/empty.csv"
	assert_failure 65
	assert_output --partial "column 3 has no name"
	[ "$(journal_count)" = "$n" ]
	# the same file with distinct names goes through
	printf 'structure,email,first_name,last_name\n1,a@b.fr,A,N\n' | ac-aidant-add --csv
}

@test "a first batch refused as a whole: the server's message, nothing on stdout" {
	ac-logout
	printf '{"serial":"GADT00000001","seed":"%040x"}\n' 1 > "$T/cards.ndjson"
	ac-card-import < "$T/cards.ndjson" > "$T/out" 2> "$T/err" && false || st=$?
	[ "$st" = 77 ]
	[ ! -s "$T/out" ]
	grep -q "^ac-card-import: " "$T/err"
}
