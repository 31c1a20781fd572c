#!/usr/bin/env bats
# 10,000 cards imported then linked from one file each, with a progress bar on
# a terminal, and both files re-run to "changed":false on every line.

load helpers

setup() { acd_start; op_login; }
teardown() { acd_stop; }

@test "10,000 cards: import and link with a progress bar; re-runs change nothing" {
	ac-structure-new --name "CCAS" --siret "$SIRET_A" --zipcode 69001 --city Lyon >/dev/null
	seq 10000 | awk '{ printf "{\"structure\":1,\"email\":\"aidant%05d@ccas.fr\",\"first_name\":\"A\",\"last_name\":\"N%d\"}\n", $1, $1 }' > "$T/people.ndjson"
	ac-aidant-add < "$T/people.ndjson" > /dev/null
	seq 10000 | awk '{ printf "{\"serial\":\"GADT%08d\",\"seed\":\"%040x\"}\n", $1, $1 * 7919 }' > "$T/cards.ndjson"
	seq 10000 | awk '{ printf "{\"serial\":\"GADT%08d\",\"email\":\"aidant%05d@ccas.fr\"}\n", $1, $1 }' > "$T/links.ndjson"
	# script(1) gives the tools a terminal on stderr; stdout still goes to a file
	script -qec "ac-card-import < '$T/cards.ndjson' > '$T/import.out'" "$T/import.tty" > /dev/null
	script -qec "ac-card-link < '$T/links.ndjson' > '$T/link.out'" "$T/link.tty" > /dev/null
	grep -q "ac-card-import: \[#*\] 100% (10000/10000), done." "$T/import.tty"
	grep -q "ac-card-link: \[#*\] 100% (10000/10000), done." "$T/link.tty"
	[ "$(jq -c 'select(.ok and .changed)' "$T/import.out" | wc -l)" = 10000 ]
	[ "$(jq -c 'select(.ok and .changed)' "$T/link.out" | wc -l)" = 10000 ]
	[ "$(jq -r .line "$T/link.out" | tail -n 1)" = 10000 ]
	[ "$(sql "SELECT COUNT(*) FROM cards WHERE state = 'linked' AND account_id IS NOT NULL")" = 10000 ]
	# again: every line ok and unchanged, nothing written
	n=$(journal_count)
	ac-card-import < "$T/cards.ndjson" > "$T/import2.out"
	ac-card-link < "$T/links.ndjson" 2> "$T/link2.err" > "$T/link2.out"
	[ "$(jq -c 'select(.ok and .changed == false)' "$T/import2.out" | wc -l)" = 10000 ]
	[ "$(jq -c 'select(.ok and .changed == false)' "$T/link2.out" | wc -l)" = 10000 ]
	[ "$(journal_count)" = "$n" ]
	# no progress bar when stderr is not a terminal
	[ ! -s "$T/link2.err" ]
}
