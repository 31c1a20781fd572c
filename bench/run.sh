#!/bin/bash
# make bench: each figure beside its baseline, measured in the same run, as a
# ratio.  Loopback only; acd is started on a fresh database in a temporary
# folder and stopped by its PID.  A part that cannot run says so and makes the
# whole run fail: no figure is ever made up.
#   usage: bench/run.sh [BUILD-DIR [PART...]]   (BENCH_SECONDS: length of load runs, 5)
#   PART: a to l, as printed (default: all); a part that needs another's data
#   runs it too ("bench/run.sh build c" runs a, b and c).
#   BENCH_FLOW_AIDANTS: the aidants of (h), one per flow (400 per second of run)
#   (l) runs acd on a throwaway PostgreSQL cluster of its own (the newest
#   /usr/lib/postgresql/*/bin; initdb and postgres as the postgres user when
#   root), stopped by the PID in its postmaster.pid.
set -u
B=${1:-build}
shift $(( $# > 0 ? 1 : 0 ))
PARTS=" ${*:-a b c d e f g h i j k l} "
case $PARTS in *" c "* | *" f "* | *" g "*) PARTS+="a b " ;; esac
case $PARTS in *" b "*) PARTS+="a " ;; esac
for p in $PARTS; do
	case $p in [a-l]) ;; *) echo "bench: no part \"$p\" (a to l)" >&2; exit 64 ;; esac
done
want() { [[ $PARTS == *" $1 "* ]]; }
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
H_ACD_PID=
I_ACD_PID=
FC_PID=
TOOL_PID=
L_LOAD_PID=
L_ACD1_PID=
L_ACD2_PID=
PG_DIR=
PG_STARTER=
failed=0

cleanup() {
	local p
	for p in "$TOOL_PID" "$L_LOAD_PID" "$ACD_PID" "$H_ACD_PID" "$I_ACD_PID" "$FC_PID" \
		"$L_ACD1_PID" "$L_ACD2_PID"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	pg_stop
	[ -n "$PG_DIR" ] && rm -rf "$PG_DIR"
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
	cc $cf $(pkg-config --cflags $pk) -o "$BB/load" bench/load.c bench/closed_loop.c $(pkg-config --libs $pk) -lpthread &&
	cc $cf $(pkg-config --cflags $pk) -o "$BB/mixed-load" bench/mixed-load.c bench/oidc_client.c bench/closed_loop.c $(pkg-config --libs $pk) -lpthread &&
	cc $cf $(pkg-config --cflags $pk) -o "$BB/oidc-flow" bench/oidc-flow.c bench/oidc_client.c bench/closed_loop.c $(pkg-config --libs $pk) -lpthread &&
	cc $cf $(pkg-config --cflags sqlite3) -o "$BB/sqlite-commits" bench/sqlite-commits.c \
		$(pkg-config --libs sqlite3)
}

# wait_ready FILE PID: the address a server wrote once it accepts (10 s at most)
wait_ready() {
	local i
	for i in $(seq 200); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# The load generators log in, and post the provider's pages, thousands of
# times a second from 127.0.0.1: the bench's acd run without the per-address
# rate limit (--rate-limit 0), which would answer them 429 after 300.
start_acd() {
	acd init --db "$W/ac.db" --operator op@anct.gouv.fr > "$W/init.json" || return 1
	acd serve --db "$W/ac.db" --listen 127.0.0.1:0 --ready-file "$W/acd.ready" --rate-limit 0 \
		2> "$W/acd.log" &
	ACD_PID=$!
	local addr
	addr=$(wait_ready "$W/acd.ready" "$ACD_PID") || { cat "$W/acd.log" >&2; return 1; }
	export AC_URL=http://$addr
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

# The N cards of (a) and (l) (the same seeds each run), the N aidants of a
# structure of (b) and (l), the lines linking card i to aidant i, and the
# load generator's accounts ("email hexseed step") from the cards.
gen_cards() {
	awk -v n=$N 'BEGIN { srand(7); for (i = 1; i <= n; i++) { s = "";
		for (j = 0; j < 20; j++) s = s sprintf("%02x", int(rand() * 256));
		printf "{\"serial\":\"GADT%08d\",\"seed\":\"%s\",\"step\":60}\n", i, s } }' > "$1"
}
gen_aidants() {
	awk -v n=$N -v s="$1" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"structure\":%d,\"email\":\"aidant%d@bench.fr\",\"first_name\":\"A\",\"last_name\":\"B%d\"}\n", s, i, i }'
}
gen_links() {
	awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"serial\":\"GADT%08d\",\"email\":\"aidant%d@bench.fr\"}\n", i, i }' > "$1"
}
gen_accounts() {
	paste -d' ' <(seq $N | sed 's/.*/aidant&@bench.fr/') <(jq -r .seed "$1") <(yes 60 | head -$N) > "$2"
}

# (a) import N cards vs sqlite3 inserting the same rows in one transaction.
bench_import() {
	need ac-card-import || return
	gen_cards "$W/cards.ndjson"
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
	gen_aidants "$sid" | ac-aidant-add > "$W/aidants.out" || { fail "(b) ac-aidant-add exited $?"; return; }
	gen_links "$W/links.ndjson"
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
	gen_accounts "$W/cards.ndjson" "$W/accounts.txt"
	local login health before after
	# a shared disk's fsync rate swings from one second to the next: the
	# commit loop runs just before and just after the logins, and the login
	# figure is set beside the faster of the two
	before=$("$BB/sqlite-commits" "$W/commits.db" "$SECS") || { fail "(c) sqlite-commits failed"; return; }
	login=$("$BB/load" login "$AC_URL" 8 "$SECS" "$W/accounts.txt") ||
		{ fail "(c) logins failed: $login"; return; }
	after=$("$BB/sqlite-commits" "$W/commits.db" "$SECS") || { fail "(c) sqlite-commits failed"; return; }
	health=$("$BB/load" health "$AC_URL" 8 "$SECS") || { fail "(c) health failed: $health"; return; }
	local l h c
	l=$(jq .per_second <<<"$login")
	h=$(jq .per_second <<<"$health")
	c=$(jq -n --argjson a "$before" --argjson b "$after" '[$a.per_second, $b.per_second] | max')
	row "(c) logins/s, 8 clients ($(jq .requests <<<"$login") logins)" "$l" "GET /v1/health/s, 8 clients" "$h" "$(ratio "$l" "$h")"
	row "    logins/s, 8 clients" "$l" "SQLite durable commits/s, 1 loop" "$c" "$(ratio "$l" "$c")"
	echo "    (the commit loop: $(jq .per_second <<<"$before")/s before the logins, $(jq .per_second <<<"$after")/s after; goal: logins >= 0.5x)"
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

# (h) the whole OpenID Connect code flow per second (authorize, the aidant's
# login, usager and démarche pages posted without a browser, token, userinfo),
# 8 clients, vs GET /v1/health on the same server.  Its own acd, connected to
# the FranceConnect stand-in: K aidants of one structure with known card seeds
# (a one-time code serves once per card and step, so one aidant per flow), one
# mandate between that structure and Angela DUBOIS signed once through the
# stand-in and headless chromium, one RS256 client.
# flow_setup DIR K: that acd, its FranceConnect stand-in, K aidants and the
# mandate; sets H, url, cid, csec, redirect, H/accounts.txt (one line per
# aidant but the signer), H_ACD_PID and FC_PID; 1 when it failed (said why).
flow_setup() {
	need node ac-client-new ac-mandate-new ac-aidant-add ac-card-import ac-card-link python3 || return 1
	[ -d node_modules/playwright-core ] && [ -d node_modules/oidc-provider ] ||
		{ fail "(h) node_modules lacks playwright-core or oidc-provider (scripts/deps.sh)"; return 1; }
	H=$1 K=$2
	local port fcurl i
	mkdir -p "$H"
	od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$H/fc.secret"
	# a loopback redirect without a port: acd's callback on the port acd binds (RFC 8252 §7.3)
	node tests/fc/provider.mjs --port 0 --client-id aidants-connect --client-secret "$(cat "$H/fc.secret")" \
		--redirect-uri "http://127.0.0.1/fc/callback" --ready-file "$H/fc.ready" 2> "$H/fc.log" &
	FC_PID=$!
	fcurl=$(wait_ready "$H/fc.ready" "$FC_PID") ||
		{ fail "(h) the FranceConnect stand-in did not start: $(cat "$H/fc.log")"; return 1; }
	acd init --db "$H/ac.db" --operator op@anct.gouv.fr > "$H/init.json" || { fail "(h) acd init"; return 1; }
	acd serve --db "$H/ac.db" --listen 127.0.0.1:0 --ready-file "$H/acd.ready" --fc-issuer "$fcurl" \
		--fc-client-id aidants-connect --fc-client-secret-file "$H/fc.secret" --rate-limit 0 \
		2> "$H/acd.log" & # no rate limit: see start_acd
	H_ACD_PID=$!
	port=$(wait_ready "$H/acd.ready" "$H_ACD_PID") || { fail "(h) acd did not start: $(cat "$H/acd.log")"; return 1; }
	url=http://$port
	# hac WHO CMD...: CMD against this acd with WHO's own session
	hac() { local who=$1; shift; AC_URL=$url XDG_STATE_HOME=$H/$who "$@"; }
	hac op ac-login --email op@anct.gouv.fr \
		--code "$(oathtool --totp -b "$(jq -r .totp_secret "$H/init.json")")" > /dev/null ||
		{ fail "(h) the operator cannot log in"; return 1; }
	local sid
	sid=$(hac op ac-structure-new --name "France services Bench" --siret 21690266800013 --zipcode 69003 \
		--city Lyon --type france_services | jq -r .id)
	[ -n "$sid" ] && [ "$sid" != null ] || { fail "(h) ac-structure-new gave no id"; return 1; }

	# aidant 0 signs the mandate; aidants 1..K each carry out one flow
	awk -v k="$K" -v s="$sid" 'BEGIN { srand(11); for (i = 0; i <= k; i++) { d = "";
		for (j = 0; j < 20; j++) d = d sprintf("%02x", int(rand() * 256));
		printf "{\"serial\":\"GADT9%07d\",\"seed\":\"%s\",\"step\":60}\n", i, d > "/dev/stderr";
		printf "{\"structure\":%d,\"email\":\"flow%d@bench.fr\",\"first_name\":\"F\",\"last_name\":\"L%d\"}\n", s, i, i } }' \
		2> "$H/cards.ndjson" > "$H/aidants.ndjson"
	jq -c '{serial, email: ("flow" + (.serial[5:] | tonumber | tostring) + "@bench.fr")}' "$H/cards.ndjson" > "$H/links.ndjson"
	hac op ac-aidant-add < "$H/aidants.ndjson" > "$H/aidants.out" &&
		hac op ac-card-import < "$H/cards.ndjson" > "$H/import.out" &&
		hac op ac-card-link < "$H/links.ndjson" > "$H/link.out" ||
		{ fail "(h) creating the aidants and their cards failed"; return 1; }
	for f in aidants import link; do
		[ "$(grep -c '"ok":true' "$H/$f.out")" = $((K + 1)) ] ||
			{ fail "(h) ac-$f: not every line was ok: $(grep -m1 '"ok":false' "$H/$f.out")"; return 1; }
	done

	# the mandate, as scripts/demo.sh and tests/mandate_helpers.bash sign it:
	# the login takes the previous step's code, the confirmation this one's
	local seed0 signurl
	seed0=$(jq -r 'select(.serial == "GADT90000000") | .seed' "$H/cards.ndjson")
	hac signer ac-login --email flow0@bench.fr \
		--code "$(oathtool --totp -s 60 "$seed0" --now "@$(($(date +%s) - 60))")" > /dev/null ||
		{ fail "(h) the signing aidant cannot log in"; return 1; }
	hac signer ac-mandate-new --demarches papiers,social --duration long --confirm-consent \
		--code "$(oathtool --totp -s 60 "$seed0")" > "$H/mandate.json" 2> "$H/new.err" &
	TOOL_PID=$!
	for i in $(seq 200); do
		signurl=$(grep -o 'http://[^ ]*/sign/[0-9a-f]*' "$H/new.err")
		[ -n "$signurl" ] && break
		sleep 0.05
	done
	[ -n "$signurl" ] || { fail "(h) ac-mandate-new gave no signing link: $(cat "$H/new.err")"; return 1; }
	node tests/browser/sign.mjs "$signurl" --login angela > "$H/browser.out" 2>&1 ||
		{ fail "(h) the usager's signature failed: $(tail -n 3 "$H/browser.out")"; return 1; }
	wait "$TOOL_PID" || { TOOL_PID=; fail "(h) ac-mandate-new exited $?: $(tail -n 3 "$H/new.err")"; return 1; }
	TOOL_PID=
	jq -e '.status == "active"' "$H/mandate.json" > /dev/null || { fail "(h) no active mandate"; return 1; }

	redirect=http://127.0.0.1:9/bench/callback
	hac op ac-client-new --name "Démarche (bench)" --redirect-uri "$redirect" --signing RS256 > "$H/client.json" ||
		{ fail "(h) ac-client-new exited $?"; return 1; }
	cid=$(jq -r .client_id "$H/client.json")
	csec=$(jq -r .client_secret "$H/client.json")
	jq -r 'select(.serial != "GADT90000000") | "flow\(.serial[5:] | tonumber)@bench.fr \(.seed) 60"' \
		"$H/cards.ndjson" > "$H/accounts.txt"
}

bench_oidc_flow() {
	local H K url cid csec redirect
	flow_setup "$W/h" "${BENCH_FLOW_AIDANTS:-$((SECS * 400))}" || return
	local flows health
	flows=$("$BB/oidc-flow" "$url" 8 "$SECS" "$H/accounts.txt" "$cid" "$csec" "$redirect") ||
		{ fail "(h) flows failed: $flows"; return; }
	health=$("$BB/load" health "$url" 8 "$SECS") || { fail "(h) health failed: $health"; return; }
	# each flow was one use of the mandate: as many autorisation_use entries
	local n uses
	n=$(jq .flows <<<"$flows")
	uses=$(sqlite3 "$H/ac.db" "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")
	[ "$uses" = "$n" ] || { fail "(h) $n flows but $uses autorisation_use entries in the journal"; return; }
	[ "$n" -lt "$K" ] || echo "bench: (h) used all $K aidants before ${SECS}s (BENCH_FLOW_AIDANTS=N for more)" >&2
	local f h r
	f=$(jq .per_second <<<"$flows")
	h=$(jq .per_second <<<"$health")
	r=$(jq '.requests / .seconds * 10 | round / 10' <<<"$flows")
	row "(h) OIDC code flows/s, 8 clients ($n flows)" "$f" "GET /v1/health/s, 8 clients" "$h" "$(ratio "$f" "$h")"
	row "    their HTTP requests/s ($(jq '.requests / .flows | round' <<<"$flows") a flow)" "$r" "GET /v1/health/s, 8 clients" "$h" "$(ratio "$r" "$h")"
	kill "$H_ACD_PID" "$FC_PID" 2>/dev/null
	wait "$H_ACD_PID" "$FC_PID" 2>/dev/null
	H_ACD_PID= FC_PID=
}

# (j) the mixed load (bench/mixed-load.c): LOAD_CLIENTS clients (100) for
# LOAD_SECONDS (BENCH_SECONDS here; 60 in make load), each looping on one kind
# of request (logins, whoami, lists, whole mandates signed through the FranceConnect stand-in, attestation checks, bulk
# card imports, the identity provider's code flow) on the acd of (h)'s setup,
# beside GET /v1/health at as many clients.  No request may fail; acd's RSS
# after the run must stay under LOAD_RSS_MB (128); the journal written under
# load must verify.
bench_mixed() {
	local H K url cid csec redirect C=${LOAD_CLIENTS:-100} S=${LOAD_SECONDS:-$SECS}
	# fresh aidants for the logins and the flows: about 200 a second of run
	flow_setup "$W/j" "${LOAD_AIDANTS:-$(( S * 200 + 2000 ))}" || return
	local op_token hash rss0 rss1 out health bound=${LOAD_RSS_MB:-128}
	op_token=$(hac op ac-token-new --name "load: imports" --scopes cards:write | jq -r .token)
	hash=$(jq -r .attestation_hash "$H/mandate.json")
	rss0=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$H_ACD_PID/status")
	out=$(AC_TOKEN=$(cat "$H/signer/ac/session") AC_OP_TOKEN=$op_token AC_HASH=$hash \
		"$BB/mixed-load" "$url" "$C" "$S" "$H/accounts.txt" "$cid" "$csec" "$redirect") ||
		{ fail "(j) requests failed under load: $(jq -c 'select(.errors > 0)' <<<"$out")"; }
	rss1=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$H_ACD_PID/status")
	health=$("$BB/load" health "$url" 64 "$S") || { fail "(j) health failed: $health"; return; }
	echo "(j) mixed load, $C clients for ${S}s, per kind:"
	jq -r '"    \(.kind | . + " " * (12 - length)) \(.requests | tostring | " " * (8 - length) + .) requests  \(.per_second)/s  p50 \(.p50_ms) ms  p99 \(.p99_ms) ms  max \(.max_ms) ms  errors \(.errors)"' <<<"$out"
	local all
	all=$(jq -c 'select(.kind == "all")' <<<"$out")
	row "(j) mixed load, $C clients: requests/s" "$(jq .per_second <<<"$all")" "GET /v1/health/s, 64 clients" \
		"$(jq .per_second <<<"$health")" "$(ratio "$(jq .per_second <<<"$all")" "$(jq .per_second <<<"$health")")"
	echo "    errors $(jq .errors <<<"$all"), p99 $(jq .p99_ms <<<"$all") ms; acd's RSS ${rss0} MiB before, ${rss1} MiB after (bound ${bound} MiB)"
	[ "$rss1" -le "$bound" ] || fail "(j) acd's RSS grew to ${rss1} MiB, past ${bound} MiB"
	hac op ac-audit > "$H/journal.ndjson" && ac-audit --verify < "$H/journal.ndjson" > "$H/verify.out" &&
		jq -e .ok "$H/verify.out" > /dev/null || { fail "(j) the journal written under load does not verify"; return; }
	echo "    the journal written under load verifies: $(jq .entries "$H/verify.out") entries"
	kill "$H_ACD_PID" "$FC_PID" 2>/dev/null
	wait "$H_ACD_PID" "$FC_PID" 2>/dev/null
	H_ACD_PID= FC_PID=
}

# (i) ac-stats --by region,demarche over 1,000,000 uses and 100,000 mandates
# (bench/gen-stats.sh) vs the sqlite3 shell running the same GROUP BYs (uses,
# mandates created, active, revoked, by région and démarche).  Its own acd.
bench_stats() {
	need ac-stats ac-login || return
	local d=$W/stats t0 t b
	mkdir -p "$d"
	acd init --db "$d/ac.db" --operator op@anct.gouv.fr > "$d/init.json" &&
		bench/gen-stats.sh "$d/ac.db" 200 100000 100000 1000000 > /dev/null ||
		{ fail "(i) cannot generate the history"; return; }
	acd serve --db "$d/ac.db" --listen 127.0.0.1:0 --ready-file "$d/acd.ready" 2> "$d/acd.log" &
	I_ACD_PID=$!
	local addr
	addr=$(wait_ready "$d/acd.ready" "$I_ACD_PID") || { fail "(i) acd did not start"; return; }
	AC_URL=http://$addr XDG_STATE_HOME=$d/state ac-login --email op@anct.gouv.fr \
		--code "$(oathtool --totp -b "$(jq -r .totp_secret "$d/init.json")")" > /dev/null ||
		{ fail "(i) the operator cannot log in"; return; }
	t0=$(now)
	AC_URL=http://$addr XDG_STATE_HOME=$d/state ac-stats --by region,demarche > "$d/stats.ndjson" ||
		{ fail "(i) ac-stats exited $?"; return; }
	t=$(since "$t0")
	[ "$(jq -s 'map(.demarches) | add' "$d/stats.ndjson")" = 1000000 ] ||
		{ fail "(i) ac-stats does not count the 1,000,000 uses"; return; }
	local at hi
	at=$(date +%s) hi=$(( $(date +%s) + 86400 ))
	t0=$(now)
	sqlite3 "$d/ac.db" > /dev/null <<SQL || { fail "(i) the sqlite3 baseline failed"; return; }
SELECT s.region, t.demarche, COUNT(*), COUNT(DISTINCT t.usager_id) FROM oidc_tokens t
  JOIN structures s ON s.id = t.structure_id WHERE t.used_at >= 0 AND t.used_at < $hi GROUP BY 1, 2;
SELECT s.region, a.demarche, COUNT(*) FROM mandates m JOIN structures s ON s.id = m.structure_id
  JOIN autorisations a ON a.mandate_id = m.id WHERE m.created_at >= 0 AND m.created_at < $hi GROUP BY 1, 2;
SELECT s.region, a.demarche, COUNT(*) FROM mandates m JOIN structures s ON s.id = m.structure_id
  JOIN autorisations a ON a.mandate_id = m.id WHERE m.expires_at > $at AND m.created_at <= $at
  AND (a.revoked_at IS NULL OR a.revoked_at > $at) GROUP BY 1, 2;
SELECT s.region, a.demarche, COUNT(*) FROM autorisations a JOIN mandates m ON m.id = a.mandate_id
  JOIN structures s ON s.id = m.structure_id WHERE a.revoked_at >= 0 AND a.revoked_at < $hi
  AND a.revocation_id IS NOT NULL GROUP BY 1, 2;
SQL
	b=$(since "$t0")
	row "(i) ac-stats --by region,demarche, 1M uses" "${t}s" "sqlite3, the same GROUP BYs" "${b}s" "$(ratio "$t" "$b")"
	kill "$I_ACD_PID" 2>/dev/null
	wait "$I_ACD_PID" 2>/dev/null
	I_ACD_PID=
}

# (k) N habilitation requests moved new -> eligible by ac-habilitation-set
# from stdin (each line journaled, as acd does) vs the sqlite3 shell updating
# the same rows in one transaction.
bench_habilitations() {
	need ac-structure-new ac-habilitation-new ac-habilitation-set || return
	local sid t0 t b
	sid=$(ac-structure-new --name "Bench France services" --siret 73282932000074 --zipcode 29200 --city Brest | jq -r .id)
	[ -n "$sid" ] && [ "$sid" != null ] || { fail "(k) ac-structure-new gave no id"; return; }
	awk -v n=$N -v s="$sid" 'BEGIN { for (i = 1; i <= n; i++)
		printf "{\"structure\":%d,\"email\":\"futur%d@bench.fr\",\"first_name\":\"F\",\"last_name\":\"A%d\",\"profession\":\"Médiateur\"}\n", s, i, i }' |
		ac-habilitation-new > "$W/hab-new.out" || { fail "(k) ac-habilitation-new exited $?"; return; }
	jq -c 'select(.ok) | {id}' "$W/hab-new.out" > "$W/hab-set.ndjson"
	[ "$(wc -l < "$W/hab-set.ndjson")" = $N ] || { fail "(k) not every request was made"; return; }
	t0=$(now)
	ac-habilitation-set --stdin --status eligible < "$W/hab-set.ndjson" > "$W/hab-set.out" ||
		{ fail "(k) ac-habilitation-set exited $?"; return; }
	t=$(since "$t0")
	[ "$(grep -c '"status":"eligible"' "$W/hab-set.out")" = $N ] || { fail "(k) not every request moved"; return; }
	awk -v n=$N 'BEGIN { print "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN;";
		for (i = 1; i <= n; i++)
			printf "INSERT INTO habilitation_requests (id, structure_id, email, first_name, last_name, profession, status, created_at, updated_at) VALUES (%d, 1, '"'"'futur%d@bench.fr'"'"', '"'"'F'"'"', '"'"'A'"'"', '"'"'M'"'"', '"'"'new'"'"', 1714521600, 1714521600);\n", i, i;
		print "COMMIT;" }' > "$W/hab-rows.sql"
	sqlite3 "$W/base.db" < "$W/hab-rows.sql" > /dev/null || { fail "(k) the sqlite3 baseline's rows failed"; return; }
	awk -v n=$N 'BEGIN { print "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN;";
		for (i = 1; i <= n; i++)
			printf "UPDATE habilitation_requests SET status = '"'"'eligible'"'"', message = '"'"''"'"', updated_at = 1714521700 WHERE id = %d AND status = '"'"'new'"'"';\n", i;
		print "COMMIT;" }' > "$W/hab-set.sql"
	t0=$(now)
	sqlite3 "$W/base.db" < "$W/hab-set.sql" > /dev/null || { fail "(k) the sqlite3 baseline failed"; return; }
	b=$(since "$t0")
	row "(k) ac-habilitation-set --stdin, $N requests" "${t}s" "sqlite3, one transaction" "${b}s" "$(ratio "$t" "$b")"
}

# (l) acd on PostgreSQL: one throwaway cluster (initdb in a folder of its own
# under /tmp: $W is 0700, where the postgres user cannot enter), a Unix socket
# only, a database for acd and one for pgbench.  The server keeps its durable
# defaults (fsync, synchronous_commit and full_page_writes on; no fsync=off as
# the test suite has): every figure here pays for real commits.
PGBIN=
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# the server exec'd as postgres (setpriv, not runuser): the PID is the postmaster's
pg_exec() {
	if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi
}
pq() { "$PGBIN/psql" -h "$PG_DIR/sock" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# pg_start: initdb and the postmaster, waited for until it accepts (10 s at most)
pg_start() {
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	local t i
	for t in initdb postgres pg_isready psql createdb pgbench; do
		[ -n "$PGBIN" ] && [ -x "$PGBIN/$t" ] ||
			{ fail "(l) PostgreSQL's $t is not installed (scripts/deps.sh)"; return 1; }
	done
	if [ "$(id -u)" = 0 ]; then need runuser setpriv || return 1; fi
	PG_DIR=$(mktemp -d /tmp/ac-bench-pg.XXXXXX) || { fail "(l) mktemp failed"; return 1; }
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data" "$PG_DIR/sock"
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR/data" "$PG_DIR/sock"
	as_pg "$PGBIN/initdb" -D "$PG_DIR/data" -A trust -U postgres > "$PG_DIR/initdb.log" 2>&1 ||
		{ fail "(l) initdb failed: $(tail -n 3 "$PG_DIR/initdb.log")"; return 1; }
	pg_exec "$PGBIN/postgres" -D "$PG_DIR/data" -k "$PG_DIR/sock" -c listen_addresses='' \
		-c max_connections=100 > "$PG_DIR/pg.log" 2>&1 &
	PG_STARTER=$!
	for i in $(seq 200); do
		"$PGBIN/pg_isready" -h "$PG_DIR/sock" -q && return 0
		kill -0 "$PG_STARTER" 2>/dev/null || break
		sleep 0.05
	done
	fail "(l) PostgreSQL did not start: $(tail -n 3 "$PG_DIR/pg.log")"
	return 1
}

# pg_stop: a fast shutdown (SIGINT) of the postmaster by the PID it wrote in
# postmaster.pid (the one started, if it wrote none), waited for until gone.
pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	local pid i
	pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
	[ -n "$pid" ] || pid=$PG_STARTER
	[ -n "$pid" ] || return 0
	kill -INT "$pid" 2>/dev/null || return 0
	for i in $(seq 400); do
		kill -0 "$pid" 2>/dev/null || { PG_STARTER=; return 0; }
		sleep 0.05
	done
	echo "bench: PostgreSQL (PID $pid) did not stop within 20 s" >&2
}

# pg_tps: pgbench's built-in simple-update (one UPDATE, one SELECT, one
# INSERT, one commit a transaction), 8 clients for SECS on its own database
pg_tps() {
	"$PGBIN/pgbench" -h "$PG_DIR/sock" -U postgres -n -c 8 -j 8 -T "$SECS" --builtin=simple-update \
		pgbench > "$L/pgbench.out" 2>&1 || { cat "$L/pgbench.out"; return 1; }
	awk '/^tps = / { printf "%.1f\n", $3; ok = 1 } END { exit !ok }' "$L/pgbench.out"
}

# l_serve I: the Ith acd of (l) on the same database and key file; its PID in
# L_ACDI_PID, its URL in lurlI.  No rate limit: see start_acd.
l_serve() {
	acd serve --db "$db" --key-file "$L/ac.key" --listen 127.0.0.1:0 --ready-file "$L/acd$1.ready" \
		--rate-limit 0 2> "$L/acd$1.log" &
	printf -v "L_ACD$1_PID" %s $!
	local addr
	addr=$(wait_ready "$L/acd$1.ready" $!) || { fail "(l) acd $1 did not start: $(tail -n 3 "$L/acd$1.log")"; return 1; }
	printf -v "lurl$1" %s "http://$addr"
}

# (l) acd on PostgreSQL, each figure beside one of the same cluster:
# - ac-card-import of N cards vs psql inserting the same rows (a 56-byte box
#   and a 32-byte MAC each, as acd stores) into a scratch table of the cards'
#   shape (LIKE ... INCLUDING ALL: its indexes too), one multi-row INSERT in
#   one transaction;
# - logins/s (bench/load.c, each login a distinct aidant with its own card)
#   with one acd, 8 clients, and with two acd on the same database, 4 clients
#   at each (two load.c at once, their logins added), vs pgbench's
#   simple-update at 8 clients for as long, run just before and just after
#   the logins (the faster of the two: see (c));
# - ac-mandate-list of 100,000 mandates of one structure (bench/gen-stats.sh,
#   written before acd starts, as (i) does) vs psql's COPY (SELECT ...) TO
#   STDOUT of the same rows, with their usager and démarches, as JSON.
bench_pg() {
	need acd ac-login ac-aidant-add ac-card-import ac-card-link ac-mandate-list || return
	local L=$W/l db lurl1 lurl2 ver M=100000
	mkdir -p "$L"
	pg_start || return
	ver=$("$PGBIN/postgres" --version | awk '{ print $3 }')
	"$PGBIN/createdb" -h "$PG_DIR/sock" -U postgres ac > "$L/createdb.log" 2>&1 &&
		"$PGBIN/createdb" -h "$PG_DIR/sock" -U postgres pgbench >> "$L/createdb.log" 2>&1 &&
		"$PGBIN/pgbench" -h "$PG_DIR/sock" -U postgres -i -q pgbench >> "$L/createdb.log" 2>&1 ||
		{ fail "(l) cannot make the databases: $(tail -n 3 "$L/createdb.log")"; return; }
	db="postgresql://postgres@/ac?host=$PG_DIR/sock"
	# structure 1 and its M mandates; the bench's aidants join it below
	acd init --db "$db" --key-file "$L/ac.key" --operator op@anct.gouv.fr > "$L/init.json" 2> "$L/init.log" ||
		{ fail "(l) acd init failed: $(tail -n 3 "$L/init.log")"; return; }
	bench/gen-stats.sh "$db" 1 $M $M 1000 > /dev/null 2> "$L/gen-stats.log" ||
		{ fail "(l) gen-stats.sh failed: $(tail -n 3 "$L/gen-stats.log")"; return; }
	# the statistics autovacuum gathers within a minute or so of a load
	# (autovacuum_naptime): without them the list's page query is planned
	# blind, and the 100,000 mandates took 14 to 31 s here instead of 1 to 2
	pq -d ac -c ANALYZE || { fail "(l) ANALYZE failed"; return; }
	l_serve 1 && l_serve 2 || return
	echo "(l) acd on PostgreSQL $ver (one throwaway cluster, fsync on, Unix socket):"
	# lac WHO CMD...: CMD against the first acd with WHO's own session
	lac() { local who=$1; shift; AC_URL=$lurl1 XDG_STATE_HOME=$L/$who "$@"; }
	lac op ac-login --email op@anct.gouv.fr \
		--code "$(oathtool --totp -b "$(jq -r .totp_secret "$L/init.json")")" > /dev/null ||
		{ fail "(l) the operator cannot log in"; return; }
	gen_aidants 1 | lac op ac-aidant-add > "$L/aidants.out" || { fail "(l) ac-aidant-add exited $?"; return; }
	[ "$(grep -c '"ok":true' "$L/aidants.out")" = $N ] || { fail "(l) ac-aidant-add: not every line was ok"; return; }

	# the cards
	local t t0 b
	gen_cards "$L/cards.ndjson"
	t=$(AC_URL=$lurl1 XDG_STATE_HOME=$L/op timed_bulk "(l)" ac-card-import "$L/cards.ndjson" "$L/import.out") || return
	pq -d ac -c "CREATE SCHEMA bench_l; CREATE TABLE bench_l.cards (LIKE public.cards INCLUDING ALL)" ||
		{ fail "(l) cannot make the baseline's table"; return; }
	awk -v n=$N 'BEGIN { srand(13); q = "'"'"'"; print "BEGIN;";
		print "INSERT INTO bench_l.cards (id, serial, kind, state, seed_box, seed_mac, digits, step, algorithm, created_at) VALUES";
		for (i = 1; i <= n; i++) { x = ""; for (j = 0; j < 88; j++) x = x sprintf("%02x", int(rand() * 256));
			printf "(%d, %sGADT%08d%s, %sphysical%s, %sstock%s, %s\\x%s%s, %s\\x%s%s, 6, 60, %ssha1%s, 1714521600)%s\n",
				i + 100, q, i, q, q, q, q, q, q, substr(x, 1, 112), q, q, substr(x, 113), q, q, q, i < n ? "," : ";" }
		print "COMMIT;" }' > "$L/import.sql"
	t0=$(now)
	pq -d ac -f "$L/import.sql" > /dev/null || { fail "(l) the psql baseline failed"; return; }
	b=$(since "$t0")
	[ "$(pq -d ac -A -t -c "SELECT count(*) FROM bench_l.cards")" = $N ] ||
		{ fail "(l) the psql baseline did not insert $N rows"; return; }
	pq -d ac -c "SET client_min_messages = warning" -c "DROP SCHEMA bench_l CASCADE" || { fail "(l) cannot drop the baseline's table"; return; }
	row "(l) ac-card-import, $N cards" "${t}s" "psql, one multi-row INSERT" "${b}s" "$(ratio "$t" "$b")"

	# the logins: accounts 1..N/2 on one acd, the rest halved between two
	gen_links "$L/links.ndjson"
	lac op ac-card-link < "$L/links.ndjson" > "$L/link.out" || { fail "(l) ac-card-link exited $?"; return; }
	[ "$(grep -c '"ok":true' "$L/link.out")" = $N ] || { fail "(l) ac-card-link: not every line was ok"; return; }
	gen_accounts "$L/cards.ndjson" "$L/accounts.txt"
	head -n $((N / 2)) "$L/accounts.txt" > "$L/one.txt"
	sed -n "$((N / 2 + 1)),$((N * 3 / 4))p" "$L/accounts.txt" > "$L/two-a.txt"
	sed -n "$((N * 3 / 4 + 1)),\$p" "$L/accounts.txt" > "$L/two-b.txt"
	local before after one two ra rb p l1 l2
	before=$(pg_tps) || { fail "(l) pgbench failed: $before"; return; }
	one=$("$BB/load" login "$lurl1" 8 "$SECS" "$L/one.txt") || { fail "(l) logins on one acd failed: $one"; return; }
	"$BB/load" login "$lurl1" 4 "$SECS" "$L/two-a.txt" > "$L/two-a.json" &
	L_LOAD_PID=$!
	"$BB/load" login "$lurl2" 4 "$SECS" "$L/two-b.txt" > "$L/two-b.json"
	rb=$?
	wait "$L_LOAD_PID"
	ra=$?
	L_LOAD_PID=
	[ $ra = 0 ] && [ $rb = 0 ] ||
		{ fail "(l) logins on two acd failed: $(cat "$L/two-a.json" "$L/two-b.json")"; return; }
	after=$(pg_tps) || { fail "(l) pgbench failed: $after"; return; }
	two=$(jq -cs '{requests: (map(.requests) | add), seconds: (map(.seconds) | max)}
		| .per_second = (.requests / .seconds * 10 | round / 10)' "$L/two-a.json" "$L/two-b.json")
	l1=$(jq .per_second <<<"$one")
	l2=$(jq .per_second <<<"$two")
	p=$(awk -v a="$before" -v b="$after" 'BEGIN { print (a > b ? a : b) }')
	[ "$(jq .requests <<<"$one")" -lt $((N / 2)) ] && [ "$(jq .requests <<<"$two")" -lt $((N / 2)) ] ||
		echo "bench: (l) a login run used all its $((N / 2)) aidants before ${SECS}s" >&2
	row "(l) logins/s, 1 acd, 8 clients ($(jq .requests <<<"$one") logins)" "$l1" "pgbench simple-update tps, 8 clients" "$p" "$(ratio "$l1" "$p")"
	row "    logins/s, 2 acd, 4 + 4 clients ($(jq .requests <<<"$two"))" "$l2" "pgbench simple-update tps, 8 clients" "$p" "$(ratio "$l2" "$p")"
	echo "    (pgbench: ${before}/s before the logins, ${after}/s after; two acd against one: $(ratio "$l2" "$l1"))"

	# the mandates: aidant 1 logs in on the next step's code (the loads used this one's)
	local seed
	seed=$(jq -r 'select(.serial == "GADT00000001") | .seed' "$L/cards.ndjson")
	lac aidant ac-login --email aidant1@bench.fr \
		--code "$(oathtool --totp -s 60 "$seed" --now "@$(($(date +%s) + 60))")" > /dev/null ||
		{ fail "(l) the aidant cannot log in"; return; }
	t0=$(now)
	lac aidant ac-mandate-list --structure 1 > "$L/mandates.ndjson" || { fail "(l) ac-mandate-list exited $?"; return; }
	t=$(since "$t0")
	[ "$(wc -l < "$L/mandates.ndjson")" = $M ] ||
		{ fail "(l) ac-mandate-list gave $(wc -l < "$L/mandates.ndjson") lines"; return; }
	t0=$(now)
	pq -d ac -c "COPY (SELECT row_to_json(r) FROM (SELECT m.*, u.given_name, u.family_name, u.birthdate,
		u.birthplace, u.birthcountry, u.gender, u.email, u.preferred_username,
		(SELECT json_agg(a.demarche ORDER BY a.id) FROM autorisations a WHERE a.mandate_id = m.id) AS auts
		FROM mandates m JOIN usagers u ON u.id = m.usager_id WHERE m.structure_id = 1 ORDER BY m.id) r) TO STDOUT" \
		> "$L/mandates.pg.json" || { fail "(l) the psql baseline failed"; return; }
	b=$(since "$t0")
	[ "$(wc -l < "$L/mandates.pg.json")" = $M ] || { fail "(l) the psql baseline gave $(wc -l < "$L/mandates.pg.json") rows"; return; }
	row "(l) ac-mandate-list, $M mandates" "${t}s" "psql COPY (SELECT json) TO STDOUT" "${b}s" "$(ratio "$t" "$b")"

	kill "$L_ACD1_PID" "$L_ACD2_PID" 2>/dev/null
	wait "$L_ACD1_PID" "$L_ACD2_PID" 2>/dev/null
	L_ACD1_PID= L_ACD2_PID=
	pg_stop
	rm -rf "$PG_DIR"
	PG_DIR=
}

need acd jq oathtool sqlite3 cc pkg-config || exit 1
build_helpers || { echo "bench: cannot build bench/ helpers" >&2; exit 1; }
echo "make bench: each figure beside its baseline from this same run (lower time / higher rate is better)"
echo "            (acd runs with --rate-limit 0: all the load comes from one address)"
if [[ $PARTS == *" "[a-gk]" "* ]]; then
	start_acd || { echo "bench: cannot start acd" >&2; exit 1; }
	schema_copy
fi
want a && bench_import
want b && bench_link
want c && bench_logins
want d && bench_whoami
want e && bench_verify
{ want f || want g; } && bench_mandates
want h && bench_oidc_flow
want i && bench_stats
want j && bench_mixed
want k && bench_habilitations
want l && bench_pg
if [ $failed != 0 ]; then
	echo "bench: some parts could not run (see above): no figure was made up for them" >&2
	exit 1
fi
