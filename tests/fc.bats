#!/usr/bin/env bats
# The FranceConnect stand-in (tests/fc/provider.mjs, the real oidc-provider
# library) behaves like a conformant FranceConnect v2 provider; the browser
# driver (tests/browser/sign.mjs) and the SMTP sink helpers work. No acd here:
# tests/fc/flow-check.mjs plays a minimal relying party.

bats_require_minimum_version 1.5.0
load helpers

teardown() {
	stop_all
}

# flow [flow-check.mjs options...]: the whole code flow against the running
# stand-in, the relying party listening on $FC_REDIRECT.
flow() {
	node "$REPO/tests/fc/flow-check.mjs" --issuer "$FC_ISSUER" --client-id "$FC_CLIENT_ID" \
		--client-secret "$(cat "$FC_SECRET_FILE")" --redirect-uri "$FC_REDIRECT" "$@"
}

# A loopback redirect URI without a port: flow-check.mjs serves it on the port
# it binds, which the stand-in accepts (RFC 8252 §7.3).
rp_redirect() {
	export FC_REDIRECT="http://127.0.0.1/fc/callback"
}

@test "fc: discovery document of a FranceConnect v2 provider" {
	fc_start
	run curl -sf "$FC_ISSUER/.well-known/openid-configuration"
	assert_success
	echo "$output" > "$T/disc.json"
	assert_equal "$(jq -r .issuer "$T/disc.json")" "$FC_ISSUER"
	for k in authorization_endpoint token_endpoint userinfo_endpoint jwks_uri; do
		jq -e --arg k "$k" --arg i "$FC_ISSUER/" '.[$k] | startswith($i)' "$T/disc.json"
	done
	jq -e '.acr_values_supported | index("eidas1")' "$T/disc.json"
	jq -e '.id_token_signing_alg_values_supported | index("RS256")' "$T/disc.json"
	jq -e '.response_types_supported == ["code"]' "$T/disc.json"
	jq -e '.token_endpoint_auth_methods_supported | index("client_secret_post")' "$T/disc.json"
	for s in openid given_name family_name birthdate birthplace birthcountry gender email preferred_username; do
		jq -e --arg s "$s" '.scopes_supported | index($s)' "$T/disc.json"
	done
}

@test "fc: the JWKS holds a public RSA signing key only" {
	fc_start
	run curl -sf "$(curl -sf "$FC_ISSUER/.well-known/openid-configuration" | jq -r .jwks_uri)"
	assert_success
	echo "$output" | jq -e '.keys | length == 1'
	echo "$output" | jq -e '.keys[0] | .kty == "RSA" and .alg == "RS256" and .use == "sig" and (.kid | length > 0)'
	echo "$output" | jq -e '.keys[0] | has("d") or has("p") or has("q") | not'
}

@test "fc: an authorization request with an unknown client_id is refused, without redirection" {
	fc_start
	run curl -s -o "$T/page.html" -D "$T/headers" -w '%{http_code}' \
		"$FC_ISSUER/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Ffc%2Fcallback&state=s0123456789&nonce=n0123456789&acr_values=eidas1"
	assert_output 400
	run grep -ci '^location:' "$T/headers"
	assert_output 0
	grep -q invalid_client "$T/page.html"
	grep -q 'lang="fr"' "$T/page.html"
}

@test "fc: a redirect_uri that is not registered, or no nonce, is refused" {
	fc_start
	local q="client_id=aidants-connect&response_type=code&scope=openid%20family_name&acr_values=eidas1&state=s0123456789"
	run curl -s -o /dev/null -w '%{http_code}' "$FC_ISSUER/auth?$q&nonce=n0123456789&redirect_uri=http%3A%2F%2F127.0.0.1%3A2%2Fevil"
	assert_output 400
	run curl -s -o /dev/null -w '%{http_code}' "$FC_ISSUER/auth?$q&redirect_uri=$(jq -rn --arg u "$FC_REDIRECT" '$u|@uri')"
	assert_output 400
	# with everything, the browser is sent to the login page
	run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
		"$FC_ISSUER/auth?$q&nonce=n0123456789&redirect_uri=$(jq -rn --arg u "$FC_REDIRECT" '$u|@uri')"
	assert_output --regexp "^303 $FC_ISSUER/interaction/"
}

@test "fc: the login page is French, with labelled login and password fields" {
	fc_start
	local q="client_id=aidants-connect&response_type=code&scope=openid&acr_values=eidas1&state=s0123456789&nonce=n0123456789"
	run curl -s -L -c "$T/jar" -b "$T/jar" "$FC_ISSUER/auth?$q&redirect_uri=$(jq -rn --arg u "$FC_REDIRECT" '$u|@uri')"
	assert_success
	assert_output --partial '<html lang="fr">'
	assert_output --partial '<label for="login">Identifiant</label>'
	assert_output --partial '<input id="login" name="login"'
	assert_output --partial '<label for="password">Mot de passe</label>'
	assert_output --partial '<input id="password" name="password" type="password"'
	assert_output --partial '<button type="submit">Se connecter</button>'
	assert_output --partial '<code>angela</code>'
}

@test "fc: the token endpoint authenticates the client by its secret" {
	fc_start
	local body="grant_type=authorization_code&code=nope&redirect_uri=$(jq -rn --arg u "$FC_REDIRECT" '$u|@uri')"
	run curl -s -w '\n%{http_code}' -d "$body&client_id=aidants-connect&client_secret=wrong" "$FC_ISSUER/token"
	assert_line --index 1 401
	assert_line --index 0 --partial invalid_client
	run curl -s -w '\n%{http_code}' -d "$body&client_id=aidants-connect" "$FC_ISSUER/token"
	assert_line --index 1 401
	assert_line --index 0 --partial invalid_client
	# the right secret, posted (client_secret_post): the client is accepted, the
	# made-up code is not
	run curl -s -w '\n%{http_code}' -d "$body&client_id=aidants-connect&client_secret=$(cat "$FC_SECRET_FILE")" "$FC_ISSUER/token"
	assert_line --index 1 400
	assert_line --index 0 --partial invalid_grant
	# oidc-provider takes the same secret in a Basic header as well
	run curl -s -w '\n%{http_code}' -u "aidants-connect:$(cat "$FC_SECRET_FILE")" -d "$body" "$FC_ISSUER/token"
	assert_line --index 1 400
	assert_line --index 0 --partial invalid_grant
}

@test "fc: fc_start and fc_stop leave no process behind" {
	fc_start
	local pid; pid=$(cat "$T/fc.pid")
	kill -0 "$pid"
	[ -s "$T/fc.secret" ]
	fc_stop
	run kill -0 "$pid"
	assert_failure
	[ ! -e "$T/fc.pid" ]
	run curl -s -o /dev/null --max-time 2 "$FC_ISSUER/jwks"
	assert_failure
	grep -q 'SIGTERM: stopping' "$T/fc.log"
	fc_stop   # a second stop is harmless
}

@test "fc: full code flow as angela: verified RS256 ID token, identity from userinfo" {
	rp_redirect
	fc_start
	run --separate-stderr flow --login angela --shots "$T/shots"
	assert_success
	echo "$output" > "$T/flow.json"
	jq -e '.verified == true and .verify_error == null' "$T/flow.json"
	assert_equal "$(jq -r .userinfo.family_name "$T/flow.json")" DUBOIS
	assert_equal "$(jq -r .userinfo.given_name "$T/flow.json")" "Angela Claire Louise"
	assert_equal "$(jq -r .userinfo.birthdate "$T/flow.json")" 1962-08-24
	assert_equal "$(jq -r .userinfo.birthplace "$T/flow.json")" 75107
	assert_equal "$(jq -r .userinfo.birthcountry "$T/flow.json")" 99100
	assert_equal "$(jq -r .userinfo.gender "$T/flow.json")" female
	assert_equal "$(jq -r .userinfo.email "$T/flow.json")" wossewodda-3728@yopmail.com
	jq -e '.userinfo.preferred_username == ""' "$T/flow.json"
	# the ID token: RS256 with the JWKS key, acr eidas1, no identity claims
	assert_equal "$(jq -r .id_token_header.alg "$T/flow.json")" RS256
	assert_equal "$(jq -r .id_token_header.kid "$T/flow.json")" "$(curl -sf "$FC_ISSUER/jwks" | jq -r '.keys[0].kid')"
	jq -e --arg a "$FC_CLIENT_ID" --arg i "$FC_ISSUER" \
		'.id_token | .acr == "eidas1" and .aud == $a and .iss == $i and (.nonce | length > 0) and has("family_name") == false' "$T/flow.json"
	# a stable sub: 64 hex digits derived from the login
	assert_equal "$(jq -r .id_token.sub "$T/flow.json")" \
		"$(printf 'aidants-connect fc stand-in:angela' | sha256sum | cut -d' ' -f1)"
	[ -s "$T/shots/fc-login.png" ]
}

@test "fc: pierre and fatima (born abroad) have their identities" {
	rp_redirect
	fc_start
	run --separate-stderr flow --login pierre
	assert_success
	echo "$output" | jq -e '.userinfo | .given_name == "Pierre" and .family_name == "MERCIER"
		and .birthdate == "1969-03-17" and .gender == "male" and .birthplace == "69123"
		and .preferred_username == "DUMEUBLE"'
	run --separate-stderr flow --login fatima
	assert_success
	echo "$output" | jq -e '.userinfo | .birthplace == "" and .birthcountry == "99350"'
}

@test "fc: --tamper audience: the ID token's aud is someone-else" {
	rp_redirect
	fc_start --tamper audience
	run -3 --separate-stderr flow
	echo "$output" | jq -e '.id_token.aud == "someone-else" and .verified == false'
	echo "$output" | jq -e '.verify_error.code == "ERR_JWT_CLAIM_VALIDATION_FAILED"'
	# only the ID token is altered: userinfo still answers
	echo "$output" | jq -e '.userinfo.family_name == "DUBOIS"'
	grep -q 'ID token tampered (audience)' "$T/fc.log"
}

@test "fc: --tamper signature: the ID token does not verify against the JWKS" {
	rp_redirect
	fc_start --tamper signature
	run -3 --separate-stderr flow
	echo "$output" | jq -e '.verified == false and .verify_error.code == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"'
	# same kid as the published key, every claim right
	assert_equal "$(echo "$output" | jq -r .id_token_header.kid)" "$(curl -sf "$FC_ISSUER/jwks" | jq -r '.keys[0].kid')"
	echo "$output" | jq -e --arg a "$FC_CLIENT_ID" '.id_token.aud == $a'
}

@test "fc: --tamper nonce, issuer, expired: each is refused for that reason" {
	local mode want
	for mode in nonce issuer expired; do
		rp_redirect
		fc_start --tamper "$mode"
		run -3 --separate-stderr flow
		case $mode in
		nonce) want='.verify_error.code == "NONCE_MISMATCH"' ;;
		issuer) want='.verify_error.code == "ERR_JWT_CLAIM_VALIDATION_FAILED" and .id_token.iss == "https://issuer.invalid"' ;;
		expired) want='.verify_error.code == "ERR_JWT_EXPIRED" and .id_token.exp < now' ;;
		esac
		echo "$output" | jq -e "$want"
		fc_stop
	done
}

@test "sign.mjs: clicks through a signing page and the provider's login" {
	rp_redirect
	fc_start
	run --separate-stderr flow --via-sign-driver --shots "$T/shots"
	assert_success
	echo "$output" | jq -e '.verified and .sign_driver.status == 0'
	echo "$output" | jq -e '.sign_driver.stdout | contains("Identité vérifiée")'
	for f in 1-draft 2-fc-login 3-done; do [ -s "$T/shots/$f.png" ]; done
}

@test "sign.mjs: a refused login exits 1 with the provider's message" {
	rp_redirect
	fc_start
	run flow --via-sign-driver --password nope
	assert_failure 2
	assert_output --partial 'sign.mjs exited 1: sign.mjs: the provider refused the login "angela": Identifiant ou mot de passe incorrect.'
	grep -q 'login refused for "angela"' "$T/fc.log"
}

@test "sign.mjs --no-click: status and text of an error page" {
	fc_start
	local url="$FC_ISSUER/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&state=s0123456789&nonce=n0123456789"
	run --separate-stderr node "$REPO/tests/browser/sign.mjs" "$url" --no-click --shots "$T/shots"
	assert_success
	assert_line --index 0 'status 400'
	assert_output --partial "Le service demandeur n'est pas reconnu."
	[ -s "$T/shots/1-page.png" ]
	run --separate-stderr node "$REPO/tests/browser/sign.mjs" "$url" --no-click --expect-text "Identité vérifiée"
	assert_failure 1
	[[ $stderr == *'"Identité vérifiée" is not on the page'* ]]
}

@test "sign.mjs: a page without the FranceConnect button is an error (2)" {
	fc_start
	run --separate-stderr node "$REPO/tests/browser/sign.mjs" "$FC_ISSUER/jwks"
	assert_failure 2
	[[ $stderr == *"no single button \"S'identifier avec FranceConnect\""* ]]
}

@test "smtp: smtp_start receives mail, mail_bodies decodes it, smtp_stop stops it" {
	smtp_start
	[[ $SMTP_URL =~ ^smtp://127\.0\.0\.1:[0-9]+$ ]]
	printf 'From: acd@example.fr\r\nTo: angela@example.fr\r\nSubject: =?utf-8?q?Lien_de_signature_=C3=A0_ouvrir?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nOuvrez ce lien tr=C3=A8s long : http://127.0.0.1:1/sign/0123456789abcdef0123456789abcdef=\r\n0123456789abcdef0123456789abcdef\r\n' > "$T/msg.eml"
	curl -s --url "$SMTP_URL" --mail-from acd@example.fr --mail-rcpt angela@example.fr --upload-file "$T/msg.eml"
	assert_equal "$(mail_count)" 1
	run mail_bodies
	assert_success
	assert_line 'Subject: Lien de signature à ouvrir'
	assert_line 'Ouvrez ce lien très long : http://127.0.0.1:1/sign/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
	local pid; pid=$(cat "$T/smtp.pid")
	smtp_stop
	run kill -0 "$pid"
	assert_failure
}
