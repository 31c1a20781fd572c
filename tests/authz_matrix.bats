#!/usr/bin/env bats
# The authorization matrix (issue 12 §3): tests/authz_matrix.tsv walked
# against a live acd, every route of acd/routes.c by every kind of caller.

load helpers
load matrix_helpers

teardown() { acd_stop; }

# The rows of the table: comments and blank lines left out.
rows() { grep -v -e '^#' -e '^[[:space:]]*$' "$BATS_TEST_DIRNAME/authz_matrix.tsv"; }

@test "every route of acd/routes.c has a row in the matrix, and every row a cell per caller" {
	routes=$(grep -oE '^\s*\{ "[A-Z]+", +"[^"]+"' "$BATS_TEST_DIRNAME/../acd/routes.c" |
		sed -E 's/^\s*\{ "([A-Z]+)", +"([^"]+)"/\1 \2/')
	[ "$(echo "$routes" | wc -l)" -gt 50 ]
	while read -r method route; do
		rows | awk -v m="$method" -v r="$route" '$1 == m && $2 == r { found = 1 } END { exit !found }' ||
			{ echo "no row for $method $route in tests/authz_matrix.tsv"; return 1; }
	done <<<"$routes"
	n=$(( 4 + $(wc -w <<<"$MATRIX_CALLERS") ))
	rows | awk -v n="$n" 'NF != n { print "a row of " NF " fields, not " n ": " $0; bad = 1 } END { exit bad }'
	# and no row for a route that does not exist
	rows | while read -r method route _; do
		grep -qx "$method $route" <<<"$routes" || { echo "no route $method $route"; return 1; }
	done
}

@test "the matrix: each caller gets the status of its cell; nothing changes where it is refused" {
	matrix_setup
	bad=0 cells=0 dirty=0
	while read -r method route path body want; do
		set -- $want
		for who in $MATRIX_CALLERS; do
			expect=${1%j} journaled=${1#$expect}
			shift
			# a change granted before: start again from the same state
			if (( dirty )); then matrix_restore; dirty=0; fi
			if [ "$method" != GET ]; then before=$(state_digest) n=$(journal_count); fi
			got=$(matrix_call "$who" "$method" "$path" "$body")
			cells=$(( cells + 1 ))
			if [ "$got" != "$expect" ]; then
				echo "$method $path as $who: $got, not $expect: $(head -c 300 "$T/cell.out")"
				bad=$(( bad + 1 ))
			fi
			[ "$method" = GET ] && continue
			if [ "${got:0:1}" = 2 ]; then
				dirty=1
			elif [ -n "$journaled" ]; then
				# a wrong one-time code: refused, and the attempt journaled
				[ "$(journal_count)" -gt "$n" ] ||
					{ echo "$method $path as $who: a failed code not journaled"; bad=$(( bad + 1 )); }
				dirty=1
			elif [ "$(state_digest)" != "$before" ] || [ "$(journal_count)" != "$n" ]; then
				echo "$method $path as $who: refused ($got) but the state or the journal changed"
				bad=$(( bad + 1 ))
				dirty=1
			fi
		done
	done < <(rows)
	echo "# $cells cells walked" >&3
	[ "$bad" = 0 ]
}
