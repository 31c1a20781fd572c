#!/usr/bin/env bats
# Two acd on one PostgreSQL database behind haproxy, the tools talking to the
# balancer (issue 11 §2): a code replayed on both servers at once makes one
# session; 200 card links sent twice, split across both, link each card
# once; the last training seat goes to one of eight; a démarche site's
# single-use code gives one token; an unknown email is locked across both;
# the journal both wrote verifies as one chain without a gap; a
# signature started on one server is finished through the other (the
# usager's identification there wakes the aidant's long poll here: LISTEN/
# NOTIFY); one acd killed with SIGKILL mid-run, the other goes on and nothing
# acknowledged is lost.  One cluster for the file (pg_helpers.bash), a
# database per test; every process stopped by its PID.

load helpers
load card_helpers
load pg_helpers
load mandate_helpers

setup_file() { pg_cluster_start; }
teardown_file() { pg_cluster_stop; }

setup() {
	export T="$BATS_TEST_TMPDIR"
	export XDG_STATE_HOME="$T/operator" XDG_CONFIG_HOME="$T/config" HOME="$T"
	unset AC_TOKEN
	pg_newdb
	ACD_DB=(--db "$PG_URL" --key-file "$T/ac.key")
	acd init "${ACD_DB[@]}" --operator "$OP_EMAIL" > "$T/init.json"
	OP_SECRET=$(jq -r .totp_secret "$T/init.json")
	export OP_SECRET
}
teardown() {
	local rc=0
	[ -n "${TOOL_PID:-}" ] && kill_tool
	stop_pidfile "$T/lb.pid"
	node_stop a || rc=1
	node_stop b || rc=1
	fc_stop
	smtp_stop
	return $rc
}

# node_start NAME [serve flags...]: acd NAME on the test's database, on a
# port it picks; URL_<NAME> its address.  No rate limit: every request comes
# from the balancer's address.
node_start() {
	local n=$1 addr
	shift
	rm -f "$T/acd-$n.ready"
	acd serve "${ACD_DB[@]}" --listen 127.0.0.1:0 --ready-file "$T/acd-$n.ready" --rate-limit 0 \
		"$@" 2>> "$T/acd-$n.log" &
	echo $! > "$T/acd-$n.pid"
	addr=$(wait_ready "$T/acd-$n.ready" "$(cat "$T/acd-$n.pid")") || { cat "$T/acd-$n.log" >&2; return 1; }
	printf -v "URL_$n" 'http://%s' "$addr"
	export "URL_$n"
}

# node_stop NAME: SIGTERM, waited for; what the sanitizers said fails the test.
node_stop() {
	stop_pidfile "$T/acd-$1.pid"
	! grep -A30 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T/acd-$1.log" 2>/dev/null >&2 || return 1
}

# balancer_start: haproxy in front of acd a and b (round robin, health
# checks of /v1/health every 200 ms, a connection refused tried on the other
# server); AC_URL is the balancer's.
balancer_start() {
	local a=${URL_a#http://} b=${URL_b#http://}
	cat > "$T/haproxy.cfg" <<-CFG
	global
	    maxconn 512
	defaults
	    mode http
	    timeout connect 2s
	    timeout client 60s
	    timeout server 60s
	    retries 3
	    option redispatch 1
	frontend front
	    bind fd@3
	    default_backend acd
	backend acd
	    balance roundrobin
	    option httpchk GET /v1/health
	    http-check expect status 200
	    server a $a check inter 200ms fall 1 rise 2
	    server b $b check inter 200ms fall 1 rise 2
	CFG
	rm -f "$T/lb.ready"
	/usr/bin/python3 "$REPO/tests/balancer.py" "$T/lb.ready" "$T/haproxy.cfg" > "$T/lb.log" 2>&1 3>&- &
	echo $! > "$T/lb.pid"
	local addr
	addr=$(wait_ready "$T/lb.ready" "$(cat "$T/lb.pid")") || { cat "$T/lb.log" >&2; return 1; }
	export AC_URL="http://$addr"
	# both servers seen healthy by the balancer before a test counts on them
	local i
	for i in $(seq 100); do
		[ "$(grep -c 'GET /v1/health' "$T/acd-a.log")" -ge 1 ] && [ "$(grep -c 'GET /v1/health' "$T/acd-b.log")" -ge 1 ] && return 0
		sleep 0.05
	done
	echo "the balancer never checked both servers" >&2
	return 1
}

# import N...: physical cards GADT<n> with seed n
import() {
	local n
	for n in "$@"; do printf '{"serial":"GADT%08d","seed":"%s"}\n' "$n" "$(seed "$n")"; done |
		ac-card-import
}

two_nodes() {
	node_start a "$@"
	node_start b "$@"
	balancer_start
}

# served_by NAME PATH: how many requests for PATH acd NAME logged.
served_by() { grep -c " $2 " "$T/acd-$1.log" || true; }

# journal_one_chain: the journal exported through the balancer verifies, and
# its sequence has no gap.
journal_one_chain() {
	XDG_STATE_HOME="$T/operator" ac-audit > "$T/journal.ndjson"
	run ac-audit --verify < "$T/journal.ndjson"
	assert_success
	jq -e .ok <<<"$output"
	assert_equal "$(jq -r .entries <<<"$output")" "$(psql_q "SELECT COUNT(*) FROM journal")"
	[ "$(psql_q "SELECT MAX(seq) - COUNT(*) FROM journal")" = 0 ]
	jq -s -e 'map(.seq) == [range(1; length + 1)]' "$T/journal.ndjson"
}

@test "multi: one code replayed on both servers at once makes exactly one session" {
	two_nodes
	op_login
	two_structures
	lyon_brest_people
	import 1 > /dev/null
	ac-card-link --serial "$(serial 1)" --email a1@lyon.fr > /dev/null
	# a fresh step, well inside it, for the eight attempts
	while [ $(( $(date +%s) % 60 )) -ge 45 ]; do sleep 1; done
	code=$(totp_hex "$(seed 1)")
	pids=()
	for i in 1 2 3 4 5 6 7 8; do
		if [ $(( i % 2 )) = 0 ]; then url=$URL_a; else url=$URL_b; fi
		XDG_STATE_HOME="$T/try$i" AC_URL=$url ac-login --email a1@lyon.fr --code "$code" \
			> "$T/try$i.out" 2> "$T/try$i.err" &
		pids+=($!)
	done
	ok=0
	for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)); done
	[ "$ok" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = 'a1@lyon.fr'")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'login' AND actor = 'a1@lyon.fr'")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND actor = 'a1@lyon.fr'")" = 7 ]
	# both servers answered some of them
	[ "$(served_by a /v1/session)" -ge 4 ]
	[ "$(served_by b /v1/session)" -ge 4 ]
	journal_one_chain
}

@test "multi: 200 card links sent twice, split across both servers: each card linked once, one journal chain" {
	two_nodes
	op_login
	ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	seq 200 | awk '{ printf "{\"structure\":1,\"email\":\"a%03d@lyon.fr\",\"first_name\":\"A\",\"last_name\":\"N%d\"}\n", $1, $1 }' |
		ac-aidant-add > /dev/null
	import $(seq 200) > /dev/null
	for i in $(seq 200); do printf '{"serial":"%s","email":"a%03d@lyon.fr"}\n' "$(serial "$i")" "$i"; done > "$T/links.ndjson"
	split -n l/8 -d "$T/links.ndjson" "$T/part."
	pids=()
	for f in "$T"/part.*; do
		ac-card-link < "$f" > "$f.one" 2>&1 &
		pids+=($!)
		ac-card-link < "$f" > "$f.two" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
	# each line answered twice; one of the two linked it
	[ "$(cat "$T"/part.*.one "$T"/part.*.two | jq -s 'length')" = 400 ]
	[ "$(cat "$T"/part.*.one "$T"/part.*.two | jq -s 'map(select(.ok and .changed)) | length')" = 200 ]
	[ "$(psql_q "SELECT COUNT(*) FROM cards c JOIN accounts a ON a.id = c.account_id
		WHERE c.state = 'linked' AND a.email = 'a' || substr(c.serial, 10) || '@lyon.fr'")" = 200 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'card_link'")" = 200 ]
	[ "$(served_by a /v1/cards/link)" -ge 4 ]
	[ "$(served_by b /v1/cards/link)" -ge 4 ]
	journal_one_chain
}

@test "multi: a signature started on one server is finished through the other" {
	export FC_REDIRECT="http://127.0.0.1/fc/callback"
	fc_start
	smtp_start
	two_nodes --fc-issuer "$FC_ISSUER" --fc-client-id "$FC_CLIENT_ID" \
		--fc-client-secret-file "$FC_SECRET_FILE" --smtp-url "$SMTP_URL"
	op_login
	two_structures
	ac-aidant-add --structure 1 --email aidant@lyon.fr --first-name Marie --last-name Martin > /dev/null
	echo "{\"serial\":\"GADT00000001\",\"seed\":\"$SEED_A\"}" | ac-card-import > /dev/null
	echo '{"serial":"GADT00000001","email":"aidant@lyon.fr"}' | ac-card-link > /dev/null
	export XDG_STATE_HOME="$T/aidant"
	while [ $(( $(date +%s) % 60 )) -ge 50 ]; do sleep 1; done
	ac-login --email aidant@lyon.fr --code "$(aidant_code -1)" > /dev/null
	# each acd listens for the other's changes on a connection of its own
	[ "$(psql_q "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
		AND application_name = 'acd-listen' AND query LIKE '%LISTEN ac_drafts'")" = 2 ]
	# the aidant's tool on server a; the usager's browser on server b
	AC_URL=$URL_a open_draft papiers,logement long
	sed "s|$URL_a|$URL_b|" "$T/url" > "$T/url.b"
	grep -q "^$URL_b/sign/" "$T/url.b"
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url.b")" --shots "$T/shots" > "$T/browser.out" ||
		{ cat "$T/browser.out" "$T/new.err" >&2; false; }
	wait_tool
	[ "$TOOL_STATUS" = 0 ] || { cat "$T/new.err" >&2; false; }
	jq -e '.id == 1' "$T/mandate.json"
	# the identification was b's, the long poll and the confirmation a's
	[ "$(grep -c 'GET /fc/callback\| /sign/' "$T/acd-b.log")" -ge 1 ]
	[ "$(grep -c 'GET /fc/callback' "$T/acd-a.log" || true)" = 0 ]
	grep -q 'GET /v1/mandates/drafts/' "$T/acd-a.log"
	! grep -q 'GET /v1/mandates/drafts/' "$T/acd-b.log" || false
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'usager_identified'")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM mandates")" = 1 ]
	journal_one_chain
}

@test "multi: one acd killed with SIGKILL mid-run: the other goes on, nothing acknowledged is lost" {
	two_nodes
	op_login
	ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	# four writers, 60 people each, one request per person, through the balancer
	for w in 1 2 3 4; do
		(
			for i in $(seq 60); do
				e=$(printf 'w%d-%02d@lyon.fr' "$w" "$i")
				if ac-aidant-add --structure 1 --email "$e" --first-name A --last-name B > /dev/null 2>> "$T/w$w.err"; then
					echo "$e" >> "$T/acked.$w"
				else
					echo "$e" >> "$T/failed.$w"
				fi
				echo "$e" >> "$T/done.$w"
			done
		) &
		echo $! >> "$T/writers"
	done
	# a quarter of the way through, acd a dies without a word
	for _ in $(seq 400); do
		[ "$(cat "$T"/done.* 2>/dev/null | wc -l)" -ge 60 ] && break
		sleep 0.05
	done
	kill -KILL "$(cat "$T/acd-a.pid")"
	wait "$(cat "$T/acd-a.pid")" 2>/dev/null || true
	rm -f "$T/acd-a.pid"
	for p in $(cat "$T/writers"); do wait "$p"; done
	total=$(cat "$T"/done.* | wc -l)
	[ "$total" = 240 ]
	# every acknowledged change is there, once
	for e in $(cat "$T"/acked.*); do echo "$e"; done | sort > "$T/acked"
	psql_q "SELECT email FROM accounts WHERE email LIKE 'w%@lyon.fr' ORDER BY email" > "$T/stored"
	comm -23 "$T/acked" "$T/stored" > "$T/lost"
	[ ! -s "$T/lost" ] || { echo "lost: $(cat "$T/lost")" >&2; false; }
	# only requests in flight at the kill may have failed (one per writer at most)
	failed=$(cat "$T"/failed.* 2>/dev/null | wc -l)
	[ "$failed" -le 4 ] || { cat "$T"/w*.err >&2; false; }
	# after the kill b served them: most of the run went on
	[ "$(wc -l < "$T/acked")" -ge 236 ]
	# what failed is done by running it again (a failed request changed all or nothing)
	for e in $(cat "$T"/failed.* 2>/dev/null); do
		ac-aidant-add --structure 1 --email "$e" --first-name A --last-name B > /dev/null
	done
	[ "$(psql_q "SELECT COUNT(*) FROM accounts WHERE email LIKE 'w%@lyon.fr'")" = 240 ]
	[ "$(psql_q "SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.email LIKE 'w%@lyon.fr'")" = 240 ]
	journal_one_chain
	# a started again on the same database joins in
	node_start a
	AC_URL=$URL_a ac-aidant-list --structure 1 | jq -s -e 'length >= 240'
}

@test "multi: an unknown email guessed on both servers in turn is locked as a real one is, on both" {
	two_nodes
	for who in "$OP_EMAIL" nobody@example.org; do
		for i in $(seq 10); do
			if [ $(( i % 2 )) = 0 ]; then url=$URL_a; else url=$URL_b; fi
			AC_URL=$url ac-login --email "$who" --code 000000 > /dev/null 2>> "$T/$who.err" || echo "exit $?" >> "$T/$who.err"
		done
		for url in "$URL_a" "$URL_b"; do
			AC_URL=$url ac-login --email "$who" --code 000000 > /dev/null 2>> "$T/$who.err" || echo "exit $?" >> "$T/$who.err"
		done
	done
	sed 's/wait [0-9]* s/wait N s/' "$T/$OP_EMAIL.err" > "$T/real"
	sed 's/wait [0-9]* s/wait N s/' "$T/nobody@example.org.err" > "$T/unknown"
	diff "$T/real" "$T/unknown"
	[ "$(grep -c locked "$T/unknown")" -ge 2 ]
	[ "$(psql_q "SELECT COUNT(*) FROM accounts WHERE email = 'nobody@example.org'")" = 0 ]
}

@test "multi: the last training seat, eight registrations at once on both servers: exactly one seated" {
	two_nodes
	op_login
	two_structures
	start=$(TZ=Europe/Paris date -d '+3 days' +%Y-%m-%dT09:30)
	ac-training-new --start "$start" --hours 7 --place Lyon --capacity 1 > /dev/null
	for i in 1 2 3 4 5 6 7 8; do
		ac-habilitation-new --structure 1 --email "p$i@lyon.fr" --first-name "P$i" --last-name Test \
			--profession Médiatrice | jq -r .id | xargs -I{} ac-habilitation-set {} --status eligible > /dev/null
	done
	pids=()
	for i in 1 2 3 4 5 6 7 8; do
		if [ $(( i % 2 )) = 0 ]; then url=$URL_a; else url=$URL_b; fi
		AC_URL=$url ac-training-register --training 1 --request "$i" > "$T/r$i.out" 2> "$T/r$i.err" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
	[ "$(cat "$T"/r*.out | jq -s 'map(select(.registered and .changed)) | length')" = 1 ]
	[ "$(grep -l 'is full' "$T"/r*.err | wc -l)" = 7 ]
	[ "$(psql_q "SELECT registered FROM trainings WHERE id = 1")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM training_registrations")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'training_register'")" = 1 ]
	journal_one_chain
}

@test "multi: a démarche site's code exchanged on both servers at once gives one token; the replay revokes it" {
	two_nodes
	op_login
	two_structures
	ac-aidant-add --structure 1 --email aidant@lyon.fr --first-name Marie --last-name Martin > /dev/null
	ac-client-new --name "Site" --redirect-uri https://rp.example/cb --signing RS256 > "$T/client.json"
	client=$(jq -r .client_id "$T/client.json") secret=$(jq -r .client_secret "$T/client.json")
	# a code as acd's authorization endpoint leaves it: Angela's mandate, used by Marie
	code=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	hash=$(printf %s "$code" | sha256sum | cut -c1-64)
	now=$(date +%s)
	psql_q "BEGIN;
		INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
		  VALUES (1, decode(md5('a') || md5('b'), 'hex'), 'Angela', 'DUBOIS', '1962-08-24', $now, $now);
		INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
		    expires_at, template, attestation_hash)
		  VALUES (1, 1, 1, (SELECT id FROM accounts WHERE email = 'aidant@lyon.fr'), 'papiers', 'long',
		    $now, $now + 86400, 'mandat-2', md5('m') || md5('n'));
		INSERT INTO autorisations (id, mandate_id, demarche) VALUES (1, 1, 'papiers');
		INSERT INTO oidc_codes (id, code_hash, client_id, redirect_uri, nonce, scope, account_id,
		    structure_id, usager_id, mandate_id, demarche, auth_time, created_at, expires_at)
		  VALUES (1, decode('$hash', 'hex'), 1, 'https://rp.example/cb', 'n', 'openid profile', 
		    (SELECT id FROM accounts WHERE email = 'aidant@lyon.fr'), 1, 1, 1, 'papiers', $now, $now, $now + 60);
		COMMIT;" > /dev/null
	pids=()
	for i in 1 2 3 4; do
		if [ $(( i % 2 )) = 0 ]; then url=$URL_a; else url=$URL_b; fi
		curl -sS -o "$T/token$i.json" -w '%{http_code}\n' -u "$client:$secret" \
			--data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
			--data-urlencode redirect_uri=https://rp.example/cb "$url/oidc/token" > "$T/status$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	[ "$(cat "$T"/status* | sort | uniq -c | awk '{ print $1 " " $2 }' | tr '\n' ' ')" = "1 200 3 400 " ]
	[ "$(cat "$T"/token*.json | jq -s 'map(select(.error == "invalid_grant")) | length')" = 3 ]
	[ "$(psql_q "SELECT COUNT(*) FROM oidc_tokens")" = 1 ]
	# a code used again is an attack on it: the token it gave is revoked
	[ "$(psql_q "SELECT COUNT(*) FROM oidc_tokens WHERE revoked_at IS NOT NULL")" = 1 ]
	[ "$(psql_q "SELECT COUNT(*) FROM journal WHERE action = 'token_issue'")" = 1 ]
	journal_one_chain
}

@test "multi: a rolling restart: acd a stopped (SIGTERM) while it finishes a request; every request through the balancer meanwhile is served" {
	two_nodes
	op_login
	two_structures
	# a request that stays in flight on a: its body never ends (a keeps it up to 3 s)
	/usr/bin/python3 - "${URL_a#http://}" > "$T/slow.out" 2>&1 <<-'PY' &
	import socket, sys, time
	host, port = sys.argv[1].rsplit(":", 1)
	s = socket.create_connection((host, int(port)))
	s.sendall(b"POST /v1/structures HTTP/1.1\r\nHost: acd\r\nContent-Type: application/json\r\n"
	          b"Content-Length: 1000\r\n\r\n{\"name\":")
	time.sleep(8)
	PY
	slow=$!
	for _ in $(seq 100); do
		ss -tn state established "( dport = :${URL_a##*:} )" | grep -q . && break
		sleep 0.05
	done
	kill -TERM "$(cat "$T/acd-a.pid")"
	# meanwhile, and after a is gone, every request through the balancer is answered
	during=0 n=0
	while [ "$n" -lt 40 ]; do
		kill -0 "$(cat "$T/acd-a.pid")" 2>/dev/null && during=$((during + 1))
		ac-structure-list > /dev/null
		n=$((n + 1))
	done
	[ "$during" -ge 1 ]
	stop_pidfile "$T/acd-a.pid"
	kill "$slow" 2>/dev/null || true
	wait "$slow" 2>/dev/null || true
	grep -q "signal 15: finishing requests in flight" "$T/acd-a.log"
	# a started again (the new version) on the same database takes its share
	node_start a
	for _ in 1 2 3 4; do ac-structure-list > /dev/null; done
	journal_one_chain
}
