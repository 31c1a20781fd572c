#!/usr/bin/env bats
# API tokens for cron jobs and pipelines (issue 10 §1): ac-token-new,
# ac-token-list, ac-token-revoke, AC_TOKEN and --token-file.  A token carries
# at most its creator's rights, narrowed to its scopes (and to a structure),
# re-checked at each request; the journal names it as the actor.
# Structure 1 (Lyon): référent ref-a, aidant a1; structure 2 (Brest):
# référent ref-b, aidants b1, b2.

load helpers
load card_helpers

setup() {
	card_people_setup
	local n
	for n in 100 101 200; do printf '{"serial":"GADT%08d","seed":"%s"}\n' "$n" "$(seed "$n")"; done |
		ac-card-import > /dev/null
	printf '%s\n' "{\"serial\":\"$(serial 100)\",\"email\":\"ref-a@lyon.fr\"}" \
		"{\"serial\":\"$(serial 101)\",\"email\":\"a1@lyon.fr\"}" \
		"{\"serial\":\"$(serial 200)\",\"email\":\"ref-b@brest.fr\"}" | ac-card-link > /dev/null
	login ref-a@lyon.fr 100 > /dev/null
	login a1@lyon.fr 101 > /dev/null
	login ref-b@brest.fr 200 > /dev/null
}
teardown() { acd_stop; }

# new_token WHO ARGS...: WHO's new token (op: the operator's); its JSON line
# in $T/tok.json, the token itself in $TOKEN
new_token() {
	local who=$1; shift
	if [ "$who" = op ]; then ac-token-new "$@"; else as "$who" ac-token-new "$@"; fi > "$T/tok.json"
	TOKEN=$(jq -r .token "$T/tok.json")
}

@test "ac-token-new shows the token once; acd keeps its hash; the list never shows it" {
	run as ref-a ac-token-new --name "départs et arrivées" --scopes aidants:write,journal:read
	assert_success
	jq -e 'keys == ["expires_at","id","name","scopes","structure","token"]
		and .id == 1 and .name == "départs et arrivées" and .structure == null
		and .scopes == ["journal:read","aidants:write"]
		and (.token | test("^act_[0-9a-f]{64}$"))' <<<"$output"
	token=$(jq -r .token <<<"$output")
	# a year by default, from acd's clock
	exp=$(date -d "$(jq -r .expires_at <<<"$output")" +%s)
	[ $(( exp - $(date +%s) - 365 * 86400 )) -le 5 ] && [ $(( exp - $(date +%s) - 365 * 86400 )) -ge -5 ]
	# stored: its SHA-256 only, never the token
	[ "$(sql "SELECT lower(hex(token_hash)) FROM api_tokens")" = "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" ]
	! grep -qa "${token#act_}" $(db_files) "$T/acd.log"
	run as ref-a ac-token-list
	assert_success
	jq -e 'has("token") | not' <<<"$output"
	jq -e '.id == 1 and .account == "ref-a@lyon.fr" and .status == "active" and .last_used_at == null' <<<"$output"
	[ "$(sql "SELECT actor || '|' || subject || '|' || structure_id FROM journal WHERE action = 'token_create'")" = "ref-a@lyon.fr|token:1|1" ]
	# someone else's tokens are not in one's list; the operator sees all
	run as ref-b ac-token-list
	assert_success
	assert_output ""
	run ac-token-list
	jq -e '.id == 1' <<<"$output"
}

@test "a token acts within its scopes, as token:ID in the journal; last_used_at kept; ac-whoami says which" {
	new_token ref-a --name arrivals --scopes aidants:write
	# an aidant of Lyon who left comes back: the référent's token reactivates them
	ac-aidant-add --structure 1 --email a9@lyon.fr --first-name Neuf --last-name Lyon > /dev/null
	ac-aidant-deactivate --email a9@lyon.fr --structure 1 > /dev/null
	run env AC_TOKEN="$TOKEN" ac-aidant-add --structure 1 --email a9@lyon.fr --first-name Neuf --last-name Lyon
	assert_success
	[ "$(sql "SELECT actor FROM journal WHERE action = 'aidant_reactivate' AND subject LIKE '%a9@lyon.fr%'")" = token:1 ]
	[ "$(sql "SELECT last_used_at IS NOT NULL FROM api_tokens WHERE id = 1")" = 1 ]
	run env AC_TOKEN="$TOKEN" ac-whoami
	assert_success
	jq -e '.email == "ref-a@lyon.fr" and .api_token == {"id":1,"scopes":["aidants:write"],"structure":null}' <<<"$output"
	run ac-audit --actor token:1
	assert_success
	jq -e '.actor == "token:1"' <<<"$output"
	# still at most its creator's rights: Brest is not ref-a's
	run env AC_TOKEN="$TOKEN" ac-aidant-add --structure 2 --email x@brest.fr --first-name X --last-name Y
	assert_failure
	[ "$(sql "SELECT COUNT(*) FROM accounts WHERE email = 'x@brest.fr'")" = 0 ]
}

@test "--token-file: the token from a 0600 file, refused (78) when others may read it" {
	new_token ref-a --name lists --scopes cards:write
	printf '%s\n' "$TOKEN" > "$T/token"
	chmod 600 "$T/token"
	run ac-card-list --token-file "$T/token"
	assert_success
	jq -e '.serial' <<<"${lines[0]}"
	# the file wins over the saved session (the operator's here)
	run ac-whoami --token-file "$T/token"
	jq -e '.email == "ref-a@lyon.fr" and .api_token.id == 1' <<<"$output"
	n=$(grep -c ' /v1/' "$T/acd.log")
	chmod 640 "$T/token"
	run ac-card-list --token-file "$T/token"
	assert_failure 78
	assert_output --partial "mode 0640 lets others read the token; chmod 600"
	run ac-card-list --token-file "$T/missing"
	assert_failure 78
	run ac-card-list --token-file "$T"
	assert_failure 78
	: > "$T/empty"; chmod 600 "$T/empty"
	run ac-card-list --token-file "$T/empty"
	assert_failure 78
	assert_output --partial "empty"
	# none of these asked acd anything
	[ "$(grep -c ' /v1/' "$T/acd.log")" = "$n" ]
	# every tool takes it
	for t in "$(dirname "$(command -v ac-login)")"/ac-*; do
		"$t" --help | grep -q -- '--token-file FILE' || { echo "$t --help lacks --token-file"; return 1; }
	done
}

@test "outside its scopes: 403 insufficient_scope and nothing changes; never tokens, mandates, sessions" {
	new_token ref-a --name arrivals --scopes aidants:write
	before=$(state_digest) n=$(journal_count) tokens=$(sql "SELECT COUNT(*) FROM api_tokens")
	export AC_TOKEN="$TOKEN"
	run ac-card-list
	assert_failure 77
	assert_output --partial "API token 1 has the scopes aidants:write; GET /v1/cards needs cards:write"
	run ac-card-unlink --serial "$(serial 101)" --reason lost
	assert_failure 77
	run ac-mandate-list
	assert_failure 77
	run ac-audit
	assert_failure 77
	run ac-token-new --name more --scopes aidants:write
	assert_failure 77
	assert_output --partial "no API token may call POST /v1/tokens"
	run ac-token-list
	assert_failure 77
	run ac-token-revoke 1
	assert_failure 77
	[ -s "$XDG_STATE_HOME/ac/session" ]
	run ac-logout
	assert_failure 77
	# the session ac-login saved is not the token's: it stays
	[ -s "$XDG_STATE_HOME/ac/session" ]
	run ac-mandate-revoke 1
	assert_failure 77
	run ac-reminders-send --dry-run
	assert_failure 77
	for route in "POST /v1/mandates/drafts" "POST /v1/mandates/renew" "POST /v1/mandates/drafts/1/confirm" \
		"POST /v1/clients" "POST /v1/structures" "POST /v1/cards/enroll"; do
		run curl -sS -X "${route% *}" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			--data '{}' -o "$T/reply" -w '%{http_code}' "$AC_URL${route#* }"
		assert_output 403
		jq -e '.error.code == "insufficient_scope"' "$T/reply"
	done
	unset AC_TOKEN
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM api_tokens")" = "$tokens" ]
	# the session that made it is still there and works
	run as ref-a ac-whoami
	assert_success
}

@test "at most the creator's rights: scopes and structures one does not have are refused" {
	n=$(journal_count)
	run as a1 ac-token-new --name x --scopes aidants:write
	assert_failure 77
	assert_output --partial "scope aidants:write is an operator's or a référent's only"
	run as ref-a ac-token-new --name x --scopes reminders:send
	assert_failure 77
	assert_output --partial "reminders:send is only an operator's"
	run as ref-a ac-token-new --name x --scopes aidants:write --structure 2
	assert_failure
	assert_output --partial "no such structure: 2"
	run as ref-a ac-token-new --name x --scopes aidants:write --structure 99
	assert_failure
	run ac-token-new --name x --scopes reminders:send --structure 1
	assert_failure 77
	[ "$(sql "SELECT COUNT(*) FROM api_tokens")" = 0 ]
	[ "$(journal_count)" = "$n" ]
	# an aidant may read its structure's mandates with a token
	run as a1 ac-token-new --name mine --scopes mandates:read
	assert_success
	run env AC_TOKEN="$(jq -r .token <<<"$output")" ac-mandate-list
	assert_success
}

@test "a token narrowed to a structure sees and touches that one only" {
	new_token op --name lyon --scopes aidants:write,cards:write,journal:read --structure 1
	jq -e '.structure == 1' "$T/tok.json"
	export AC_TOKEN="$TOKEN"
	run ac-aidant-list
	assert_success
	[ "$(jq -s 'map(.structure) | unique' <<<"$output" | tr -d ' \n')" = "[1]" ]
	run ac-card-list
	assert_success
	[ "$(jq -s 'map(.structure) | unique' <<<"$output" | tr -d ' \n')" = "[1]" ]
	run ac-aidant-list --structure 2
	assert_failure
	assert_output --partial "no such structure: 2"
	run ac-aidant-add --structure 2 --email x@brest.fr --first-name X --last-name Y
	assert_failure
	run ac-audit
	assert_success
	[ "$(jq -s 'map(.structure) | unique' <<<"$output" | tr -d ' \n')" = "[1]" ] || { echo "$output"; return 1; }
	# an operator's token narrowed to a structure is no operator's
	run ac-card-import <<<"{\"serial\":\"GADT00000300\",\"seed\":\"$(seed 300)\"}"
	assert_failure
	unset AC_TOKEN
	[ "$(sql "SELECT COUNT(*) FROM accounts WHERE email = 'x@brest.fr'")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM cards WHERE serial = 'GADT00000300'")" = 0 ]
}

@test "a référent who leaves: its tokens lose their rights at once" {
	new_token ref-a --name arrivals --scopes aidants:write
	run env AC_TOKEN="$TOKEN" ac-aidant-list
	assert_success
	ac-aidant-deactivate --email ref-a@lyon.fr --structure 1 > /dev/null
	before=$(state_digest) n=$(journal_count)
	run env AC_TOKEN="$TOKEN" ac-aidant-list
	assert_failure 77
	assert_output --partial "API token 1: its account is no longer active"
	run env AC_TOKEN="$TOKEN" ac-aidant-add --structure 1 --email z@lyon.fr --first-name Z --last-name Z
	assert_failure 77
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# narrowed to a structure the person left (still working in another)
	ac-aidant-add --structure 2 --email ref-b2@brest.fr --first-name R --last-name B --referent > /dev/null
	ac-aidant-add --structure 1 --email ref-b2@brest.fr --first-name R --last-name B --referent > /dev/null
	ac-card-import <<<"{\"serial\":\"$(serial 201)\",\"seed\":\"$(seed 201)\"}" > /dev/null
	ac-card-link --serial "$(serial 201)" --email ref-b2@brest.fr > /dev/null
	login ref-b2@brest.fr 201 > /dev/null
	new_token ref-b2 --name lyon --scopes aidants:write --structure 1
	ac-aidant-deactivate --email ref-b2@brest.fr --structure 1 > /dev/null
	run env AC_TOKEN="$TOKEN" ac-aidant-list
	assert_failure 77
	assert_output --partial "no longer belongs to structure 1"
}

@test "revoked: refused at once; revoking twice changes nothing; someone else's is not found" {
	new_token ref-a --name arrivals --scopes aidants:write
	run as ref-b ac-token-revoke 1
	assert_failure
	assert_output --partial "no such token: 1"
	run as ref-a ac-token-revoke 1
	assert_success
	jq -e '.id == 1 and .status == "revoked" and .changed == true and (.revoked_at | type) == "string"' <<<"$output"
	[ "$(sql "SELECT actor || '|' || subject FROM journal WHERE action = 'token_revoke'")" = "ref-a@lyon.fr|token:1" ]
	run env AC_TOKEN="$TOKEN" ac-aidant-list
	assert_failure 77
	assert_output --partial "API token 1 was revoked"
	n=$(journal_count)
	run as ref-a ac-token-revoke 1
	assert_success
	jq -e '.changed == false' <<<"$output"
	[ "$(journal_count)" = "$n" ]
	# gone from the list, but for --all
	run as ref-a ac-token-list
	assert_output ""
	run as ref-a ac-token-list --all
	jq -e '.status == "revoked"' <<<"$output"
	# in bulk, from stdin; an operator revokes anyone's
	new_token ref-a --name a --scopes aidants:write
	new_token ref-b --name b --scopes cards:write
	run ac-token-revoke <<<'{"id":2}
{"id":3}
{"id":99}'
	assert_failure 1
	jq -e '.changed == true' <<<"${lines[0]}"
	jq -e '.changed == true' <<<"${lines[1]}"
	jq -e '.line == 3 and .error.code == "not_found"' <<<"${lines[2]}"
	# the same fields on every line, whatever the first: --csv's columns
	new_token ref-a --name c --scopes aidants:write
	run as ref-a ac-token-list
	jq -e '.status == "active" and .revoked_at == null' <<<"$output"
	run as ref-a ac-token-list --csv
	assert_success
	[[ ${lines[0]} == *,revoked_at* ]]
	run as ref-a ac-token-list --all --csv
	[ "${#lines[@]}" = 4 ]
	[[ ${lines[0]} == *,revoked_at* ]]
}

@test "tokens expire: 365 days by default, at most 730; an expired one is refused" {
	new_token ref-a --name short --scopes aidants:write --expires-in 30
	short=$TOKEN
	new_token ref-a --name long --scopes aidants:write --expires-in 730
	long=$TOKEN
	run as ref-a ac-token-new --name x --scopes aidants:write --expires-in 731
	assert_failure 64
	run as ref-a ac-token-new --name x --scopes aidants:write --expires-in 0
	assert_failure 64
	# a month and a day later
	acd_stop
	ACD_LATER_DAYS=31 acd_serve_ready "${ACD_DB[@]}"
	run env AC_TOKEN="$short" ac-aidant-list
	assert_failure 77
	assert_output --partial "API token 1 has expired"
	run env AC_TOKEN="$long" ac-aidant-list
	assert_success
	ACD_LATER_DAYS=31 login ref-a@lyon.fr 100 > /dev/null
	run as ref-a ac-token-list --all
	jq -e '.id == 1 and .status == "expired"' <<<"${lines[0]}"
	jq -e '.id == 2 and .status == "active"' <<<"${lines[1]}"
	run as ref-a ac-token-list
	assert_equal "${#lines[@]}" 1
}

@test "bad requests: clear errors, nothing changes" {
	before=$(state_digest) n=$(journal_count)
	run as ref-a ac-token-new --name x --scopes aidants:write,foo
	assert_failure 64
	assert_output --partial 'unknown scope "foo"; give one or more of stats:read, reminders:send'
	run as ref-a ac-token-new --name x --scopes aidants:write,aidants:write
	assert_failure 64
	assert_output --partial 'given twice'
	run as ref-a ac-token-new --name x --scopes ''
	assert_failure 64
	run as ref-a ac-token-new --scopes aidants:write
	assert_failure 64
	assert_output --partial -- "--name is required"
	run as ref-a ac-token-new --name x
	assert_failure 64
	run as ref-a ac-token-new --name x --scopes aidants:write --structure abc
	assert_failure 64
	session=$(cat "$T/st-ref-a/ac/session")
	post() {
		curl -sS -X POST -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
			--data-binary "$1" -o "$T/reply" -w '%{http_code}' "$AC_URL/v1/tokens"
	}
	for body in '{"name":"x"' '{"name":"x","scopes":["aidants:write"],"admin":true}' \
		'{"name":"x","scopes":"aidants:write"}' '{"name":"x","scopes":[]}' '{"name":"x","scopes":[7]}' \
		'{"name":"","scopes":["aidants:write"]}' '{"name":"a\u0007b","scopes":["aidants:write"]}' \
		"{\"name\":\"$(printf 'x%.0s' $(seq 101))\",\"scopes\":[\"aidants:write\"]}" \
		'{"name":"x","scopes":["aidants:write"],"expires_in":"30"}' \
		'{"name":"x","scopes":["aidants:write"],"expires_in":-1}' '[]'; do
		run post "$body"
		assert_output 400
		jq -e '.error.code and .error.message' "$T/reply"
	done
	head -c 2000000 /dev/zero | tr '\0' 'x' > "$T/huge"
	run curl -sS -X POST -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
		--data-binary @"$T/huge" -o /dev/null -w '%{http_code}' "$AC_URL/v1/tokens"
	assert_output 413
	# a token that is not one, or a near miss, is refused as unknown
	run env AC_TOKEN="act_$(printf '0%.0s' $(seq 64))" ac-whoami
	assert_failure 77
	run env AC_TOKEN="act_short" ac-whoami
	assert_failure 77
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM api_tokens")" = 0 ]
}

@test "the token tools: --help, man pages, ac dispatches them" {
	for t in ac-token-new ac-token-list ac-token-revoke; do
		run "$t" --help
		assert_success
		assert_output --partial "usage: $t"
		MANWIDTH=80 man --warnings -l "$REPO/man/$t.1" > /dev/null 2> "$T/man.err"
		[ ! -s "$T/man.err" ] || { cat "$T/man.err"; return 1; }
	done
	run ac token list --help
	assert_success
	assert_output --partial "usage: ac-token-list"
	run ac help
	assert_output --partial "token-new"
}
