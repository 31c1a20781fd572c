#!/usr/bin/env bats
# Hostile HTTP against a running acd (issue 12 §2): slow clients, 10,000 idle
# connections, a 1 GiB body, header floods, bytes that are not text, path
# traversal in every segment of every route, JSON nested 100,000 deep,
# numbers past 2^63.  acd answers /v1/health throughout, with nothing
# changed, and its memory stays bounded.  The clients are tests/abuse.py,
# on raw sockets: curl and libac refuse to send most of this.  acd runs
# without a rate limit here (--rate-limit 0): what is tested is what each
# request does, not how many come (tests/ratelimit.bats).

load helpers

teardown() {
	[ -f "$T/abuse.pid" ] && stop_pidfile "$T/abuse.pid"
	acd_stop
}

abuse() { /usr/bin/python3 "$BATS_TEST_DIRNAME/abuse.py" "$@"; }
addr() { echo "${AC_URL#http://}"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$ACD_PID/status"; }
open_fds() { ls "/proc/$ACD_PID/fd" | wc -l; }
# acd's sockets only: a thread's first request opens database files too
# acd's TCP sockets (its listener and clients; not its database's Unix sockets)
open_sockets() {
	ls -l "/proc/$ACD_PID/fd" | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' > "$T/fd-inodes"
	awk 'NR > 1 { print $10 }' /proc/net/tcp /proc/net/tcp6 | grep -cxF -f "$T/fd-inodes" || true
}
# wait_file FILE: until the client says it is connected (60 s at most, while it lives).
wait_file() {
	local i
	for i in $(seq 1200); do
		[ -s "$1" ] && return 0
		kill -0 "$(cat "$T/abuse.pid")" 2>/dev/null || break
		sleep 0.05
	done
	echo "the client never got its connections" >&2
	return 1
}
healthy() {
	[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$AC_URL/v1/health")" = 200 ]
}
# The sanitizers' runtime keeps freed memory aside (ASan's quarantine) and
# pads every allocation: their build gets a wider bound, said here.
sanitized() { nm -D "$(command -v acd)" 2>/dev/null | grep -q __asan_init; }

@test "10,000 idle connections: acd holds them all, /v1/health answers at once, RSS grows by less than 8 KiB each (24 KiB under the sanitizers)" {
	acd_start --rate-limit 0
	healthy
	before=$(rss_kib)
	# python itself in the background (not a function's subshell): its PID
	# is the one stopped, and bats's descriptor 3 is not held
	/usr/bin/python3 "$BATS_TEST_DIRNAME/abuse.py" idle "$(addr)" 10000 "$T/idle.ready" > "$T/idle.out" 3>&- &
	echo $! > "$T/abuse.pid"
	wait_file "$T/idle.ready"
	# connected is not yet accepted: wait (bounded) until acd holds them
	for i in $(seq 600); do
		[ "$(open_fds)" -ge 10000 ] && break
		sleep 0.05
	done
	[ "$(open_fds)" -ge 10000 ]
	for i in 1 2 3 4 5; do healthy; done
	run ac-whoami # a tool still gets its answer (401: no session)
	assert_failure 77
	held=$(rss_kib)
	echo "RSS $before KiB, $held KiB with 10,000 connections" >&3
	if sanitized; then bound=24000; else bound=8000; fi
	[ $(( (held - before) * 1000 / 10000 )) -lt "$bound" ] # < 8 KiB (24 KiB sanitized) each
	stop_pidfile "$T/abuse.pid"
	[ -s "$T/idle.out" ]
	jq -e '.opened == 10000 and .closed_by_server == 0' "$T/idle.out"
	# they are let go: acd's descriptors come back
	for i in $(seq 600); do
		[ "$(open_fds)" -lt 100 ] && break
		sleep 0.05
	done
	[ "$(open_fds)" -lt 100 ]
	healthy
}

@test "--max-per-address 50: acd keeps 50 connections of one address and closes the rest at once; another address is served" {
	acd_start --rate-limit 0 --max-per-address 50
	base=$(open_sockets) # before any client: the health check's may linger a moment
	healthy
	/usr/bin/python3 "$BATS_TEST_DIRNAME/abuse.py" idle "$(addr)" 80 "$T/idle.ready" > "$T/idle.out" 3>&- &
	echo $! > "$T/abuse.pid"
	wait_file "$T/idle.ready"
	# the 30 over the limit are accepted and closed: acd ends with 50 more
	for i in $(seq 600); do
		[ "$(open_sockets)" = $((base + 50)) ] && break
		sleep 0.05
	done
	[ "$(open_sockets)" = $((base + 50)) ]
	# the same address has no room left (closed at once); 127.0.0.2, loopback too, has
	[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$AC_URL/v1/health")" = 000 ]
	[ "$(curl -s -m 10 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "$AC_URL/v1/health")" = 200 ]
	stop_pidfile "$T/abuse.pid"
	[ -s "$T/idle.out" ]
	jq -e '.opened == 80 and .closed_by_server == 30' "$T/idle.out"
	grep -q '(16 threads, [0-9]* connections)' "$T/acd.log"
}

@test "--idle-seconds 2: silent connections are closed by acd" {
	acd_start --rate-limit 0 --idle-seconds 2
	healthy
	base=$(open_fds)
	/usr/bin/python3 "$BATS_TEST_DIRNAME/abuse.py" idle "$(addr)" 10 "$T/idle.ready" > "$T/idle.out" 3>&- &
	echo $! > "$T/abuse.pid"
	wait_file "$T/idle.ready"
	for i in $(seq 600); do
		[ "$(open_fds)" -le "$base" ] && break
		sleep 0.05
	done
	[ "$(open_fds)" -le "$base" ]
	stop_pidfile "$T/abuse.pid"
	[ -s "$T/idle.out" ]
	jq -e '.opened == 10 and .closed_by_server == 10' "$T/idle.out"
	healthy
}

@test "slow clients, one byte a second: health answers every second; headers trickling hold only their connection; a body past --body-seconds is cut (408 in the log)" {
	acd_start --rate-limit 0 --body-seconds 2
	/usr/bin/python3 "$BATS_TEST_DIRNAME/abuse.py" slow "$(addr)" 20 8 headers > "$T/slow-headers.out" 3>&- &
	h=$!
	/usr/bin/python3 "$BATS_TEST_DIRNAME/abuse.py" slow "$(addr)" 20 8 body > "$T/slow-body.out" 3>&- &
	b=$!
	for i in 1 2 3 4 5 6; do
		healthy
		sleep 1
	done
	wait "$h"
	wait "$b"
	cat "$T/slow-headers.out" "$T/slow-body.out" >&3
	[ -s "$T/slow-headers.out" ] && [ -s "$T/slow-body.out" ]
	# the bodies: every one cut by acd, past its 2 s and before the client's 8 s
	jq -e '.clients == 20 and .closed_by_server == 20 and (.after_s | max) < 8' "$T/slow-body.out"
	[ "$(grep -c 'POST /v1/session 408 ' "$T/acd.log")" = 20 ]
	# the headers are not ours to time (libmicrohttpd reads them): each held
	# its connection, which --max-per-address and --idle-seconds bound
	jq -e '.clients == 20 and .closed_by_server == 0' "$T/slow-headers.out"
	healthy
	[ "$(sql "SELECT COUNT(*) FROM sessions")" = 0 ]
}

@test "a 1 GiB body: announced, 413 before it is read; chunked, the connection closed past the cap; acd's memory does not hold it" {
	acd_start --rate-limit 0
	op_login
	before=$(rss_kib)
	entries=$(journal_count)
	run abuse length "$(addr)" /v1/session $((1 << 30))
	assert_success
	jq -e '.status == 413 and .sent_mib < 1024' <<<"$output"
	jq -e '.body | fromjson | .error.code == "too_large" and (.error.message | test("larger than 1048576 bytes"))' <<<"$output"
	# a bulk route's cap is 64 MiB of NDJSON
	printf 'POST /v1/cards HTTP/1.1\r\nHost: abuse\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n' \
		"$(cat "$XDG_STATE_HOME/ac/session")" $((1 << 30)) > "$T/req"
	run abuse raw "$(addr)" "$T/req"
	jq -e '.status == 413 and (.body | fromjson | .error.message | test("larger than 67108864 bytes"))' <<<"$output"
	run abuse chunked "$(addr)" /v1/session 1024
	assert_success
	# cut once past 1 MiB: what was sent is what the sockets' buffers held
	jq -e '.status == null and .sent_mib < 64' <<<"$output"
	grep -q 'POST /v1/session 413 .*(aborted)' "$T/acd.log"
	healthy
	echo "RSS $before KiB before, $(rss_kib) KiB after" >&3
	[ $(( $(rss_kib) - before )) -lt 65536 ]
	[ "$(journal_count)" = "$entries" ]
}

@test "header floods: 10,000 headers, one header of 1 MiB, 100,000 tiny ones: 431, and health answers" {
	acd_start --rate-limit 0
	for flood in "10000 10" "1 1048576" "100000 1"; do
		run abuse headers "$(addr)" $flood
		assert_success
		jq -e '.status == 431' <<<"$output"
		healthy
	done
	grep -q 'connections)' "$T/acd.log"
}

# raw BYTES (a printf format): the reply to those bytes, as JSON (abuse.py raw).
raw() {
	printf "$1" > "$T/req"
	abuse raw "$(addr)" "$T/req"
}

# post_raw PATH CONTENT-TYPE [TOKEN]: $T/body POSTed as it is, with its
# Content-Length (and the bearer TOKEN); the reply as JSON (abuse.py raw).
post_raw() {
	{ printf 'POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n' \
		"$1" "$2" "$(stat -c %s "$T/body")"
	  [ -z "${3:-}" ] || printf 'Authorization: Bearer %s\r\n' "$3"
	  printf '\r\n'
	  cat "$T/body"; } > "$T/req"
	abuse raw "$(addr)" "$T/req"
}

@test "bytes that are not text: bad UTF-8 and NUL in paths, queries, headers, JSON and form bodies get a 4xx with a readable body; nothing changes" {
	acd_start --rate-limit 0
	op_login
	two_structures
	tok=$(cat "$XDG_STATE_HOME/ac/session")
	before=$(state_digest)
	entries=$(journal_count)
	# paths: an error that names the path stays JSON, the bad bytes shown as ?
	run raw 'GET /v1/%%FF%%FE HTTP/1.1\r\nHost: x\r\n\r\n'
	jq -e '.status == 404 and (.body | fromjson | .error.message == "no such route: /v1/??")' <<<"$output"
	run raw 'GET /v1/structures/%%C3 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'
	jq -e '.status == 405' <<<"$output"
	# %00 is not decoded: no NUL cuts "/v1/health%00x" down to a route
	run raw 'GET /v1/health%%00x HTTP/1.1\r\nHost: x\r\n\r\n'
	jq -e '.status == 404 and (.body | fromjson | .error.code == "not_found")' <<<"$output"
	run raw "GET /v1/mandates/1%%00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $tok\r\n\r\n"
	jq -e '.status == 404 and (.body | fromjson | .error.message | test("no such mandate"))' <<<"$output"
	# a raw NUL in the request line or a header: refused or cut, never a crash
	run raw 'GET /v1/he\0alth HTTP/1.1\r\nHost: x\r\n\r\n'
	jq -e '.status == null or .status >= 400' <<<"$output"
	run raw 'GET /v1/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\0\xfe\r\n\r\n'
	jq -e '.status == null or (.status >= 400 and .status < 500)' <<<"$output"
	# queries
	run raw "GET /v1/aidants?structure=%%FF HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $tok\r\n\r\n"
	jq -e '.status == 400 and (.body | fromjson | .error.code == "bad_structure")' <<<"$output"
	run raw "GET /v1/journal?structure=1%%00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $tok\r\n\r\n"
	jq -e '.status == 400' <<<"$output"
	# JSON bodies: every form of bad text is bad_json
	for body in '{"email":"\xff@b.fr","code":"123456"}' '{"email":"a\0@b.fr","code":"123456"}' \
		'{"email":"a@b.fr","code":"1\\u0000"}' '{"email":"\xc3\x28@b.fr","code":"123456"}' \
		'{"email":"\xed\xa0\x80@b.fr","code":"123456"}'; do
		printf "$body" > "$T/body"
		run post_raw /v1/session application/json
		jq -e '.status == 400 and (.body | fromjson | .error.code == "bad_json")' <<<"$output"
	done
	# NDJSON: the bad line answered on its line (ac(7): one result per line)
	printf '{"name":"Mauvaise","siret":"12345678901237","zipcode":"69001","city":"Lyon"}\n{"name":"\xff","siret":"73282932000074","zipcode":"29200","city":"Brest"}\n' > "$T/body"
	run post_raw /v1/structures application/x-ndjson "$tok"
	jq -e '.status == 200' <<<"$output"
	jq -r .body <<<"$output" | jq -se '.[1] | .line == 2 and .ok == false and .error.code == "bad_json"'
	# (line 1 names an existing SIRET: refused too, so nothing changes)
	jq -r .body <<<"$output" | jq -se '.[0].ok == false'
	# forms of the public pages (the body a printf format: %% is one %)
	for form in "/habilitation applicant_email=%%FF%%00&siret=1%%00" \
		"/usager/login code=%%FF%%FE%%00" "/oidc/step step=%%FF&structure=1%%00" \
		"/sign/%FF%00 go=%%00"; do
		set -- $form # the path as sent; the body a printf format
		printf "$2" > "$T/body"
		run post_raw "$1" application/x-www-form-urlencoded
		echo "$1: $output" | cut -c1-200
		jq -e '.status >= 400 and .status < 500 and (.body | length > 0)' <<<"$output"
	done
	healthy
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$entries" ]
	! grep -E ' 500 ' "$T/acd.log"
}

@test "path traversal in every segment of every route, anonymous and as the operator: a 3xx to a login at most, never a 2xx, a 500 or a file" {
	acd_start --rate-limit 0
	op_login
	two_structures
	tok=$(cat "$XDG_STATE_HOME/ac/session")
	before=$(state_digest)
	entries=$(journal_count)
	# each route's path, each of its segments in turn replaced by a climb
	grep -oE '^\s*\{ "[A-Z]+", +"[^"]+"' "$BATS_TEST_DIRNAME/../acd/routes.c" |
		sed -E 's/^\s*\{ "([A-Z]+)", +"([^"]+)"/\1 \2/' | sed 's/{}/1/g' |
		while read -r method path; do
			IFS=/ read -ra seg <<<"${path#/}"
			for i in "${!seg[@]}"; do
				for climb in .. %2e%2e ..%2f..%2f..%2fetc%2fpasswd %2e%2e%2f%2e%2e%2fetc%2fpasswd \
					'..\..\etc\passwd' '%c0%ae%c0%ae' '..;'; do
					s=("${seg[@]}")
					s[$i]=$climb
					(IFS=/; echo "$method /${s[*]}")
				done
			done
			echo "$method /../..$path"
			echo "$method $path/../../../../etc/passwd"
		done > "$T/paths"
	[ "$(wc -l < "$T/paths")" -gt 500 ]
	abuse paths "$(addr)" "$T/paths" > "$T/anon.out"
	abuse paths "$(addr)" "$T/paths" "$tok" > "$T/op.out"
	[ "$(wc -l < "$T/anon.out")" = "$(wc -l < "$T/paths")" ]
	[ "$(wc -l < "$T/op.out")" = "$(wc -l < "$T/paths")" ]
	# every answer a refusal (the usager's pages send a stranger to their
	# login: 303), and no file's text
	bad='select(.status == null or .status < 300 or .status >= 500 or (.body | test("root:")))'
	[ -z "$(jq -c "$bad" "$T/anon.out" "$T/op.out" | tee /dev/stderr)" ]
	[ "$(jq -c 'select(.status >= 300 and .status < 400)' "$T/anon.out" "$T/op.out" | grep -vc '"path":"/usager/')" = 0 ]
	healthy
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$entries" ]
}

@test "JSON nested 100,000 deep and numbers past 2^63: bad_json (400, or on its line of a bulk request), ids past 2^63 never read as another: nothing changes" {
	acd_start --rate-limit 0
	op_login
	two_structures
	tok=$(cat "$XDG_STATE_HOME/ac/session")
	before=$(state_digest)
	entries=$(journal_count)
	post() { # post PATH CONTENT-TYPE FILE
		curl -s -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Content-Type: $2" \
			--data-binary "@$3" "$AC_URL$1"
	}
	python3 -c "print('[' * 100000 + ']' * 100000)" > "$T/deep"
	python3 -c "print('{\"a\":' * 100000 + '1' + '}' * 100000)" > "$T/deep2"
	[ "$(post /v1/session application/json "$T/deep")" = 400 ]
	jq -e '.error.code == "bad_json" and (.error.message | test("depth"))' "$T/b"
	[ "$(post /v1/structure-requests application/json "$T/deep2")" = 400 ]
	jq -e '.error.code == "bad_json"' "$T/b"
	# a bulk route answers each line (ac(7)): that line is bad_json
	[ "$(post /v1/cards application/x-ndjson "$T/deep2")" = 200 ]
	jq -e '.line == 1 and .ok == false and .error.code == "bad_json" and (.error.message | test("depth"))' "$T/b"
	# numbers: past 2^63, below -2^63, a real past double
	for n in 9223372036854775808 -9223372036854775809 99999999999999999999999 1e999; do
		echo "{\"id\":$n,\"reason\":\"abus\"}" > "$T/n"
		[ "$(post /v1/mandates/revoke application/x-ndjson "$T/n")" = 200 ]
		jq -e '.ok == false and .error.code == "bad_json" and (.error.message | test("too big (negative )?integer|real number overflow"))' "$T/b"
		echo "{\"structure\":$n,\"email\":\"a@example.org\",\"first_name\":\"A\",\"last_name\":\"B\"}" > "$T/n"
		[ "$(post /v1/aidants application/x-ndjson "$T/n")" = 200 ]
		jq -e '.ok == false and .error.code == "bad_json"' "$T/b"
	done
	# 2^63 - 1 is a number, of no structure
	echo '{"structure":9223372036854775807,"email":"a@example.org","first_name":"A","last_name":"B","profession":"CNFS"}' > "$T/n"
	post /v1/aidants application/x-ndjson "$T/n" > /dev/null
	cat "$T/b"
	jq -e '.ok == false and .error.code == "not_found"' "$T/b"
	# in a path or a query, a number past 2^63 is not an id at all (strtoll
	# would have read 9223372036854775807)
	for p in /v1/mandates/18446744073709551617 /v1/usagers/9223372036854775808 \
		"/v1/mandates/+1" "/v1/mandates/%201"; do
		[ "$(curl -s -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $tok" "$AC_URL$p")" = 404 ]
		jq -e '.error.code == "not_found"' "$T/b"
	done
	[ "$(curl -s -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $tok" "$AC_URL/v1/aidants?structure=18446744073709551617")" = 400 ]
	jq -e '.error.code == "bad_structure"' "$T/b"
	healthy
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$entries" ]
}
