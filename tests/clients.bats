#!/usr/bin/env bats
# ac-client-new, ac-client-list: clients of acd as identity provider, registered
# by operators; the secret is shown once and kept hashed.

bats_require_minimum_version 1.5.0
load helpers

setup() { acd_start; op_login; }
teardown() { acd_stop; }

@test "an operator registers a client: the secret once, hashed in the database, journaled" {
	run --separate-stderr ac-client-new --name "Site démarche" --redirect-uri http://127.0.0.1:9/callback --signing ES256
	assert_success
	id=$(jq -r .client_id <<<"$output"); secret=$(jq -r .client_secret <<<"$output")
	[[ $id =~ ^ac_[0-9a-f]{32}$ ]]
	[[ $secret =~ ^[0-9a-f]{64}$ ]]
	[ "$(jq -r '[.name,.redirect_uri,.signing] | @tsv' <<<"$output")" = "Site démarche	http://127.0.0.1:9/callback	ES256" ]
	[ "$(sql "SELECT hex(secret_hash) FROM oidc_clients WHERE client_id = '$id'")" = "$(printf %s "$secret" | sha256sum | cut -c1-64 | tr a-f A-F)" ]
	[ "$(sql "SELECT secret_box IS NULL FROM oidc_clients WHERE client_id = '$id'")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'client_create' AND subject = '$id'")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE details LIKE '%$secret%'")" = 0 ]
	run ac-client-list
	assert_success
	[ "$(jq -r .client_id <<<"$output")" = "$id" ]
	[ "$(jq 'has("client_secret")' <<<"$output")" = false ]
}

@test "HS256 keeps the secret sealed; the default is RS256" {
	run ac-client-new --name A --redirect-uri https://a.example/cb --signing HS256
	assert_success
	secret=$(jq -r .client_secret <<<"$output")
	[ "$(sql "SELECT secret_box IS NOT NULL FROM oidc_clients WHERE signing = 'HS256'")" = 1 ]
	[ "$(db_dump | grep -c "$secret")" = 0 ]
	run ac-client-new --name B --redirect-uri https://b.example/cb
	assert_success
	[ "$(jq -r .signing <<<"$output")" = RS256 ]
}

@test "bad input: usage 64, refusals 65, nothing registered" {
	before=$(journal_count)
	run ac-client-new --name A
	[ "$status" -eq 64 ]
	run ac-client-new --name A --redirect-uri https://a.example/cb --signing none
	[ "$status" -eq 64 ]
	for uri in ftp://a.example/cb "https://a.example/cb#x" "https://a b/cb" /cb https://; do
		run --separate-stderr ac-client-new --name A --redirect-uri "$uri"
		[ "$status" -eq 65 ] || { echo "$uri: $status $stderr"; false; }
	done
	run --separate-stderr ac-client-new --name "" --redirect-uri https://a.example/cb
	echo "$status $stderr"
	[ "$status" -eq 65 ] || [ "$status" -eq 64 ]
	[[ $stderr == *name* ]]
	[ "$(sql 'SELECT COUNT(*) FROM oidc_clients')" = 0 ]
	[ "$(journal_count)" = "$before" ]
}

@test "without a valid session nothing is registered or listed (77)" {
	export AC_TOKEN=0000000000000000000000000000000000000000000000000000000000000000
	run ac-client-new --name A --redirect-uri https://a.example/cb
	[ "$status" -eq 77 ]
	run ac-client-list
	[ "$status" -eq 77 ]
	unset AC_TOKEN
	[ "$(sql 'SELECT COUNT(*) FROM oidc_clients')" = 0 ]
}
