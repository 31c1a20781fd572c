#!/usr/bin/env bats
# GET /v1/journal and ac-audit: export with filters, offline --verify, and
# every kind of tampering caught at the right sequence number.

load helpers

setup() {
	acd_start
	op_login
	# three failed logins, sent with curl so the operator's session stays
	for i in 1 2 3; do
		curl -s -o /dev/null -X POST "$AC_URL/v1/session" \
			-d "{\"email\":\"$OP_EMAIL\",\"code\":\"000000\"}"
	done
}
teardown() { acd_stop; }

# The export, with line $2 (1-based) replaced by what jq program $1 makes of it.
tamper() {
	ac-audit > "$T/export.ndjson"
	awk -v n="$2" 'NR == n' "$T/export.ndjson" | jq -c "$1" > "$T/line"
	awk -v n="$2" -v f="$T/line" 'NR == n { getline l < f; print l; next } { print }' \
		"$T/export.ndjson"
}

@test "the operator exports the whole journal and it verifies offline" {
	run ac-audit
	assert_success
	[ "${#lines[@]}" = "$(journal_count)" ]
	[ "${#lines[@]}" -ge 5 ]
	# every line: exactly the hashed fields, then digest and chain
	for l in "${lines[@]}"; do
		assert_equal "$(jq -c keys_unsorted <<<"$l")" \
			'["seq","time","action","actor","structure","subject","details","digest","chain"]'
	done
	[ "$(jq -s -c 'map(.action) | map(select(. == "login_failed")) | length' <<<"$output")" = 3 ]
	! grep -q 000000 <<<"$output" || false
	printf '%s\n' "${lines[@]}" > "$T/export.ndjson"
	run ac-audit --verify < "$T/export.ndjson"
	assert_success
	assert_equal "$(jq -r .ok <<<"$output")" true
	assert_equal "$(jq -r .entries <<<"$output")" "$(journal_count)"
	assert_equal "$(jq -r .head <<<"$output")" \
		"$(sql "SELECT lower(hex(chain)) FROM journal ORDER BY seq DESC LIMIT 1")"
}

@test "verify works without a server" {
	ac-audit > "$T/export.ndjson"
	acd_stop
	AC_URL=http://127.0.0.1:1 run ac-audit --verify < "$T/export.ndjson"
	assert_success
}

@test "one altered field of one entry is caught at its seq" {
	tamper '.actor = "someone@else.fr"' 3 > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq -c '[.ok, .broken_at]')" '[false,3]'
	assert_output --partial "does not verify: entry 3:"
}

@test "edited details are caught" {
	tamper '.details.reason = "ok"' 4 > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq .broken_at)" 4
}

@test "an entry altered with a recomputed digest is still caught by the chain" {
	ac-audit > "$T/export.ndjson"
	# a forger who knows the digest rule but not how to fix every later chain
	canon=$(sed -n 2p "$T/export.ndjson" | jq -c -S '.subject = "forged" | del(.digest, .chain)' | tr -d '\n')
	d=$(printf '%s' "$canon" | b2sum -l 256 | cut -d' ' -f1)
	sed -n 2p "$T/export.ndjson" | jq -c --arg d "$d" '.subject = "forged" | .digest = $d' > "$T/line"
	{ sed -n 1p "$T/export.ndjson"; cat "$T/line"; sed -n '3,$p' "$T/export.ndjson"; } > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq .broken_at)" 2
	assert_output --partial "chain breaks"
}

@test "a deleted middle line is caught" {
	ac-audit > "$T/export.ndjson"
	sed 3d "$T/export.ndjson" > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq -c '[.ok, .broken_at, .entries]')" '[false,3,2]'
	assert_output --partial "entry 3 is missing"
}

@test "two swapped lines are caught" {
	ac-audit > "$T/export.ndjson"
	{ sed -n '1,2p' "$T/export.ndjson"; sed -n 4p "$T/export.ndjson"; sed -n 3p "$T/export.ndjson"
	  sed -n '5,$p' "$T/export.ndjson"; } > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq .broken_at)" 3
}

@test "a changed sequence number is caught" {
	tamper '.seq = 30' 3 > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq .broken_at)" 3
}

@test "a malformed line exits 65 and names the line" {
	ac-audit > "$T/export.ndjson"
	{ sed -n '1,2p' "$T/export.ndjson"; echo '{"seq":3,'; } > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 65
	assert_output --partial "line 3"
	echo '[1,2]' | { run ac-audit --verify; assert_failure 65; }
	run ac-audit --verify < /dev/null
	assert_failure 65
}

@test "--verify reads lines however they come: CRLF, blank lines, no last newline, a line of 2 MiB, a pipe" {
	ac-audit > "$T/export.ndjson"
	run ac-audit --verify < "$T/export.ndjson"
	assert_success
	local head
	head=$(jq -r .head <<<"$output")
	# line 2 behind 2 MiB of spaces (still the same JSON, longer than a read),
	# a blank line after it, CRLF endings and no newline after the last line
	awk 'NR == 2 { printf "%2097152s", "" } { printf "%s\r\n", $0 } NR == 2 { print "" }' \
		"$T/export.ndjson" | head -c -2 > "$T/odd.ndjson"
	run ac-audit --verify < "$T/odd.ndjson"
	assert_success
	assert_equal "$(jq -r .head <<<"$output")" "$head"
	cat "$T/odd.ndjson" | { run ac-audit --verify; assert_success; }
	# lines are still counted as written: the blank one too
	{ cat "$T/odd.ndjson"; printf '\r\n{"seq":\r\n'; } > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 65
	assert_output --partial "line $(($(wc -l < "$T/export.ndjson") + 2))"
}

@test "an export whose first entries were removed is caught at its first entry" {
	ac-audit > "$T/export.ndjson"
	sed 1,2d "$T/export.ndjson" > "$T/bad.ndjson"
	run ac-audit --verify < "$T/bad.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq -c '[.entries, .ok, .broken_at]')" '[0,false,3]'
	assert_output --partial "the export starts at entry 3, not 1"
	assert_output --partial "--anchor"
	sed 1d "$T/export.ndjson" | { run ac-audit --verify; assert_failure 1; }
}

@test "a slice verifies with --anchor, the head of the verify of the export before it" {
	ac-audit > "$T/export.ndjson"
	head=$(sed -n 1,2p "$T/export.ndjson" | ac-audit --verify | jq -r .head)
	sed 1,2d "$T/export.ndjson" > "$T/slice.ndjson"
	run ac-audit --verify --anchor "$head" < "$T/slice.ndjson"
	assert_success
	assert_equal "$(jq -c '[.ok, .entries]' <<<"$output")" "[true,$(( $(journal_count) - 2 ))]"
	assert_equal "$(jq -r .head <<<"$output")" \
		"$(sql "SELECT lower(hex(chain)) FROM journal ORDER BY seq DESC LIMIT 1")"
	# the slice missing its first entry, or the wrong anchor: caught at the first line
	sed 1d "$T/slice.ndjson" | { run ac-audit --verify --anchor "$head"; assert_failure 1
		assert_equal "$(head -1 <<<"$output" | jq .broken_at)" 4; }
	wrong=$(sed -n 1p "$T/export.ndjson" | jq -r .chain)
	run ac-audit --verify --anchor "$wrong" < "$T/slice.ndjson"
	assert_failure 1
	assert_equal "$(head -1 <<<"$output" | jq .broken_at)" 3
	assert_output --partial "anchor"
	# usage
	run ac-audit --verify --anchor abc < "$T/slice.ndjson"
	assert_failure 64
	run ac-audit --anchor "$head"
	assert_failure 64
	# a --since export is such a slice: a second later, one more entry, then
	# the slice from its time verifies on the chain of the entry before it
	sleep 1
	curl -s -o /dev/null -X POST -d "{\"email\":\"$OP_EMAIL\",\"code\":\"000000\"}" "$AC_URL/v1/session"
	last=$(sql "SELECT MAX(seq) FROM journal")
	since=$(sql "SELECT time FROM journal WHERE seq = $last")
	prev=$(sql "SELECT lower(hex(chain)) FROM journal WHERE seq = $last - 1")
	run sh -c "ac-audit --since '$since' | ac-audit --verify --anchor '$prev'"
	assert_success
	assert_equal "$(jq -c '[.ok, .entries]' <<<"$output")" '[true,1]'
}

@test "filters: action, actor, since, until" {
	run ac-audit --action login_failed
	assert_success
	[ "${#lines[@]}" = 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | jq -r .action | sort -u)" = login_failed ]
	run ac-audit --actor "$(tr a-z A-Z <<<"$OP_EMAIL")" --action login
	assert_success
	[ "${#lines[@]}" = 1 ]
	today=$(date -u +%F)
	[ "$(ac-audit --since "$today" | wc -l)" = "$(journal_count)" ]
	[ "$(ac-audit --until "$today" | wc -l)" = "$(journal_count)" ]
	[ "$(ac-audit --since 2100-01-01 | wc -l)" = 0 ]
	[ "$(ac-audit --until 2000-01-01T00:00:00Z | wc -l)" = 0 ]
	# an offset is turned into UTC
	first=$(sql "SELECT time FROM journal WHERE seq = 1")
	[ "$(ac-audit --until "$first" | jq -s length)" -ge 1 ]
}

@test "bad filters: a clear error and exit 65" {
	for args in "--since 2024-13-01" "--until yesterday" "--structure abc" "--structure -3" \
		"--action Login!" "--actor not-an-email" "--since 2025-01-02 --until 2025-01-01"; do
		run ac-audit $args
		assert_failure 65
		assert_output --regexp "ac-audit: (since|until|structure|action|actor)"
	done
	run curl -s -w '\n%{http_code}' -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" \
		"$AC_URL/v1/journal?limit=5"
	assert_equal "${lines[1]}" 400
	jq -e '.error.code == "bad_filter" and (.error.message | test("unknown filter"))' <<<"${lines[0]}"
	run ac-audit --verify --action login
	assert_failure 64
}

@test "a structure that does not exist answers 404, like a foreign one" {
	run ac-audit --structure 999
	assert_failure 1
	assert_output --partial "no such structure"
}

@test "no route changes the journal" {
	n=$(journal_count)
	auth="Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")"
	for m in POST PUT PATCH DELETE; do
		run curl -s -o /dev/null -w '%{http_code}' -X "$m" -H "$auth" "$AC_URL/v1/journal"
		assert_output 405
	done
	[ "$(journal_count)" = "$n" ]
}

@test "without a session: exit 77" {
	ac-logout
	run ac-audit
	assert_failure 77
}

@test "a journal longer than a page streams whole and verifies" {
	# 1,100 more entries: a card import journals each card
	seq 1100 | awk '{ printf "{\"serial\":\"GADT%08d\",\"seed\":\"%040x\"}\n", $1, $1 * 7919 }' |
		ac-card-import > /dev/null
	n=$(journal_count)
	[ "$n" -gt 1100 ]
	ac-audit > "$T/export.ndjson"
	[ "$(wc -l < "$T/export.ndjson")" = "$n" ]
	run ac-audit --verify < "$T/export.ndjson"
	assert_success
	assert_equal "$(jq .entries <<<"$output")" "$n"
	[ "$(ac-audit --action card_import | wc -l)" = 1100 ]
}

# ref_setup: structures A and B, a référent of A and an aidant of A, each with
# a linked card; exports REF_EMAIL, REF_SEED, AID_EMAIL, AID_SEED, SA, SB.
ref_setup() {
	SA=$(ac-structure-new --name "CCAS A" --siret "$SIRET_A" --zipcode 69001 --city Lyon | jq -r .id)
	SB=$(ac-structure-new --name "CCAS B" --siret "$SIRET_B" --zipcode 75001 --city Paris | jq -r .id)
	REF_EMAIL=ref@a.fr AID_EMAIL=aidant@a.fr OTHER_EMAIL=aidant@b.fr
	REF_SEED=3132333435363738393031323334353637383930
	AID_SEED=3132333435363738393031323334353637383931
	ac-aidant-add --structure "$SA" --email "$REF_EMAIL" --first-name Rita --last-name Ref \
		--referent --no-aidant > /dev/null
	ac-aidant-add --structure "$SA" --email "$AID_EMAIL" --first-name Ali --last-name Aid > /dev/null
	ac-aidant-add --structure "$SB" --email "$OTHER_EMAIL" --first-name Bea --last-name Bee > /dev/null
	printf '{"serial":"GADT00000001","seed":"%s","step":60}\n{"serial":"GADT00000002","seed":"%s","step":60}\n' \
		"$REF_SEED" "$AID_SEED" | ac-card-import > /dev/null
	printf '{"serial":"GADT00000001","email":"%s"}\n{"serial":"GADT00000002","email":"%s"}\n' \
		"$REF_EMAIL" "$AID_EMAIL" | ac-card-link > /dev/null
}

@test "a référent sees only its structures' entries; a foreign structure is 404" {
	ref_setup
	[ "$(ac-audit --structure "$SB" | wc -l)" -ge 1 ] # the operator sees B's entries
	ac-login --email "$REF_EMAIL" --code "$(totp_hex "$REF_SEED")" > /dev/null
	run ac-audit
	assert_success
	[ "${#lines[@]}" -ge 1 ]
	[ "$(printf '%s\n' "${lines[@]}" | jq -r .structure | sort -u)" = "$SA" ]
	run ac-audit --structure "$SB"
	assert_failure 1
	assert_output --partial "no such structure"
	run ac-audit --structure 999
	assert_failure 1
	assert_output --partial "no such structure"
	[ "$(ac-audit --structure "$SA" | wc -l)" -ge 1 ]
}

@test "an aidant who is not a référent may not read the journal (77)" {
	ref_setup
	ac-login --email "$AID_EMAIL" --code "$(totp_hex "$AID_SEED")" > /dev/null
	run ac-audit
	assert_failure 77
	assert_output --partial "only operators and référents"
}
