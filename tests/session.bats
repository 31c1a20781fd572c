#!/usr/bin/env bats
# ac-login, ac-whoami, ac-logout: one-time-code login against a real acd.

load helpers

setup() { acd_start; }
teardown() { acd_stop; }

@test "the operator logs in with an app code and ac-whoami shows the session" {
	run ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")"
	assert_success
	assert_equal "$(jq -r .email <<<"$output")" "$OP_EMAIL"
	assert_equal "$(jq -c .roles <<<"$output")" '["operator"]'
	[ "$(stat -c %a "$XDG_STATE_HOME/ac/session")" = 600 ]
	run ac-whoami
	assert_success
	assert_equal "$(jq -r .email <<<"$output")" "$OP_EMAIL"
	jq -e '.expires_at | test("^[0-9-]+T[0-9:]+Z$")' <<<"$output"
	# only the token's hash is stored
	token=$(cat "$XDG_STATE_HOME/ac/session")
	[ "$(sql "SELECT COUNT(*) FROM sessions WHERE hex(token_hash) = upper('$token')")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login'")" = 1 ]
}

@test "the email is case-insensitive" {
	run ac-login --email "OPERATOR@anct.GOUV.fr" --code "$(totp_b32 "$OP_SECRET")"
	assert_success
	assert_equal "$(jq -r .email <<<"$output")" "$OP_EMAIL"
}

@test "a replayed code is refused with a clear message and a journal entry" {
	code=$(totp_b32 "$OP_SECRET")
	run ac-login --email "$OP_EMAIL" --code "$code"
	assert_success
	run ac-login --email "$OP_EMAIL" --code "$code"
	assert_failure 77
	assert_output --partial "already used"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND details LIKE '%replayed%'")" = 1 ]
}

@test "two concurrent logins with one code: exactly one session" {
	code=$(totp_b32 "$OP_SECRET")
	body="{\"email\":\"$OP_EMAIL\",\"code\":\"$code\"}"
	pids=""
	for i in 1 2 3 4; do
		curl -s -o "$T/r$i" -w '%{http_code}\n' -X POST "$AC_URL/v1/session" -d "$body" > "$T/s$i" &
		pids="$pids $!"
	done
	wait $pids
	[ "$(cat "$T"/s? | grep -c 201)" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM sessions")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login'")" = 1 ]
}

@test "a wrong code is refused (77) and the next attempt too soon is throttled (75)" {
	run ac-login --email "$OP_EMAIL" --code 000000
	assert_failure 77
	assert_output --partial "login refused"
	run ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")"
	assert_failure 75
	assert_output --partial "wait"
	[ "$(sql "SELECT failures FROM accounts WHERE email = '$OP_EMAIL'")" = 2 ]
}

@test "an unknown email gets exactly the answers a real one gets" {
	run ac-login --email nobody@example.org --code 123456
	assert_failure 77
	real_first=$(ac-login --email "$OP_EMAIL" --code 000000 2>&1 || true)
	assert_equal "$output" "$real_first"
	run ac-login --email nobody@example.org --code 123456
	assert_failure 75
	[ "$(sql "SELECT COUNT(*) FROM accounts WHERE email = 'nobody@example.org'")" = 0 ]
}

@test "a burst of failures: a real and an unknown email get the same answers, one by one" {
	for who in "$OP_EMAIL" nobody@example.org; do
		for i in 1 2 3 4 5 6; do
			ac-login --email "$who" --code 000000 > /dev/null 2>> "$T/$who.err" || echo "exit $?" >> "$T/$who.err"
		done
	done
	sed 's/wait [0-9]* s/wait N s/' "$T/$OP_EMAIL.err" > "$T/real"
	sed 's/wait [0-9]* s/wait N s/' "$T/nobody@example.org.err" > "$T/unknown"
	diff "$T/real" "$T/unknown"
	[ "$(sql "SELECT n FROM counters WHERE name = 'unknown_email_failures'")" = 6 ]
}

@test "an unknown email's failures outlive a restart, as a real account's do" {
	for who in "$OP_EMAIL" nobody@example.org; do
		for i in $(seq 10); do ac-login --email "$who" --code 000000 2>/dev/null || true; done
	done
	acd_stop
	acd_serve_ready "${ACD_DB[@]}"
	run ac-login --email nobody@example.org --code 000000
	assert_failure 77
	assert_output --partial "locked"
	real=$(ac-login --email "$OP_EMAIL" --code 000000 2>&1 || true)
	assert_equal "$output" "$real"
}

@test "refused attempts on a locked account are journaled, at most once a minute" {
	for i in $(seq 10); do ac-login --email "$OP_EMAIL" --code 000000 2>/dev/null || true; done
	for i in 1 2 3; do
		run ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")"
		assert_failure 77
		assert_output --partial "locked"
	done
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND details LIKE '%\"locked\"%'")" = 1 ]
}

@test "ten failures lock the account; the right code is then refused" {
	for i in $(seq 10); do
		ac-login --email "$OP_EMAIL" --code 000000 2>/dev/null || true
	done
	run ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")"
	assert_failure 77
	assert_output --partial "locked"
	[ "$(sql "SELECT locked FROM accounts WHERE email = '$OP_EMAIL'")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'lockout'")" = 1 ]
}

@test "ac-logout ends the session on the server" {
	op_login
	token=$(cat "$XDG_STATE_HOME/ac/session")
	run ac-logout
	assert_success
	[ ! -e "$XDG_STATE_HOME/ac/session" ]
	run curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$AC_URL/v1/session"
	assert_output 401
}

@test "without a session, tools exit 77 and say to log in" {
	run ac-whoami
	assert_failure 77
	assert_output --partial "ac-login"
}

@test "bad input to POST /v1/session: 400 with an error object, nothing changes" {
	before=$(state_digest); n=$(journal_count)
	for body in '{"email":"a@b.fr"' '{"email":1,"code":"123456"}' \
		'{"email":"a@b.fr","code":"123456","extra":true}' '{"code":"123456"}' \
		'{"email":"not-an-email","code":"123456"}' '{"email":"a@b.fr","code":"12ab56"}' '[]'; do
		run curl -s -w '\n%{http_code}' -X POST "$AC_URL/v1/session" -d "$body"
		assert_equal "${lines[1]}" 400
		jq -e '.error.code and .error.message' <<<"${lines[0]}"
	done
	run sh -c "head -c 2000000 /dev/zero | curl -s -o /dev/null -w '%{http_code}' -X POST '$AC_URL/v1/session' --data-binary @-"
	assert_output 413
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "acd is unreachable: exit 69 with a clear message" {
	AC_URL=http://127.0.0.1:1 run ac-whoami
	assert_failure 69
	assert_output --partial "cannot reach acd"
}

@test "no AC_URL: exit 78; url= in the config file works" {
	url=$AC_URL
	unset AC_URL
	run ac-whoami
	assert_failure 78
	mkdir -p "$XDG_CONFIG_HOME/ac"
	echo "url = $url" > "$XDG_CONFIG_HOME/ac/config"
	run ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")"
	assert_success
}

@test "acd logs one line per request and never the token or the code" {
	code=$(totp_b32 "$OP_SECRET")
	ac-login --email "$OP_EMAIL" --code "$code" >/dev/null
	ac-whoami >/dev/null
	token=$(cat "$XDG_STATE_HOME/ac/session")
	grep -q 'POST /v1/session 201' "$T/acd.log"
	grep -q 'GET /v1/session 200' "$T/acd.log"
	! grep -q "$token" "$T/acd.log" || false
	! grep -q "$code" "$T/acd.log" || false
}

@test "an idle or too old session is refused: 77, log in again" {
	op_login
	run ac-whoami
	assert_success
	# two hours and a minute without a request (time moved by editing the row)
	db_write "UPDATE sessions SET last_seen = last_seen - 7260"
	run ac-whoami
	assert_failure 77
	assert_output --partial "expired"
	db_write "UPDATE sessions SET last_seen = strftime('%s','now'), expires_at = strftime('%s','now') - 1"
	run ac-whoami
	assert_failure 77
}

@test "a session is kept alive by use, to the minute, without a write per request" {
	op_login
	db_write "UPDATE sessions SET last_seen = last_seen - 600"
	before=$(sql "SELECT last_seen FROM sessions")
	ac-whoami >/dev/null
	after=$(sql "SELECT last_seen FROM sessions")
	[ "$after" -gt "$before" ]
	ac-whoami >/dev/null
	[ "$(sql "SELECT last_seen FROM sessions")" = "$after" ]
}

@test "a malformed body's error never quotes the input (it may hold a code or a seed)" {
	run curl -s -X POST "$AC_URL/v1/session" -d '{"email":"a@b.fr","code":"918273" x}'
	jq -e '.error.code == "bad_json"' <<<"$output"
	refute_output --partial 918273
	op_login
	run sh -c "printf '%s\n' '{\"serial\":\"GADT1\",\"seed\":\"3132333435363738393031323334353637383930\" oops}' | ac-card-import"
	assert_failure 1
	refute_output --partial 313233343536
}
