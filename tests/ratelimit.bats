#!/usr/bin/env bats
# Rate limits per client address on the routes anyone may call (AUTH_NONE in
# acd/routes.c): 429, Retry-After, nothing else done.  Each acd here refills
# its buckets per hour (--rate-period 3600), so no token comes back during a
# test: the counts never depend on timing.

load helpers

teardown() { acd_stop; }

# hit [curl args...]: one request to acd; prints the status, keeps the
# headers in $T/h and the body in $T/b.
hit() {
	curl -s -D "$T/h" -o "$T/b" -w '%{http_code}' "$@"
}
retry_after() {
	tr -d '\r' < "$T/h" | sed -n 's/^Retry-After: //Ip'
}

@test "limit + 1 requests: exactly the last is 429 with Retry-After and rate_limited; health and the stylesheet still answer" {
	acd_start --rate-limit 3 --rate-period 3600
	h=$(printf 'a%.0s' $(seq 64))
	for i in 1 2 3; do
		[ "$(hit "$AC_URL/v1/attestations/$h")" = 404 ]
		[ -z "$(retry_after)" ]
	done
	[ "$(hit "$AC_URL/v1/attestations/$h")" = 429 ]
	# one token every 3600 / 3 s: back in 1200 s at most
	ra=$(retry_after)
	[[ $ra =~ ^[0-9]+$ ]] && [ "$ra" -gt 0 ] && [ "$ra" -le 1200 ]
	jq -e '.error.code == "rate_limited" and (.error.message | test("retry in [0-9]+ s"))' "$T/b"
	grep -qi '^Content-Type: application/json' "$T/h"
	# one bucket per address, whatever the route
	[ "$(hit "$AC_URL/stats")" = 429 ]
	for i in 1 2 3 4 5; do
		[ "$(hit "$AC_URL/v1/health")" = 200 ]
		[ "$(hit "$AC_URL/static/ac.css")" = 200 ]
	done
	grep -q 'GET /v1/attestations/a* 429 ' "$T/acd.log"
}

@test "an authenticated caller's routes are not limited" {
	acd_start --rate-limit 2 --rate-period 3600
	op_login # the login is public: one token of two
	[ "$(hit "$AC_URL/stats")" = 200 ]
	[ "$(hit "$AC_URL/stats")" = 429 ]
	for i in 1 2 3 4 5; do
		run ac-whoami
		assert_success
		assert_equal "$(jq -r .email <<<"$output")" "$OP_EMAIL"
	done
	run ac-structure-list
	assert_success
	# an API token likewise
	tok=$(ac-token-new --name lim --scopes stats:read | jq -r .token)
	for i in 1 2 3; do
		[ "$(hit -H "Authorization: Bearer $tok" "$AC_URL/v1/structures")" = 200 ]
	done
	# but a session does not lift the limit on a public route
	[ "$(hit -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" "$AC_URL/stats")" = 429 ]
}

@test "a login over the limit changes nothing: no session, no journal entry, the code not used" {
	acd_start --rate-limit 2 --rate-period 3600
	[ "$(hit "$AC_URL/stats")" = 200 ]
	[ "$(hit "$AC_URL/stats")" = 200 ]
	before=$(state_digest)
	entries=$(journal_count)
	run ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")"
	assert_failure 75
	assert_output --partial "too many requests"
	[ ! -e "$XDG_STATE_HOME/ac/session" ]
	[ "$(journal_count)" = "$entries" ]
	[ "$(sql "SELECT COUNT(*) FROM sessions")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM counters WHERE name = 'unknown_email_failures' AND n > 0")" = 0 ]
	# the card's last accepted step (in the digest) did not move: the code is unused
	[ "$(state_digest)" = "$before" ]
	# a wrong code, an unknown email: refused the same, before any check
	[ "$(hit -H 'Content-Type: application/json' -d '{"email":"nobody@example.org","code":"000000"}' \
		"$AC_URL/v1/session")" = 429 ]
	jq -e '.error.code == "rate_limited"' "$T/b"
	[ "$(journal_count)" = "$entries" ]
	[ "$(sql "SELECT COUNT(*) FROM counters WHERE name = 'unknown_email_failures' AND n > 0")" = 0 ]
}

@test "a page over the limit is a short French page, 429 with Retry-After" {
	acd_start --rate-limit 1 --rate-period 3600
	[ "$(hit "$AC_URL/usager")" = 200 ]
	[ "$(hit "$AC_URL/usager")" = 429 ]
	[ "$(retry_after)" -gt 0 ]
	grep -qi '^Content-Type: text/html' "$T/h"
	grep -qi '^Content-Security-Policy: ' "$T/h"
	grep -q 'Trop de demandes' "$T/b"
	grep -q 'Réessayez dans [0-9]* minutes' "$T/b"
	# a form posted over the limit: the same page, its body never read
	[ "$(hit -d 'csrf=x' "$AC_URL/sign/$(printf 'b%.0s' $(seq 64))")" = 429 ]
	grep -q 'Trop de demandes' "$T/b"
	# the attestation check answers a browser with its page, a program with JSON
	h=$(printf 'c%.0s' $(seq 64))
	[ "$(hit -H 'Accept: text/html' "$AC_URL/v1/attestations/$h")" = 429 ]
	grep -q 'Trop de demandes' "$T/b"
	[ "$(hit "$AC_URL/v1/attestations/$h")" = 429 ]
	jq -e '.error.code == "rate_limited"' "$T/b"
}

# The routes of a class in acd/routes.c, as "METHOD PATH" with {} filled.
routes_of() {
	sed -n "s/^[[:space:]]*{ \"\([A-Z]*\)\",[[:space:]]*\"\([^\"]*\)\",[[:space:]]*$1,.*/\1 \2/p" \
		"$BATS_TEST_DIRNAME/../acd/routes.c" | sed 's/{}/1/g'
}

@test "every AUTH_NONE route of the table is limited; AUTH_OPEN and AUTH_CLIENT ones are not" {
	acd_start --rate-limit 1 --rate-period 3600
	n=0
	while read -r method path; do
		n=$((n + 1))
		# a client of its own per route, named by the trusted proxy (127.0.0.1)
		ip="198.51.100.$n"
		first=$(hit -X "$method" -H "X-Forwarded-For: $ip" "$AC_URL$path")
		[ "$first" != 429 ] || { echo "$method $path: 429 at once"; return 1; }
		second=$(hit -X "$method" -H "X-Forwarded-For: $ip" "$AC_URL$path")
		[ "$second" = 429 ] || { echo "$method $path: $second, not 429"; return 1; }
		[ "$(retry_after)" -gt 0 ]
	done < <(routes_of AUTH_NONE)
	# the login, the usager's and provider's pages, attestations, statistics at least
	[ "$n" -ge 15 ]
	for r in "POST /v1/session" "GET /sign/1" "GET /fc/callback" "GET /usager" \
		"GET /oidc/authorize" "POST /oidc/step" "GET /v1/attestations/1" "GET /stats"; do
		routes_of AUTH_NONE | grep -qx "$r" || { echo "$r is not AUTH_NONE"; return 1; }
	done
	m=0
	while read -r method path; do
		m=$((m + 1))
		for i in 1 2 3; do
			code=$(hit -X "$method" -H "X-Forwarded-For: 203.0.113.$m" "$AC_URL$path")
			[ "$code" != 429 ] || { echo "$method $path: 429"; return 1; }
		done
	done < <(routes_of AUTH_OPEN; routes_of AUTH_CLIENT)
	# health, the stylesheet, discovery, keys; token, userinfo (GET and POST)
	[ "$m" = 7 ]
}

@test "the client's address: X-Forwarded-For from the trusted proxy only; IPv6 by its /64" {
	acd_start --rate-limit 1 --rate-period 3600
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.1' "$AC_URL/stats")" = 200 ]
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.1' "$AC_URL/stats")" = 429 ]
	# the proxy appends what it saw: the last address counts, not what the client wrote
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.99, 192.0.2.1' "$AC_URL/stats")" = 429 ]
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.1, 192.0.2.2' "$AC_URL/stats")" = 200 ]
	# a line the proxy adds comes after the client's own lines (haproxy's option forwardfor)
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.77' -H 'X-Forwarded-For: 192.0.2.1' "$AC_URL/stats")" = 429 ]
	[ "$(hit -H 'X-Forwarded-For: 2001:db8:1:2::1' "$AC_URL/stats")" = 200 ]
	[ "$(hit -H 'X-Forwarded-For: 2001:db8:1:2:ffff::9' "$AC_URL/stats")" = 429 ]
	[ "$(hit -H 'X-Forwarded-For: 2001:db8:1:3::1' "$AC_URL/stats")" = 200 ]
	# the proxy's own requests, and a header it did not fill well, count as the proxy
	[ "$(hit "$AC_URL/stats")" = 200 ]
	[ "$(hit -H 'X-Forwarded-For: not an address' "$AC_URL/stats")" = 429 ]
	acd_stop
	# no proxy trusted: the header is anyone's, and ignored
	acd_serve_ready "${ACD_DB[@]}" --rate-limit 1 --rate-period 3600 --trusted-proxy none
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.5' "$AC_URL/stats")" = 200 ]
	[ "$(hit -H 'X-Forwarded-For: 192.0.2.6' "$AC_URL/stats")" = 429 ]
}

@test "--rate-limit 0 disables the limit; the default lets 300 in a row through" {
	acd_start --rate-limit 0 --rate-period 3600
	args=()
	for i in $(seq 400); do args+=(-o /dev/null "$AC_URL/v1/attestations/$i"); done
	codes=$(curl -s -w '%{http_code}\n' "${args[@]}" | sort | uniq -c)
	[ "$(awk '{ print $1, $2 }' <<<"$codes")" = "400 404" ]
	acd_stop
	acd_serve_ready "${ACD_DB[@]}"
	args=()
	for i in $(seq 300); do args+=(-o /dev/null "$AC_URL/v1/attestations/$i"); done
	codes=$(curl -s -w '%{http_code}\n' "${args[@]}" | sort | uniq -c)
	[ "$(awk '{ print $1, $2 }' <<<"$codes")" = "300 404" ]
}

@test "the settings: in --help, checked, and a bad proxy address refused at start" {
	run acd --help
	assert_output --partial "--rate-limit"
	assert_output --partial "--rate-period"
	assert_output --partial "--trusted-proxy"
	run acd serve --db x --rate-limit -1
	assert_failure 64
	run acd serve --db x --rate-period 0
	assert_failure 64
	export T="$BATS_TEST_TMPDIR"
	acd_newdb
	acd init "${ACD_DB[@]}" --operator "$OP_EMAIL" > /dev/null
	run acd serve "${ACD_DB[@]}" --listen 127.0.0.1:0 --trusted-proxy proxy.example
	assert_failure 78
	assert_output --partial "--trusted-proxy proxy.example"
	printf 'rate-limit = 5\nrate-period = 3600\ntrusted-proxy = none\n' > "$T/acd.conf"
	: > "$T/acd.log"
	acd_serve_ready --config "$T/acd.conf" "${ACD_DB[@]}"
	for i in 1 2 3 4 5; do [ "$(hit "$AC_URL/stats")" = 200 ]; done
	[ "$(hit "$AC_URL/stats")" = 429 ]
}
