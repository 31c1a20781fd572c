#!/bin/bash
# make bench: each figure beside its baseline, measured in the same run, as a
# ratio.  Loopback only; acd is started on a fresh database in a temporary
# folder and stopped by its PID.  A part that cannot run says so and makes the
# whole run fail: no figure is ever made up.
#   usage: bench/run.sh [BUILD-DIR]     (BENCH_SECONDS: length of load runs, 5)
set -u
B=${1:-build}
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BIN=$ROOT/$B/bin
BB=$ROOT/$B/bench
PATH=$BIN:$PATH
SECS=${BENCH_SECONDS:-5}
N=10000
W=$(mktemp -d /tmp/ac-bench.XXXXXX)
export XDG_STATE_HOME=$W/state XDG_CONFIG_HOME=$W/config
unset AC_TOKEN
ACD_PID=
failed=0

cleanup() {
	[ -n "$ACD_PID" ] && kill "$ACD_PID" 2>/dev/null && wait "$ACD_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

fail() { echo "bench: FAILED $*" >&2; failed=1; }
now() { date +%s.%N; }
# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
row() { printf '%-44s %12s   %-34s %12s   ratio %s\n' "$1" "$2" "$3" "$4" "$5"; }
need() {
	for t in "$@"; do
		command -v "$t" > /dev/null || { fail "$t is not available"; return 1; }
	done
}

# timed_bulk PART TOOL IN OUT: runs a bulk tool on IN, prints its seconds;
# fails the part unless every one of the N lines came back ok.
timed_bulk() {
	local t0 t
	t0=$(now)
	"$2" < "$3" > "$4" || { fail "$1 $2 exited $?"; return 1; }
	t=$(since "$t0")
	[ "$(grep -c '"ok":true' "$4")" = $N ] || { fail "$1 $2: not every line was ok"; return 1; }
	echo "$t"
}

# The helpers of bench/, built against libac.
build_helpers() {
	mkdir -p "$BB"
	local cf="-O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilibac"
	local pk="jansson libsodium libcurl liboath sqlite3"
	cc $cf $(pkg-config --cflags $pk) -o "$BB/gen-journal" bench/gen-journal.c "$B/libac.a" \
		$(pkg-config --libs $pk) -lcsv &&
	cc $cf $(pkg-config --cflags $pk) -o "$BB/load" bench/load.c $(pkg-config --libs $pk) -lpthread &&
	cc $cf $(pkg-config --cflags sqlite3) -o "$BB/sqlite-commits" bench/sqlite-commits.c \
		$(pkg-config --libs sqlite3)
}

start_acd() {
	acd init --db "$W/ac.db" --operator op@anct.gouv.fr > "$W/init.json" || return 1
	acd serve --db "$W/ac.db" --listen 127.0.0.1:0 2> "$W/acd.log" &
	ACD_PID=$!
	local port="" i
	for i in $(seq 100); do
		port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$W/acd.log" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || { cat "$W/acd.log" >&2; return 1; }
	export AC_URL=http://127.0.0.1:$port
	ac-login --email op@anct.gouv.fr \
		--code "$(oathtool --totp -b "$(jq -r .totp_secret "$W/init.json")")" > /dev/null
}

# The same schema in a fresh file, for the sqlite3 shell's baselines.
schema_copy() {
	sqlite3 "$W/ac.db" .schema | grep -v '^CREATE TABLE sqlite_' > "$W/schema.sql"
	rm -f "$W/base.db"
	{ echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"; cat "$W/schema.sql"; } |
		sqlite3 "$W/base.db" > /dev/null
}

# (a) import N cards vs sqlite3 inserting the same rows in one transaction.
bench_import() {
	need ac-card-import || return
	awk -v n=$N 'BEGIN { srand(7); for (i = 1; i <= n; i++) { s = "";
		for (j = 0; j < 20; j++) s = s sprintf("%02x", int(rand() * 256));
		printf "{\"serial\":\"GADT%08d\",\"seed\":\"%s\",\"step\":60}\n", i, s } }' > "$W/cards.ndjson"
	local t t0 b
	t=$(timed_bulk "(a)" ac-card-import "$W/cards.ndjson" "$W/import.out") || return
	# the baseline stores what acd stores: a 56-byte box and a 32-byte MAC per seed
	awk -v n=$N 'BEGIN { print "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN;";
		for (i = 1; i <= n; i++)
			printf "INSERT INTO cards (id, serial, kind, state, seed_box, seed_mac, digits, step, algorithm, created_at) VALUES (%d, '"'"'GADT%08d'"'"', '"'"'physical'"'"', '"'"'stock'"'"', randomblob(56), randomblob(32), 6, 60, '"'"'sha1'"'"', 1714521600);\n", i + 100, i;
		print "COMMIT;" }' > "$W/import.sql"
	local b
	t0=$(now)
	sqlite3 "$W/base.db" < "$W/import.sql" > /dev/null || { fail "(a) the sqlite3 baseline failed"; return; }
	b=$(since "$t0")
	row "(a) ac-card-import, $N cards" "${t}s" "sqlite3, one transaction" "${b}s" "$(ratio "$t" "$b")"
}

# (b) link N cards (operator, bulk, no codes) vs sqlite3 updates.
bench_link() {
	need ac-structure-new ac-aidant-add ac-card-link || return
	[ -s "$W/import.out" ] || { fail "(b) needs the cards of (a)"; return; }
	local sid
	sid=$(ac-structure-new --name "Bench CCAS" --siret 12345678901237 --zipcode 69001 --city Lyon | jq -r .id)
	[ -n "$sid" ] && [ "$sid" != null ] || { fail "(b) ac-structure-new gave no id"; return; }
	awk -v n=$N -v s="$sid" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"structure\":%d,\"email\":\"aidant%d@bench.fr\",\"first_name\":\"A\",\"last_name\":\"B%d\"}\n", s, i, i }' |
		ac-aidant-add > "$W/aidants.out" || { fail "(b) ac-aidant-add exited $?"; return; }
	awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"serial\":\"GADT%08d\",\"email\":\"aidant%d@bench.fr\"}\n", i, i }' > "$W/links.ndjson"
	local t0 t b
	t=$(timed_bulk "(b)" ac-card-link "$W/links.ndjson" "$W/link.out") || return
	awk -v n=$N 'BEGIN { print "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN;";
		for (i = 1; i <= n; i++)
			printf "UPDATE cards SET state = '"'"'linked'"'"', account_id = %d, structure_id = 1, linked_at = 1714521600 WHERE serial = '"'"'GADT%08d'"'"' AND state = '"'"'stock'"'"';\n", i + 1, i;
		print "COMMIT;" }' > "$W/link.sql"
	t0=$(now)
	sqlite3 "$W/base.db" < "$W/link.sql" > /dev/null || { fail "(b) the sqlite3 baseline failed"; return; }
	b=$(since "$t0")
	row "(b) ac-card-link, $N cards" "${t}s" "sqlite3, one transaction" "${b}s" "$(ratio "$t" "$b")"
}

# (c) logins/s, 8 clients, each login a distinct aidant with its own card.
bench_logins() {
	[ -s "$W/link.out" ] || { fail "(c) needs the aidants and linked cards of (b)"; return; }
	jq -r 'select(.serial) | .serial' "$W/cards.ndjson" > /dev/null
	paste -d' ' <(seq $N | sed 's/.*/aidant&@bench.fr/') <(jq -r .seed "$W/cards.ndjson") \
		<(yes 60 | head -$N) > "$W/accounts.txt"
	local login health commits
	login=$("$BB/load" login "$AC_URL" 8 "$SECS" "$W/accounts.txt") ||
		{ fail "(c) logins failed: $login"; return; }
	health=$("$BB/load" health "$AC_URL" 8 "$SECS") || { fail "(c) health failed: $health"; return; }
	commits=$("$BB/sqlite-commits" "$W/commits.db" "$SECS") || { fail "(c) sqlite-commits failed"; return; }
	local l h c
	l=$(jq .per_second <<<"$login")
	h=$(jq .per_second <<<"$health")
	c=$(jq .per_second <<<"$commits")
	row "(c) logins/s, 8 clients ($(jq .requests <<<"$login") logins)" "$l" "GET /v1/health/s, 8 clients" "$h" "$(ratio "$l" "$h")"
	row "    logins/s, 8 clients" "$l" "SQLite durable commits/s, 1 loop" "$c" "$(ratio "$l" "$c")"
}

# (d) ac-whoami vs curl making the same request.
bench_whoami() {
	need hyperfine ac-whoami curl || return
	local tok
	tok=$(cat "$XDG_STATE_HOME/ac/session")
	hyperfine -N --warmup 5 --runs 100 --export-json "$W/whoami.json" 'ac-whoami' \
		"curl -s -H 'Authorization: Bearer $tok' $AC_URL/v1/session" > /dev/null 2>&1 ||
		{ fail "(d) hyperfine failed"; return; }
	local a c
	a=$(jq '.results[0].mean * 1000' "$W/whoami.json")
	c=$(jq '.results[1].mean * 1000' "$W/whoami.json")
	row "(d) ac-whoami, ms" "$(printf %.2f "$a")" "curl, same request, ms" "$(printf %.2f "$c")" "$(ratio "$a" "$c")"
}

# (e) ac-audit --verify of 1,000,000 entries vs b2sum over the same bytes.
bench_verify() {
	need ac-audit b2sum || return
	"$BB/gen-journal" 1000000 > "$W/journal.ndjson" || { fail "(e) gen-journal failed"; return; }
	cat "$W/journal.ndjson" > /dev/null # both start from the page cache
	local t0 t b
	t0=$(now)
	ac-audit --verify < "$W/journal.ndjson" > "$W/verify.out" || { fail "(e) the export did not verify"; return; }
	t=$(since "$t0")
	jq -e '.ok and .entries == 1000000' "$W/verify.out" > /dev/null || { fail "(e) wrong verdict"; return; }
	t0=$(now)
	b2sum < "$W/journal.ndjson" > /dev/null
	b=$(since "$t0")
	row "(e) ac-audit --verify, 1,000,000 entries" "${t}s" "b2sum, same $(($(stat -c %s "$W/journal.ndjson") / 1000000)) MB" "${b}s" "$(ratio "$t" "$b")"
}

# (f) ac-mandate-list streaming 100,000 mandates of one structure vs the sqlite3
# shell selecting the same rows (with their usager) as JSON.
bench_mandates() {
	need ac-mandate-list ac-login || return
	[ -s "$W/link.out" ] || { fail "(f) needs the aidants and linked cards of (b)"; return; }
	local M=100000 sid=1
	sqlite3 "$W/ac.db" > /dev/null <<SQL || { fail "(f) cannot generate the mandates"; return; }
PRAGMA busy_timeout = 10000;
BEGIN;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, birthplace, birthcountry,
    gender, email, preferred_username, created_at, updated_at)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $M)
  SELECT i, randomblob(32), 'Usager', 'NOM' || i, '1970-01-01', '75107', '99100', 'female',
         'u' || i || '@example.fr', '', strftime('%s'), strftime('%s') FROM n;
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $M)
  SELECT i, $sid, i, 2, 'papiers,logement', 'long', strftime('%s'), strftime('%s') + 31536000,
         'mandat-1', lower(hex(randomblob(32))) FROM n;
INSERT INTO autorisations (id, mandate_id, demarche)
  SELECT 2 * id - 1, id, 'papiers' FROM mandates UNION ALL SELECT 2 * id, id, 'logement' FROM mandates;
COMMIT;
SQL
	local seed
	seed=$(jq -r 'select(.serial == "GADT00000001") | .seed' "$W/cards.ndjson")
	XDG_STATE_HOME=$W/aidant ac-login --email aidant1@bench.fr \
		--code "$(oathtool --totp -s 60 "$seed" --now "@$(($(date +%s) + 60))")" > /dev/null ||
		{ fail "(f) the aidant cannot log in"; return; }
	local t0 t b
	t0=$(now)
	XDG_STATE_HOME=$W/aidant ac-mandate-list --structure $sid > "$W/mandates.ndjson" ||
		{ fail "(f) ac-mandate-list exited $?"; return; }
	t=$(since "$t0")
	[ "$(wc -l < "$W/mandates.ndjson")" = $M ] || { fail "(f) ac-mandate-list gave $(wc -l < "$W/mandates.ndjson") lines"; return; }
	t0=$(now)
	sqlite3 -json "$W/ac.db" "SELECT m.*, u.given_name, u.family_name, u.birthdate, u.birthplace,
		u.birthcountry, u.gender, u.email, u.preferred_username,
		(SELECT json_group_array(demarche) FROM autorisations a WHERE a.mandate_id = m.id) AS auts
		FROM mandates m JOIN usagers u ON u.id = m.usager_id WHERE m.structure_id = $sid ORDER BY m.id" \
		> "$W/mandates.sqlite.json" || { fail "(f) the sqlite3 baseline failed"; return; }
	b=$(since "$t0")
	row "(f) ac-mandate-list, $M mandates" "${t}s" "sqlite3 -json, same rows" "${b}s" "$(ratio "$t" "$b")"

	# (g) attestations/s: the PDF of one mandate, 8 clients, against its JSON
	local pdf json
	export AC_TOKEN
	AC_TOKEN=$(cat "$W/aidant/ac/session")
	pdf=$("$BB/load" get "$AC_URL" 8 "$SECS" /v1/mandates/1/attestation) || { fail "(g) attestations failed: $pdf"; unset AC_TOKEN; return; }
	json=$("$BB/load" get "$AC_URL" 8 "$SECS" /v1/mandates/1) || { fail "(g) mandate JSON failed: $json"; unset AC_TOKEN; return; }
	unset AC_TOKEN
	row "(g) attestations (PDF)/s, 8 clients" "$(jq .per_second <<<"$pdf")" "GET /v1/mandates/1 (JSON)/s" \
		"$(jq .per_second <<<"$json")" "$(ratio "$(jq .per_second <<<"$pdf")" "$(jq .per_second <<<"$json")")"
}

need acd jq oathtool sqlite3 cc pkg-config || exit 1
build_helpers || { echo "bench: cannot build bench/ helpers" >&2; exit 1; }
start_acd || { echo "bench: cannot start acd" >&2; exit 1; }
schema_copy
echo "make bench: each figure beside its baseline from this same run (lower time / higher rate is better)"
bench_import
bench_link
bench_logins
bench_whoami
bench_verify
bench_mandates
if [ $failed != 0 ]; then
	echo "bench: some parts could not run (see above): no figure was made up for them" >&2
	exit 1
fi
