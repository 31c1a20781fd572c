#!/usr/bin/env bats
# acd on PostgreSQL (store_pg.c): init and serve on postgresql://, the tools'
# everyday work, the journal exported and verified, a restart, the schema and
# key file guards, and outages of the database (stopped, or its processes
# stopped by SIGSTOP): 503 with Retry-After, the
# tools exit 75, then everything comes back.  One cluster for the file
# (pg_helpers.bash), a fresh database per test.

load helpers
load card_helpers
load pg_helpers

setup_file() { pg_cluster_start; }
teardown_file() { pg_cluster_stop; }

setup() {
	# a test that stopped the server and failed before restarting it
	as_pg "$PGBIN/pg_isready" -h "$PG_SOCK" -q || pg_server_start
	pg_acd_start
}
teardown() {
	stop_pidfile "$BATS_TEST_TMPDIR/b/acd.pid" # the second acd of a test that failed early
	acd_stop
}

# import N...: physical cards GADT<n> with seed n
import() {
	local n
	for n in "$@"; do printf '{"serial":"GADT%08d","seed":"%s"}\n' "$n" "$(seed "$n")"; done |
		ac-card-import
}

@test "pg: structures, aidants, cards, a bulk import and links; the journal verifies" {
	op_login
	two_structures
	lyon_brest_people
	[ "$(psql_q "SELECT COUNT(*) FROM memberships")" = 5 ]
	run import $(seq 1 200)
	assert_success
	[ "$(jq -s 'map(select(.ok)) | length' <<<"$output")" = 200 ]
	[ "$(psql_q "SELECT COUNT(*) FROM cards WHERE kind <> 'app'")" = 200 ]
	# re-run: nothing changes
	[ "$(import $(seq 1 200) | jq -s 'map(select(.ok and .changed == false)) | length')" = 200 ]
	# a bulk link whose lines fail on the database's own constraints keeps the others
	cat > "$T/links.ndjson" <<-EOF
	{"serial":"$(serial 1)","email":"a1@lyon.fr"}
	{"serial":"$(serial 2)","email":"b1@brest.fr"}
	{"serial":"$(serial 1)","email":"b2@brest.fr"}
	{"serial":"$(serial 3)","email":"a1@lyon.fr"}
	EOF
	run ac-card-link < "$T/links.ndjson"
	assert_failure 1
	jq -e '.ok and .state == "linked" and .structure == 1' <<<"${lines[0]}"
	jq -e '.ok and .structure == 2' <<<"${lines[1]}"
	jq -e '.error.code == "card_taken"' <<<"${lines[2]}"
	jq -e '.error.code == "aidant_has_card"' <<<"${lines[3]}"
	[ "$(psql_q "SELECT COUNT(*) FROM cards WHERE state = 'linked'")" = 2 ]
	run login a1@lyon.fr 1
	assert_success
	[ "$(psql_q "SELECT state FROM cards WHERE serial = '$(serial 1)'")" = active ]
	# the whole journal, exported and verified offline; its head is the database's
	ac-audit > "$T/export.ndjson"
	[ "$(wc -l < "$T/export.ndjson")" = "$(psql_q "SELECT COUNT(*) FROM journal")" ]
	run ac-audit --verify < "$T/export.ndjson"
	assert_success
	assert_equal "$(jq -r .ok <<<"$output")" true
	assert_equal "$(jq -r .head <<<"$output")" \
		"$(psql_q "SELECT encode(chain, 'hex') FROM journal ORDER BY seq DESC LIMIT 1")"
	# and acd check agrees: constraints, schema, chain, every sealed secret
	acd_stop
	acd check --db "$PG_URL" --key-file "$T/ac.key" > "$T/check.json" 2> "$T/check.err"
	jq -e '.ok and .integrity == "ok" and .journal.ok and .cards.unreadable == 0' "$T/check.json"
	grep -q "pg_amcheck" "$T/check.err" # what it could not check, said
}

@test "pg: four concurrent logins with one code make one session" {
	code=$(totp_b32 "$OP_SECRET")
	body="{\"email\":\"$OP_EMAIL\",\"code\":\"$code\"}"
	pids=""
	for i in 1 2 3 4; do
		curl -s -o "$T/r$i" -w '%{http_code}\n' -X POST "$AC_URL/v1/session" -d "$body" > "$T/s$i" &
		pids="$pids $!"
	done
	wait $pids
	[ "$(cat "$T"/s? | grep -c 201)" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM sessions")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'login'")" = 1 ]
}

@test "pg: a restart keeps everything, and a code used before it stays used" {
	code=$(totp_b32 "$OP_SECRET")
	ac-login --email "$OP_EMAIL" --code "$code" > /dev/null
	two_structures
	lyon_brest_people
	import 1 > /dev/null
	before=$(psql_q "SELECT COUNT(*) FROM journal")
	acd_stop
	# the signing keys rotated between the two runs: two new, two retired
	acd keys rotate --db "$PG_URL" --key-file "$T/ac.key" > "$T/rotated.ndjson"
	[ "$(wc -l < "$T/rotated.ndjson")" = 2 ]
	[ "$(acd keys list --db "$PG_URL" --key-file "$T/ac.key" | jq -s 'map(select(.retired_at != null)) | length')" = 2 ]
	: > "$T/acd.log"
	acd_serve_ready --db "$PG_URL" --key-file "$T/ac.key"
	run ac-structure-list
	assert_success
	[ "${#lines[@]}" = 2 ]
	run ac-card-list
	assert_success
	[ "$(jq -s 'map(select(.serial == "GADT00000001")) | length' <<<"$output")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal")" -ge "$before" ]
	run as replay ac-login --email "$OP_EMAIL" --code "$code"
	assert_failure 77
	assert_output --partial "already used"
	run ac-audit --verify < <(ac-audit)
	assert_success
}

@test "pg: a schema newer than this acd is refused at start; init refuses a used database" {
	acd_stop
	psql_q "INSERT INTO schema_version VALUES (999)"
	run acd serve --db "$PG_URL" --key-file "$T/ac.key" --listen 127.0.0.1:0
	assert_failure 78
	assert_output --partial "newer than this acd knows"
	psql_q "DELETE FROM schema_version WHERE version = 999"
	run acd init --db "$PG_URL" --key-file "$T/other.key" --operator "$OP_EMAIL"
	assert_failure 73
	assert_output --partial "already holds an acd schema"
	# an empty database is not one acd serves
	as_pg "$PGBIN/createdb" -h "$PG_SOCK" -U postgres "${PG_DB}_empty"
	run acd serve --db "postgresql://postgres@/${PG_DB}_empty?host=$PG_SOCK" --key-file "$T/ac.key" \
		--listen 127.0.0.1:0
	assert_failure 78
	assert_output --partial "no acd schema"
}

@test "pg: the key file is required, must be mode 0600, and backup points to pg_dump" {
	acd_stop
	run acd serve --db "$PG_URL" --listen 127.0.0.1:0
	assert_failure 64
	assert_output --partial "--key-file"
	chmod 644 "$T/ac.key"
	run acd serve --db "$PG_URL" --key-file "$T/ac.key" --listen 127.0.0.1:0
	assert_failure 78
	assert_output --partial "readable by others"
	chmod 600 "$T/ac.key"
	run acd backup --db "$PG_URL" --key-file "$T/ac.key" --to "$T/copy.db"
	assert_failure 74
	assert_output --partial "pg_dump"
	[ ! -e "$T/copy.db" ]
}

@test "pg: the database stopped: 503 with Retry-After, the tools exit 75; then it comes back" {
	# one worker thread: its one connection is the one the outage breaks and
	# the one that comes back (another thread would connect afresh)
	acd_stop
	acd_serve_ready --db "$PG_URL" --key-file "$T/ac.key" --threads 1
	op_login
	two_structures
	pg_server_stop
	run curl -s -D "$T/headers" -o "$T/body" "$AC_URL/v1/health"
	grep -q '^HTTP/1.1 503' "$T/headers"
	grep -qi '^Retry-After: 1' "$T/headers"
	run ac-structure-list
	assert_failure 75
	run ac-structure-new --name "Mairie de Rennes" --siret 35238246600014 --zipcode 35000 --city Rennes
	assert_failure 75
	pg_server_start
	run ac-structure-list
	assert_success
	[ "${#lines[@]}" = 2 ]
	run ac-structure-new --name "Mairie de Rennes" --siret 35238246600014 --zipcode 35000 --city Rennes
	assert_success
	[ "$(psql_q "SELECT COUNT(*) FROM structures")" = 3 ]
	run ac-audit --verify < <(ac-audit)
	assert_success
	grep -q "PostgreSQL connection is lost" "$T/acd.log"
	grep -q "PostgreSQL connection is back" "$T/acd.log"
	# the listener's own connection came back too (1 s, 2 s... apart)
	for _ in $(seq 100); do grep -q "listen: listening again" "$T/acd.log" && break; sleep 0.1; done
	grep -q "listen: listening again" "$T/acd.log"
}

@test "pg: connections the server ended are reset before the next request, which succeeds" {
	# one worker thread, so that the next requests meet the ended connection
	acd_stop
	acd_serve_ready --db "$PG_URL" --key-file "$T/ac.key" --threads 1
	op_login
	two_structures
	psql_q "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'acd'" > /dev/null
	# until the ended backends are gone (their last message sent, their socket closed)
	for _ in $(seq 200); do
		[ "$(psql_q "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'acd'")" = 0 ] && break
		sleep 0.05
	done
	[ "$(psql_q "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'acd'")" = 0 ]
	# the listener of other servers' changes (its own connection), ended
	# too, listens again on a new one
	listener="SELECT pid FROM pg_stat_activity WHERE application_name = 'acd-listen' AND query LIKE '%LISTEN ac_drafts'"
	old=$(psql_q "$listener")
	[ -n "$old" ]
	psql_q "SELECT pg_terminate_backend($old)" > /dev/null
	for _ in $(seq 200); do grep -q "listen: listening again" "$T/acd.log" && break; sleep 0.05; done
	grep -q "listen: the connection was lost" "$T/acd.log"
	grep -q "listen: listening again" "$T/acd.log"
	new=$(psql_q "$listener")
	[ -n "$new" ] && [ "$new" != "$old" ]
	run ac-structure-list
	assert_success
	[ "${#lines[@]}" = 2 ]
	run ac-structure-new --name "Mairie de Rennes" --siret 35238246600014 --zipcode 35000 --city Rennes
	assert_success
	grep -q "PostgreSQL connection is back" "$T/acd.log"
}

@test "pg: two acd on one database write at once: every line once, one journal chain without a gap" {
	op_login
	two_structures
	# a second acd on the same database and key file, its own port and log
	mkdir "$T/b"
	acd serve --db "$PG_URL" --key-file "$T/ac.key" --listen 127.0.0.1:0 \
		--ready-file "$T/b/ready" 2> "$T/b/acd.log" &
	echo $! > "$T/b/acd.pid"
	url_b="http://$(wait_ready "$T/b/ready" "$(cat "$T/b/acd.pid")")"
	seq 1 300 | awk '{ printf "{\"serial\":\"GADT%08d\",\"seed\":\"%040x\"}\n", $1, $1 * 7919 }' > "$T/cards.ndjson"
	seq 1 300 | awk '{ printf "{\"structure\":1,\"email\":\"a%03d@lyon.fr\",\"first_name\":\"A\",\"last_name\":\"N%d\"}\n", $1, $1 }' > "$T/people.ndjson"
	# the same cards through both servers at once, and people meanwhile
	ac-card-import < "$T/cards.ndjson" > "$T/a.out" &
	pa=$!
	AC_URL=$url_b ac-card-import < "$T/cards.ndjson" > "$T/b.out" &
	pb=$!
	AC_URL=$url_b ac-aidant-add < "$T/people.ndjson" > "$T/p.out" &
	pp=$!
	wait "$pa" "$pb" "$pp"
	stop_pidfile "$T/b/acd.pid"
	# under the sanitizer build, what the second acd reported at exit fails the test
	! grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T/b/acd.log" || false
	[ "$(psql_q "SELECT COUNT(*) FROM cards WHERE kind <> 'app'")" = 300 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'card_import'")" = 300 ]
	[ "$(cat "$T/a.out" "$T/b.out" | jq -s 'map(select(.ok and .changed)) | length')" = 300 ]
	[ "$(psql_q "SELECT COUNT(*) FROM memberships")" = 300 ]
	[ "$(psql_q "SELECT MAX(seq) - COUNT(*) FROM journal")" = 0 ]
	run ac-audit --verify < <(ac-audit)
	assert_success
	assert_equal "$(jq -r .entries <<<"$output")" "$(psql_q "SELECT COUNT(*) FROM journal")"
	# the retention job runs beside them too
	acd purge --db "$PG_URL" --key-file "$T/ac.key" > "$T/purge.json" 2> "$T/purge.err"
	jq -e '.dry_run == false' "$T/purge.json"
	grep -q "does not zero deleted rows" "$T/purge.err" # what PostgreSQL cannot promise, said
}

@test "pg: a server that stops answering (SIGSTOP): 503 after 30 s rather than a hang; then it comes back" {
	acd_stop
	acd_serve_ready --db "$PG_URL" --key-file "$T/ac.key" --threads 1
	op_login
	two_structures
	pids=$(pg_server_pids)
	kill -STOP $pids
	run ac-structure-list
	kill -CONT $pids # at once, whatever came: the next tests need the server
	assert_failure 75
	grep -q "PostgreSQL did not answer in 30 s" "$T/acd.log"
	run ac-structure-list
	assert_success
	[ "${#lines[@]}" = 2 ]
	grep -q "PostgreSQL connection is back" "$T/acd.log"
}

# sq_counts DB: "table rows" of every table of an SQLite database, sorted
sq_counts() {
	local t
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'"); do
		echo "$t $(sqlite3 "$1" "SELECT COUNT(*) FROM $t")"
	done | sort
}

@test "pg: acd migrate moves an SQLite installation of 100,000 mandates whole; the journal byte for byte; a second run and a wrong key refused" {
	acd_stop # this test's acd on PostgreSQL: the installation to move is SQLite
	acd init --db "$T/sq.db" --operator "$OP_EMAIL" > "$T/sq-init.json"
	OP_SECRET=$(jq -r .totp_secret "$T/sq-init.json")
	"$REPO/bench/gen-stats.sh" "$T/sq.db" 24 2000 100000 2000 > /dev/null
	: > "$T/acd.log"
	acd_serve_ready --db "$T/sq.db"
	op_login
	lyon_brest_people
	run import $(seq 1 30)
	assert_success
	printf '{"serial":"%s","email":"a1@lyon.fr"}\n' "$(serial 1)" | ac-card-link > /dev/null
	login a1@lyon.fr 1
	code_used=$(totp_hex "$(seed 1)" 60)
	ac-audit > "$T/sq-journal.ndjson"
	acd_stop
	sq_counts "$T/sq.db" > "$T/sq-counts"
	[ "$(sqlite3 "$T/sq.db" "SELECT COUNT(*) FROM mandates")" = 100000 ]

	as_pg "$PGBIN/createdb" -h "$PG_SOCK" -U postgres "${PG_DB}m"
	to="postgresql://postgres@/${PG_DB}m?host=$PG_SOCK"
	# refused before anything is written: no key file, a path as the target
	run acd migrate --from "$T/sq.db" --to "$to" --key-file "$T/none.key"
	assert_failure 78
	run acd migrate --from "$T/sq.db" --to "$T/other.db" --key-file "$T/sq.db.key"
	assert_failure 64
	# another key: the sealed seeds do not open, nothing is kept
	acd init --db "$T/other.db" --operator x@y.fr > /dev/null
	run acd migrate --from "$T/sq.db" --to "$to" --key-file "$T/other.db.key"
	assert_failure 1
	assert_output --partial "does not verify"
	PG_DB=${PG_DB}m
	[ "$(psql_q "SELECT COUNT(*) FROM journal")" = 0 ]
	[ "$(psql_q "SELECT COUNT(*) FROM mandates")" = 0 ]

	# the right key: every table copied, counted, verified, committed
	run acd migrate --from "$T/sq.db" --to "$to" --key-file "$T/sq.db.key"
	assert_success
	out=$(tail -n 1 <<<"$output")
	jq -e '.ok and .journal.ok and .cards.unreadable == 0 and .signing_keys.unreadable == 0' <<<"$out"
	jq -e '.tables.mandates == 100000 and .tables.autorisations == 200000' <<<"$out"
	assert_equal "$(jq -r .journal.entries <<<"$out")" "$(wc -l < "$T/sq-journal.ndjson")"
	for t in $(cut -d' ' -f1 "$T/sq-counts"); do echo "$t $(psql_q "SELECT COUNT(*) FROM $t")"; done | sort > "$T/pg-counts"
	diff "$T/sq-counts" "$T/pg-counts"
	# a second run finds the target in use
	run acd migrate --from "$T/sq.db" --to "$to" --key-file "$T/sq.db.key"
	assert_failure 73
	assert_output --partial "not empty"

	# acd serves the moved installation: the journal exported byte for byte,
	# a new code logs in, the code used before the move stays used
	cp "$T/sq.db.key" "$T/moved.key"
	chmod 600 "$T/moved.key"
	acd check --db "$to" --key-file "$T/moved.key" > "$T/check.json" 2> /dev/null
	jq -e '.ok and .journal.ok' "$T/check.json"
	: > "$T/acd.log"
	acd_serve_ready --db "$to" --key-file "$T/moved.key"
	ac-audit | head -n "$(wc -l < "$T/sq-journal.ndjson")" | cmp - "$T/sq-journal.ndjson"
	run login a1@lyon.fr 1 1
	assert_success
	run as a1 ac-login --email a1@lyon.fr --code "$code_used"
	assert_failure
	run ac-aidant-list --structure 2
	assert_success
	assert_output --partial b1@brest.fr
}
