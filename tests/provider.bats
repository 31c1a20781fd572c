#!/usr/bin/env bats
# acd as OpenID Connect identity provider (docs/PROVIDER.md): a démarche site
# (openid-client, certified) drives the whole code flow with the aidant in
# headless chromium, for a mandate signed through the mandates' helpers; curl
# sends what a browser would not.  Every refusal leaves the state unchanged.

load helpers
load mandate_helpers
load provider_helpers

setup() { provider_setup; }
teardown() { provider_teardown; }

@test "discovery and JWKS: what a site reads first" {
	curl -fsS "$AC_URL/.well-known/openid-configuration" > "$T/conf.json"
	jq -e --arg i "$AC_URL" '.issuer == $i and .authorization_endpoint == $i + "/oidc/authorize"
		and .token_endpoint == $i + "/oidc/token" and .userinfo_endpoint == $i + "/oidc/userinfo"
		and .jwks_uri == $i + "/oidc/jwks" and .end_session_endpoint == $i + "/oidc/logout"
		and .response_types_supported == ["code"] and .acr_values_supported == ["eidas1"]
		and (.id_token_signing_alg_values_supported | sort) == ["ES256", "HS256", "RS256"]
		and (.token_endpoint_auth_methods_supported | sort) == ["client_secret_basic", "client_secret_post"]
		and .claims_parameter_supported and .authorization_response_iss_parameter_supported
		and .request_parameter_supported == false and .request_uri_parameter_supported == false
		and .prompt_values_supported == ["none", "login", "consent", "select_account"]' "$T/conf.json"
	curl -fsS "$AC_URL/oidc/jwks" > "$T/jwks.json"
	jq -e '[.keys[] | .alg] | sort == ["ES256", "RS256"]' "$T/jwks.json"
	jq -e 'all(.keys[]; .use == "sig" and (.kid | length) > 0 and (has("d") | not) and (has("p") | not))' "$T/jwks.json"
}

@test "the whole flow, RS256 and Basic: the site gets Angela's identity; the use is journaled once" {
	client_new RS256
	rp --demarche logement
	jq . "$T/rp.json"
	# what acd showed: login, the usager (searched), the démarche of the mandate
	jq -e '[.steps[].h1] == ["Connexion de l'"'"'aidant", "Choisissez l'"'"'usager", "Choisissez l'"'"'usager",
		"Choisissez la démarche"]' "$T/rp.json"
	jq -e '.steps[2].buttons | map(select(.[0] == "usager")) == [["usager", "1",
		"Angela Claire Louise DUBOIS, né(e) le 24/08/1962"]]' "$T/rp.json"
	jq -e '[.steps[3].buttons[] | select(.[0] == "demarche") | .[1]] == ["papiers", "logement"]' "$T/rp.json"
	# the ID token, verified by openid-client against the JWKS
	jq -e --arg i "$AC_URL" --arg c "$CLIENT_ID" '.id_token_header.alg == "RS256"
		and (.id_token_claims | .iss == $i and .aud == $c and .acr == "eidas1" and .rep_scope == "logement"
		and (.sub | test("^[0-9a-f]{64}$")) and .exp - .iat == 120
		and (keys | sort) == ["acr", "aud", "auth_time", "exp", "iat", "iss", "nonce", "rep_scope", "sub"])' "$T/rp.json"
	jq -e '.token.token_type == "Bearer" and .token.expires_in <= 60' "$T/rp.json"
	jq -e '.userinfo | .given_name == "Angela Claire Louise" and .family_name == "DUBOIS"
		and .birthdate == "1962-08-24" and .gender == "female" and .birthplace == "75107"
		and .birthcountry == "99100"' "$T/rp.json"
	jq -e '.userinfo.sub == .id_token_claims.sub' "$T/rp.json"
	# the journal: the code, the token, the use — with who, where, which mandate
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 1 ]
	sql "SELECT actor, structure_id, subject, details FROM journal WHERE action = 'autorisation_use'" > "$T/use"
	grep -q '^aidant@lyon.fr|1|usager:1|' "$T/use"
	cut -d'|' -f4- "$T/use" | jq -e --arg c "$CLIENT_ID" '.mandate == 1 and .demarche == "logement" and .client == $c'
	# the aidant asked for the code; the site, authenticated, took the token
	[ "$(sql "SELECT action || ' ' || actor || ' ' || subject FROM journal
		WHERE action IN ('token_code', 'token_issue') ORDER BY seq" | tr '\n' ,)" \
		= "token_code aidant@lyon.fr usager:1,token_issue client:$CLIENT_ID usager:1," ]
	# and an auditor asks the journal what this site took
	[ "$(ac_as operator ac-audit --actor "client:$CLIENT_ID" | jq -r .action)" = token_issue ]
	# the statistics count that use under its family, and the mandate
	ac_as operator ac-stats --by demarche > "$T/stats"
	jq -s -e 'length == 10 and (map(select(.demarches > 0)) | map([.demarche, .demarches, .usagers]))
		== [["logement", 1, 1]] and (map(.mandates_created) | add) == 2' "$T/stats"
	ac_as operator ac-stats | jq -e '.demarches == 1 and .usagers == 1 and .mandates_created == 1
		and .mandates_active == 1 and .structures_habilitees == 1'
	# the public page: one usager is fewer than five
	curl -sf "$AC_URL/stats" | grep -q '<th scope="row">Logement</th><td class="n">&lt; 5</td><td class="n">&lt; 5</td>'
	run ac_as operator ac-audit --actor "client:NOT A CLIENT"
	[ "$status" = 65 ] || [ "$status" = 64 ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE used_at IS NOT NULL AND mandate_id = 1")" = 1 ]
	# no code, token or secret in clear, neither in the database nor in acd's log
	for s in "$(jq -r .id_token "$T/rp.json" | cut -d. -f3)" "$CLIENT_SECRET"; do
		! db_dump | grep -qF "$s" || false
		! grep -qF "$s" "$T/acd.log" || false
	done
}

@test "ES256 and client_secret_post, rep_scope and a narrow scope: only what was asked is given" {
	client_new ES256
	rp --alg ES256 --auth post --rep-scope logement,famille --scope "openid given_name family_name" \
		--demarche logement
	# only the démarches of the mandate the site allows: logement, not papiers
	jq -e '[.steps[3].buttons[] | select(.[0] == "demarche") | .[1]] == ["logement"]' "$T/rp.json"
	jq -e '.id_token_header.alg == "ES256" and .id_token_claims.rep_scope == "logement"' "$T/rp.json"
	kid=$(jq -r .id_token_header.kid "$T/rp.json")
	curl -fsS "$AC_URL/oidc/jwks" | jq -e --arg k "$kid" '[.keys[] | select(.kid == $k and .alg == "ES256" and .crv == "P-256")] | length == 1'
	jq -e '.userinfo | keys == ["family_name", "given_name", "sub"]' "$T/rp.json"
	[ "$(sql "SELECT scope FROM oidc_tokens t JOIN oidc_codes c ON c.id = t.code_id")" = "openid given_name family_name" ]
	# end_session: to the site's registered address, with its state; elsewhere, a page
	hint=$(jq -r .id_token "$T/rp.json")
	curl -sS -o /dev/null -D "$T/headers" -G --data-urlencode "id_token_hint=$hint" \
		--data-urlencode "post_logout_redirect_uri=$RP_REDIRECT" --data-urlencode "state=$OIDC_STATE" \
		"$AC_URL/oidc/logout"
	grep -q '^HTTP/1.1 303' "$T/headers"
	[ "$(qparam state)" = "$OIDC_STATE" ]
	[[ "$(location)" == "$RP_REDIRECT?"* ]]
	curl -sS -o "$T/page.html" -D "$T/headers" -G --data-urlencode "id_token_hint=$hint" \
		--data-urlencode "post_logout_redirect_uri=https://evil.example/cb" "$AC_URL/oidc/logout"
	grep -q '^HTTP/1.1 200' "$T/headers"
	grep -q "Vous êtes déconnecté(e)" "$T/page.html"
	[ -z "$(location)" ]
}

@test "HS256, an aidant of two structures: the structure is asked; the MAC key is the client's secret" {
	ac_as operator ac-aidant-add --structure 2 --email aidant@lyon.fr --first-name Marie --last-name Martin > /dev/null
	client_new HS256
	rp --alg HS256 --structure "CCAS de Lyon" --demarche papiers
	jq -e '.steps[1].h1 == "Choisissez la structure"' "$T/rp.json"
	jq -e '[.steps[1].buttons[] | select(.[0] == "structure") | .[2]]
		| length == 2 and any(test("CCAS de Lyon")) and any(test("France services Brest"))' "$T/rp.json"
	jq -e '.id_token_header.alg == "HS256" and (.id_token_header | has("kid") | not)
		and .id_token_claims.rep_scope == "papiers"' "$T/rp.json"
	# checked again here, apart from openid-client: HMAC-SHA256 of header.payload
	jq -r .id_token "$T/rp.json" | /usr/bin/python3 -c '
import base64, hashlib, hmac, sys
h, p, s = sys.stdin.read().strip().split(".")
mac = hmac.new(sys.argv[1].encode(), f"{h}.{p}".encode(), hashlib.sha256).digest()
sys.exit(0 if base64.urlsafe_b64encode(mac).rstrip(b"=").decode() == s else 1)' "$CLIENT_SECRET"
	[ "$(sql "SELECT structure_id FROM journal WHERE action = 'autorisation_use'")" = 1 ]
}

@test "unknown client, redirect URI not registered: an error page, never a redirection; nothing stored" {
	client_new RS256
	before=$(oidc_digest); jn=$(journal_count)
	[ "$(authz client_id=ac_00000000000000000000000000000000)" = 400 ]
	grep -q "Service en ligne inconnu" "$T/page.html"
	[ -z "$(location)" ]
	[ "$(authz -client_id)" = 400 ]
	[ -z "$(location)" ]
	for uri in "$RP_REDIRECT/" "${RP_REDIRECT}x" "http://127.0.0.1:1/callback" "$RP_REDIRECT?x=1" "https://evil.example/cb"; do
		[ "$(authz "redirect_uri=$uri")" = 400 ]
		grep -q "Adresse de retour refusée" "$T/page.html"
		[ -z "$(location)" ]
	done
	[ "$(authz -redirect_uri)" = 400 ]
	[ -z "$(location)" ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_requests")" = 0 ]
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
}

# refused WANT_ERROR STATE_ECHOED(yes|no) [authz args]: a request redirected
# back with WANT_ERROR, state echoed or not, iss always; nothing stored.
refused() {
	local want=$1 echo=$2; shift 2
	[ "$(authz "$@")" = 303 ] || { echo "authz $*: not 303" >&2; cat "$T/page.html" >&2; return 1; }
	[[ "$(location)" == "$RP_REDIRECT?"* ]] || { echo "authz $*: to $(location)" >&2; return 1; }
	[ "$(qparam error)" = "$want" ] || { echo "authz $*: $(location), not $want" >&2; return 1; }
	[ "$(qparam error_description)" != "<absent>" ] || { echo "authz $*: no error_description" >&2; return 1; }
	[ "$(qparam iss)" = "$AC_URL" ] || { echo "authz $*: iss $(qparam iss)" >&2; return 1; }
	if [ "$echo" = yes ]; then
		[ "$(qparam state)" = "$OIDC_STATE" ] || { echo "authz $*: state $(qparam state)" >&2; return 1; }
	else
		[ "$(qparam state)" = "<absent>" ] || { echo "authz $*: state $(qparam state)" >&2; return 1; }
	fi
}

@test "a malformed request goes back to the site with the error, its state when well-formed, and iss" {
	client_new RS256
	before=$(oidc_digest); jn=$(journal_count)
	refused invalid_request no -state
	refused invalid_request no state=short
	refused invalid_request no "state=$(printf 'a%.0s' $(seq 257))"
	refused invalid_request no "state=sixteen chars with spaces"
	refused invalid_request yes -nonce
	refused invalid_request yes nonce=short
	refused invalid_request yes "nonce=<script>alert(1)</script>xx"
	refused invalid_request yes -acr_values
	refused invalid_request yes acr_values=eidas2
	refused invalid_request yes "acr_values=eidas1 eidas2"
	refused login_required yes prompt=none
	refused unsupported_response_type yes response_type=token
	refused invalid_request yes -response_type
	refused invalid_scope yes "scope=given_name family_name"
	refused invalid_scope yes "scope=openid impots"
	refused invalid_scope yes -scope
	refused invalid_request yes "+nonce=$OIDC_NONCE"
	refused invalid_request yes "+scope=openid"
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"values":["impots"]}}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"values":"papiers"}}}'
	refused invalid_request yes 'claims=not json'
	refused invalid_request yes 'claims=[1,2]'
	[ "$(sql "SELECT COUNT(*) FROM oidc_requests")" = 0 ]
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
	# and a good one is taken: the login page, 200, in French, no script
	[ "$(authz 'claims={"id_token":{"rep_scope":{"values":["papiers"]}}}')" = 200 ]
	grep -q "<h1>Connexion de l'aidant</h1>" "$T/page.html"
	grep -q '<html lang="fr">' "$T/page.html"
	! grep -qi '<script' "$T/page.html" || false
	[ "$(sql "SELECT COUNT(*) || ' ' || MAX(rep_scope) FROM oidc_requests")" = "1 papiers" ]
}

@test "claims as OpenID Connect Core §5.5.1 allows, and the other parameters' forms, through openid-client" {
	client_new RS256
	second_aidant
	start=$(date +%s)
	# rep_scope null, other claims asked, an unknown member; no prompt; max_age
	# (openid-client then requires auth_time and checks it); hints and an
	# unknown parameter, ignored
	rp --claims '{"id_token":{"rep_scope":null,"given_name":{"essential":true}},"userinfo":{"family_name":null},"x":{}}' \
		--prompt '' --max-age 3600 --param "ui_locales=en-GB fr" --param display=page --param claims_locales=en \
		--param foo=bar --demarche logement
	cp "$T/rp.json" "$T/rp1.json"
	jq -e '[.steps[3].buttons[] | select(.[0] == "demarche") | .[1]] == ["papiers", "logement"]' "$T/rp1.json"
	jq -e --argjson s "$start" '.id_token_claims | .rep_scope == "logement" and .auth_time >= $s
		and .auth_time <= .iat' "$T/rp1.json"
	jq -e '.userinfo.family_name == "DUBOIS"' "$T/rp1.json"
	# {"essential":true}, no value: the aidant chooses as without claims;
	# prompt login consent; the last ID token as id_token_hint, a login_hint
	rp --claims '{"id_token":{"rep_scope":{"essential":true}}}' --prompt "login consent" \
		--param "id_token_hint=$(jq -r .id_token "$T/rp1.json")" --param login_hint=aidant@lyon.fr --demarche papiers
	jq -e '[.steps[3].buttons[] | select(.[0] == "demarche") | .[1]] == ["papiers", "logement"]
		and .id_token_claims.rep_scope == "papiers"' "$T/rp.json"
	# {"value":...} with essential and a member acd does not know; select_account
	rp2 --claims '{"id_token":{"rep_scope":{"value":"papiers","essential":true,"purpose":"carte d'"'"'identité"}}}' \
		--prompt select_account --demarche papiers
	jq -e '[.steps[3].buttons[] | select(.[0] == "demarche") | .[1]] == ["papiers"]
		and .id_token_claims.rep_scope == "papiers"' "$T/rp.json"
	# {"values":[...]} under userinfo; acr essential among values holding eidas1
	rp2 --claims '{"userinfo":{"rep_scope":{"values":["logement","famille"]}},"id_token":{"acr":{"essential":true,"values":["eidas2","eidas1"]}}}' \
		--demarche logement
	jq -e '[.steps[3].buttons[] | select(.[0] == "demarche") | .[1]] == ["logement"]
		and .id_token_claims.rep_scope == "logement" and .id_token_claims.acr == "eidas1"' "$T/rp.json"
	[ "$(sql "SELECT group_concat(COALESCE(rep_scope, '-'), ' ') FROM (SELECT rep_scope FROM oidc_requests ORDER BY id) AS r")" \
		= "- - papiers famille,logement" ]
	[ "$(sql "SELECT group_concat(demarche, ' ') FROM (SELECT demarche FROM oidc_tokens ORDER BY id) AS t")" \
		= "logement papiers papiers logement" ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 4 ]
}

@test "what OpenID Connect Core lets acd refuse: prompt=none, request objects, an unmet essential acr, malformed forms; nothing kept" {
	client_new RS256
	before=$(oidc_digest); jn=$(journal_count)
	# as openid-client sends them: back on the site at once, no page shown
	for c in "login_required --prompt none" "request_not_supported --param request=eyJhbGciOiJub25lIn0.e30." \
		"request_uri_not_supported --param request_uri=https://rp.example/request/1" \
		"unmet_authentication_requirements --claims {\"id_token\":{\"acr\":{\"essential\":true,\"value\":\"eidas2\"}}}"; do
		run rp ${c#* } --demarche papiers
		[ "$status" = 1 ] || { echo "$c: $status"; cat "$T/rp.json" "$T/rp.err"; false; }
		jq -e --arg e "${c%% *}" '.error == $e and .state_ok and .iss == env.AC_URL and .steps == []' "$T/rp.json"
	done
	refused registration_not_supported yes 'registration={"client_name":"x"}'
	refused invalid_request yes "prompt=none login"
	refused invalid_request yes prompt=always
	refused invalid_request yes "prompt=login always"
	refused invalid_request yes max_age=-1
	refused invalid_request yes max_age=1.5
	refused invalid_request yes max_age=soon
	refused invalid_request yes response_mode=fragment
	refused invalid_request yes response_mode=form_post
	refused invalid_request yes ui_locales=fr +ui_locales=en
	refused invalid_request yes 'claims={"id_token":5}'
	refused invalid_request yes 'claims={"userinfo":[]}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":"papiers"}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":true}}'
	refused invalid_request yes 'claims={"id_token":{"given_name":5}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"essential":"yes"}}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"value":7}}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"value":"impots"}}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"values":[]}}}'
	refused invalid_request yes 'claims={"id_token":{"rep_scope":{"values":["papiers","impots"]}}}'
	refused invalid_request yes 'claims={"userinfo":{"rep_scope":{"values":["papiers"]}},"userinfo":{}}'
	refused invalid_request yes 'claims={"id_token":'
	[ "$(sql "SELECT COUNT(*) FROM oidc_requests")" = 0 ]
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
	# taken: a parameter without a value is omitted (RFC 6749 §3.1), the
	# default response_mode, max_age=0, an unknown parameter twice, a voluntary
	# acr acd cannot give, rep_scope by value and by values at once
	[ "$(authz prompt= response_mode=query max_age=0 foo=1 +foo=2 \
		'claims={"id_token":{"acr":{"values":["eidas2"]},"rep_scope":{"value":"logement"}},"userinfo":{"rep_scope":{"values":["papiers"]}}}')" = 200 ]
	grep -q "<h1>Connexion de l'aidant</h1>" "$T/page.html"
	[ "$(sql "SELECT COUNT(*) || ' ' || MAX(rep_scope) FROM oidc_requests")" = "1 papiers,logement" ]
	[ "$(journal_count)" = "$jn" ]
}

@test "rep_scope outside the structure's démarches: access_denied after the login, nothing issued" {
	client_new RS256
	ac_as operator ac-structure-set 1 --demarches papiers,logement,famille > /dev/null
	[ "$(authz 'claims={"id_token":{"rep_scope":{"values":["papiers","social"]}}}')" = 200 ]
	before=$(oidc_digest)
	[ "$(login_step)" = 303 ]
	[ "$(qparam error)" = access_denied ]
	[ "$(qparam state)" = "$OIDC_STATE" ]
	[ "$(qparam iss)" = "$AC_URL" ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_codes")" = 0 ]
	[ "$(sql "SELECT step FROM oidc_requests")" = done ]
}

@test "a démarche the site allows but the mandate lacks: no usager to choose, a way back to the site" {
	client_new RS256
	[ "$(authz 'claims={"id_token":{"rep_scope":{"value":"famille"}}}')" = 200 ]
	[ "$(login_step)" = 200 ]
	grep -q "<h1>Choisissez l'usager</h1>" "$T/page.html"
	! grep -q 'name="usager"' "$T/page.html" || false
	grep -q "Aucun usager n'a de mandat actif avec cette structure pour les démarches de ce service" "$T/page.html"
	# the way back: "Annuler et revenir au service", access_denied
	grep -q '<button type="submit" name="cancel"' "$T/page.html"
	[ "$(step cancel=1)" = 303 ]
	[ "$(qparam error)" = access_denied ]
	[ "$(qparam state)" = "$OIDC_STATE" ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_codes")" = 0 ]
}

# Pierre Martin (usager 2), mandate 2 (social) with France services Brest,
# written straight into the database.
pierre_at_brest() {
	db_write <<'SQL'
BEGIN;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  VALUES (2, randomblob(32), 'Pierre', 'MARTIN', '1950-01-01', strftime('%s'), strftime('%s'));
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash)
  VALUES (2, 2, 2, 3, 'social', 'long', strftime('%s'), strftime('%s') + 86400,
    'mandat-1', lower(hex(randomblob(32))));
INSERT INTO autorisations (id, mandate_id, demarche)
  SELECT (SELECT MAX(id) FROM autorisations) + 1, 2, 'social';
COMMIT;
SQL
}

@test "choices outside the list: an usager of another structure, a démarche not in the mandate — 404, nothing changes" {
	client_new RS256
	pierre_at_brest
	[ "$(authz)" = 200 ]
	[ "$(login_step)" = 200 ]
	grep -q "<h1>Choisissez l'usager</h1>" "$T/page.html"
	[ "$(grep -o 'name="usager" value="[0-9]*"' "$T/page.html")" = 'name="usager" value="1"' ]
	cp "$T/page.html" "$T/usagers.html"
	before=$(oidc_digest); jn=$(journal_count)
	for u in 2 999 0 -1 abc ""; do
		cp "$T/usagers.html" "$T/page.html"
		[ "$(step "usager=$u")" = 404 ]
		grep -q "Choix impossible" "$T/page.html"
	done
	# the search finds no one else either
	cp "$T/usagers.html" "$T/page.html"
	[ "$(step q=MARTIN search=1)" = 200 ]
	! grep -q 'name="usager"' "$T/page.html" || false
	! grep -qi "pierre" "$T/page.html" || false
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
	[ "$(step q=dubois search=1)" = 200 ]
	[ "$(step usager=1)" = 200 ]
	grep -q "<h1>Choisissez la démarche</h1>" "$T/page.html"
	! grep -q 'Banque de France' "$T/page.html" || false   # no argent here: no notice
	cp "$T/page.html" "$T/demarches.html"
	before=$(oidc_digest)
	for d in social famille impots "" "logement,papiers"; do
		cp "$T/demarches.html" "$T/page.html"
		[ "$(step "demarche=$d")" = 404 ]
	done
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_codes")" = 0 ]
	cp "$T/demarches.html" "$T/page.html"
	[ "$(step demarche=logement)" = 303 ]
	[[ "$(location)" == "$RP_REDIRECT?"* ]]
	[[ "$(qparam code)" =~ ^[0-9a-f]{64}$ ]]
	[ "$(qparam state)" = "$OIDC_STATE" ]
	[ "$(qparam iss)" = "$AC_URL" ]
	# the request is over: the same page cannot give a second code
	cp "$T/demarches.html" "$T/page.html"
	[ "$(step demarche=logement)" = 410 ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_codes")" = 1 ]
	# prompt=login: the same browser, just logged in, is asked to log in again
	[ "$(authz)" = 200 ]
	grep -q "<h1>Connexion de l'aidant</h1>" "$T/page.html"
}

@test "the login page: a wrong code or email is 401 on the same page; an account without a structure is 403" {
	client_new RS256
	[ "$(authz)" = 200 ]
	cp "$T/page.html" "$T/login.html"
	before=$(oidc_digest)
	[ "$(step email=aidant@lyon.fr code=000000)" = 401 ]
	grep -q "<h1>Connexion de l'aidant</h1>" "$T/page.html"
	grep -q 'class="error"' "$T/page.html"
	[ "$(step email=nobody@lyon.fr code=123456)" = 401 ]
	# malformed: 400, the same page, saying what is wrong
	[ "$(step email=not-an-email code=123456)" = 400 ]
	grep -q "Adresse électronique invalide" "$T/page.html"
	[ "$(step email=aidant@lyon.fr code=12ab)" = 400 ]
	grep -q "6 chiffres" "$T/page.html"
	grep -q "<h1>Connexion de l'aidant</h1>" "$T/page.html"
	# the known account's failure is journaled (the unknown email's is only counted)
	[ "$(sql "SELECT actor || ' ' || json_extract(details, '$.during') FROM journal
		WHERE action = 'login_failed'")" = "aidant@lyon.fr oidc_login" ]
	[ "$(oidc_digest)" = "$before" ]
	# the operator is aidant of no structure (its next code: setup used the current one)
	[ "$(step "email=$OP_EMAIL" "code=$(totp_b32 "$OP_SECRET" 1)")" = 403 ]
	grep -q "Aucune habilitation" "$T/page.html"
	[ "$(sql "SELECT COUNT(*) FROM oidc_codes")" = 0 ]
}

@test "another browser, a wrong csrf field, an unknown or expired request: refused, nothing changes" {
	client_new RS256
	[ "$(authz)" = 200 ]
	cp "$T/page.html" "$T/login.html"
	req=$(field request) csrf=$(field csrf)
	# another browser, with a request of its own
	[ "$(JAR=$T/jar2 authz)" = 200 ]
	grep -q ac_browser "$T/jar2"
	before=$(oidc_digest); jn=$(journal_count)
	post() { curl -sS -o "$T/page.html" -w '%{http_code}' "$@" "$AC_URL/oidc/step"; }
	# another browser: no cookie, or its own
	[ "$(post --data "request=$req&csrf=$csrf&email=aidant@lyon.fr&code=123456")" = 403 ]
	[ "$(post -b "$T/jar2" --data "request=$req&csrf=$csrf&email=aidant@lyon.fr&code=123456")" = 403 ]
	# this browser, a wrong or missing csrf
	[ "$(post -b "$T/jar" --data "request=$req&csrf=$(tr 0-9a-f 1-9a-f0 <<<"$csrf")&email=aidant@lyon.fr&code=123456")" = 403 ]
	[ "$(post -b "$T/jar" --data "request=$req&email=aidant@lyon.fr&code=123456")" = 403 ]
	grep -q "Demande refusée" "$T/page.html"
	# an unknown or malformed request
	[ "$(post -b "$T/jar" --data "request=$(printf '0%.0s' $(seq 64))&csrf=$csrf")" = 410 ]
	[ "$(post -b "$T/jar" --data "request=xyz&csrf=$csrf")" = 400 ]
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
	# expired (ten minutes): gone, even with everything right
	db_write "UPDATE oidc_requests SET expires_at = strftime('%s') - 1" > /dev/null
	cp "$T/login.html" "$T/page.html"
	[ "$(login_step)" = 410 ]
	grep -q "Demande expirée" "$T/page.html"
	[ "$(sql "SELECT DISTINCT step FROM oidc_requests")" = login ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login' AND details LIKE '%oidc%'")" = 0 ]
}

@test "a code used twice: the second use is refused and what the first gave is revoked" {
	client_new RS256
	rp --stop-at-code --demarche logement
	jq -e '.state_ok and (.code | test("^[0-9a-f]{64}$"))' "$T/rp.json"
	[ "$(token)" = 200 ]
	grep -qi '^cache-control: no-store' "$T/headers"
	jq -e '.token_type == "Bearer" and .expires_in == 60 and (.access_token | test("^[0-9a-f]{64}$"))
		and (.id_token | split(".") | length == 3)' "$T/token.json"
	at=$(jq -r .access_token "$T/token.json")
	[ "$(token)" = 400 ]
	jq -e '.error == "invalid_grant" and (.error_description | length > 0)' "$T/token.json"
	[ "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE revoked_at IS NOT NULL")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'token_reuse'")" = 1 ]
	[ "$(userinfo "$at")" = 401 ]
	grep -qi '^www-authenticate: Bearer.*error="invalid_token"' "$T/headers"
	jq -e '.error == "invalid_token" and (has("given_name") | not)' "$T/userinfo.json"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 0 ]
	# the token is stored as a hash only
	! db_dump | grep -qi "$at" || false
	! grep -q "$at\|$(jq -r .code "$T/rp.json")" "$T/acd.log" || false
}

@test "the token endpoint: a wrong secret, another client, a bad redirect_uri or grant — refused, the code kept" {
	client_new RS256
	cp "$T/client.json" "$T/client1.json"
	rp --stop-at-code --demarche papiers
	code=$(jq -r .code "$T/rp.json")
	before=$(oidc_digest)
	# wrong secret, by Basic: 401 and the challenge; by post: 401
	[ "$(CLIENT_SECRET=$(tr 0-9a-f 1-9a-f0 <<<"$CLIENT_SECRET") token)" = 401 ]
	jq -e '.error == "invalid_client"' "$T/token.json"
	grep -qi '^www-authenticate: Basic' "$T/headers"
	[ "$(curl -sS -o "$T/token.json" -w '%{http_code}' --data-urlencode grant_type=authorization_code \
		--data-urlencode "code=$code" --data-urlencode "redirect_uri=$RP_REDIRECT" \
		--data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=nope" "$AC_URL/oidc/token")" = 401 ]
	jq -e '.error == "invalid_client"' "$T/token.json"
	# no authentication at all; both methods at once
	[ "$(curl -sS -o "$T/token.json" -w '%{http_code}' --data "grant_type=authorization_code&code=$code" \
		--data-urlencode "redirect_uri=$RP_REDIRECT" "$AC_URL/oidc/token")" = 401 ]
	[ "$(token --data-urlencode "client_id=$CLIENT_ID" --data-urlencode "client_secret=$CLIENT_SECRET")" = 400 ]
	jq -e '.error == "invalid_request"' "$T/token.json"
	# another registered client, with its own right secret
	client_new ES256
	[ "$(CODE=$code token)" = 400 ]
	jq -e '.error == "invalid_grant"' "$T/token.json"
	CLIENT_ID=$(jq -r .client_id "$T/client1.json") CLIENT_SECRET=$(jq -r .client_secret "$T/client1.json")
	# another redirect_uri, another grant, no code, a made-up code
	[ "$(REDIRECT=${RP_REDIRECT}x token)" = 400 ]
	jq -e '.error == "invalid_grant"' "$T/token.json"
	[ "$(curl -sS -o "$T/token.json" -w '%{http_code}' -u "$CLIENT_ID:$CLIENT_SECRET" \
		--data "grant_type=password&code=$code" "$AC_URL/oidc/token")" = 400 ]
	jq -e '.error == "unsupported_grant_type"' "$T/token.json"
	[ "$(CODE=$(printf 'a%.0s' $(seq 64)) token)" = 400 ]
	jq -e '.error == "invalid_grant"' "$T/token.json"
	[ "$(oidc_digest)" = "$before" ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_tokens")" = 0 ]
	! grep -q "$CLIENT_SECRET" "$T/acd.log" || false
	# the right client still gets its tokens
	[ "$(token)" = 200 ]
	# userinfo by POST, as RFC 6750 allows
	[ "$(curl -sS -o "$T/userinfo.json" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $(jq -r .access_token "$T/token.json")" "$AC_URL/oidc/userinfo")" = 200 ]
	jq -e '.family_name == "DUBOIS"' "$T/userinfo.json"
}

@test "a code after its 60 seconds is refused, and nothing is issued" {
	client_new RS256
	rp --stop-at-code --demarche logement
	[ "$(sql "SELECT expires_at - created_at FROM oidc_codes")" = 60 ]
	db_write "UPDATE oidc_codes SET created_at = created_at - 61, expires_at = expires_at - 61" > /dev/null
	[ "$(token)" = 400 ]
	jq -e '.error == "invalid_grant"' "$T/token.json"
	[ "$(sql "SELECT COUNT(*) FROM oidc_tokens")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'token_issue'")" = 0 ]
}

@test "an expired or unknown access token answers no identity, and no use is counted" {
	client_new RS256
	rp --no-userinfo --demarche logement
	at=$(jq -r .access_token "$T/rp.json")
	db_write "UPDATE oidc_tokens SET created_at = created_at - 61, expires_at = expires_at - 61" > /dev/null
	[ "$(userinfo "$at")" = 401 ]
	grep -qi '^www-authenticate: Bearer.*error="invalid_token"' "$T/headers"
	jq -e '.error == "invalid_token" and (has("sub") | not)' "$T/userinfo.json"
	[ "$(userinfo "$(printf 'b%.0s' $(seq 64))")" = 401 ]
	[ "$(userinfo "")" = 401 ]
	[ "$(curl -sS -o /dev/null -w '%{http_code}' "$AC_URL/oidc/userinfo")" = 401 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM oidc_tokens WHERE used_at IS NOT NULL")" = 0 ]
}

@test "a mandate revoked between token and userinfo: no identity, no use" {
	client_new RS256
	run rp --demarche logement --before-userinfo "ac-mandate-revoke 1 > /dev/null"
	[ "$status" = 1 ] || { cat "$T/rp.json" "$T/rp.err"; false; }
	jq -e '.error == "invalid_token" and (has("userinfo") | not)' "$T/rp.json"
	ac-mandate-show 1 | jq -e '.status == "revoked"'
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 0 ]
}

@test "the démarche revoked between authorize and token: the code gives nothing" {
	client_new RS256
	run rp --demarche logement --before-token "ac-mandate-revoke 1 --demarches logement > /dev/null"
	[ "$status" = 1 ] || { cat "$T/rp.json" "$T/rp.err"; false; }
	jq -e '.error == "invalid_grant" and (has("id_token") | not)' "$T/rp.json"
	[ "$(sql "SELECT COUNT(*) FROM oidc_tokens")" = 0 ]
	ac-mandate-show 1 | jq -e '.status == "active"'
}

@test "cancel on acd's pages: back to the site with access_denied and its state" {
	client_new RS256
	run rp --cancel-at demarche --demarche logement
	[ "$status" = 1 ]
	jq -e '.error == "access_denied" and .state_ok and .iss == env.AC_URL' "$T/rp.json"
	[ "$(sql "SELECT COUNT(*) FROM oidc_codes")" = 0 ]
}

@test "keys rotate while acd serves: new tokens carry the new kid, the old key stays published" {
	client_new RS256
	old=$(curl -fsS "$AC_URL/oidc/jwks" | jq -r '.keys[] | select(.alg == "RS256") | .kid')
	acd keys rotate "${ACD_DB[@]}" > /dev/null
	acd keys list "${ACD_DB[@]}" > "$T/keys.ndjson"
	[ "$(jq -s 'map(select(.retired_at == null)) | length' "$T/keys.ndjson")" = 2 ]
	[ "$(jq -s 'map(select(.retired_at != null)) | length' "$T/keys.ndjson")" = 2 ]
	new=$(jq -rs 'map(select(.alg == "RS256" and .retired_at == null))[0].kid' "$T/keys.ndjson")
	[ "$new" != "$old" ]
	curl -fsS "$AC_URL/oidc/jwks" | jq -e --arg o "$old" --arg n "$new" '[.keys[].kid] | index($o) and index($n)'
	rp --demarche papiers
	[ "$(jq -r .id_token_header.kid "$T/rp.json")" = "$new" ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'key_rotate'")" -ge 1 ]
	# the private halves are sealed: no JWK private member in clear
	! sql "SELECT private_box FROM signing_keys" | grep -q '"d"' || false
}

@test "the usager sees the use in her space, revokes the mandate there, and the next attempt is refused" {
	client_new RS256
	rp --demarche logement
	node "$REPO/tests/browser/usager.mjs" "$AC_URL" --login angela --shots "$T/shots-space" \
		--revoke "Révoquer tout le mandat" > "$T/space.txt"
	sed -n '1,/^--- after revoke/p' "$T/space.txt" | grep -A1 "^Date" | tail -1 | grep -q "CCAS de Lyon	Logement	Marie"
	grep -q "Mandat n° 1 : Révoqué" "$T/space.txt"
	[ "$(sql "SELECT actor FROM journal WHERE action = 'mandate_revoke'")" = usager:1 ]
	# the same démarche again, by another aidant of the structure
	second_aidant
	run rp2 --demarche logement
	[ "$status" = 1 ] || { cat "$T/rp.json" "$T/rp.err"; false; }
	jq -e '.page.h1 == "Choisissez l'"'"'usager" and (.page.text | test("Aucun usager"))
		and (has("userinfo") | not)' "$T/rp.json"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 1 ]
}

@test "bad bodies to the token and step endpoints: huge, not a form, binary — a clear error, acd still serves" {
	client_new RS256
	before=$(oidc_digest); jn=$(journal_count)
	head -c 3000000 /dev/zero | tr '\0' a > "$T/huge"
	st=$(curl -sS -o "$T/out" -w '%{http_code}' -u "$CLIENT_ID:$CLIENT_SECRET" --data-binary @"$T/huge" "$AC_URL/oidc/token")
	[ "$st" = 413 ] || [ "$st" = 400 ]
	st=$(curl -sS -o "$T/out" -w '%{http_code}' --data-binary @"$T/huge" "$AC_URL/oidc/step")
	[ "$st" = 413 ] || [ "$st" = 400 ]
	[ "$(curl -sS -o "$T/token.json" -w '%{http_code}' -u "$CLIENT_ID:$CLIENT_SECRET" \
		-H 'Content-Type: application/json' --data '{"grant_type":"authorization_code"}' "$AC_URL/oidc/token")" = 400 ]
	jq -e '.error == "invalid_request" or .error == "unsupported_grant_type"' "$T/token.json"
	[ "$(curl -sS -o /dev/null -w '%{http_code}' --data-binary $'\x00\xff\xfe' "$AC_URL/oidc/step")" = 400 ]
	[ "$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$AC_URL/oidc/token")" = 405 ]
	[ "$(oidc_digest)" = "$before" ]
	[ "$(journal_count)" = "$jn" ]
	curl -fsS "$AC_URL/v1/health" > /dev/null
}

@test "the démarche argent carries the Banque de France notice" {
	client_new RS256
	# mandate 1 gains argent (written straight into the database)
	db_write "INSERT INTO autorisations (id, mandate_id, demarche)
		SELECT MAX(id) + 1, 1, 'argent' FROM autorisations" > /dev/null
	[ "$(authz)" = 200 ]
	[ "$(login_step)" = 200 ]
	[ "$(step usager=1)" = 200 ]
	grep -q 'name="demarche" value="argent"' "$T/page.html"
	grep -q '<p class="warning">.*Banque de France' "$T/page.html"
}

@test "a mandate expired between token and userinfo: no identity, no use" {
	client_new RS256
	run rp --demarche logement --before-userinfo \
		"$(db_write_cmd "UPDATE mandates SET expires_at = $(date +%s) - 1")"
	[ "$status" = 1 ] || { cat "$T/rp.json" "$T/rp.err"; false; }
	jq -e '.error == "invalid_token" and (has("userinfo") | not)' "$T/rp.json"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 0 ]
}

@test "an aidant who leaves the structure between token and userinfo: no identity, no use" {
	client_new RS256
	run rp --demarche logement --before-userinfo \
		"XDG_STATE_HOME=$T/operator ac-aidant-deactivate --email aidant@lyon.fr --structure 1 > /dev/null"
	[ "$status" = 1 ] || { cat "$T/rp.json" "$T/rp.err"; false; }
	jq -e '.error == "invalid_token" and (has("userinfo") | not)' "$T/rp.json"
	[ "$(sql "SELECT active FROM memberships WHERE account_id = 2 AND structure_id = 1")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_use'")" = 0 ]
}

@test "end_session: an id_token_hint cjose cannot decode is no crash (found by tests/fuzz/jwt.c)" {
	# libcjose 0.6 asserts, and so aborts the whole process, on a base64url
	# part of one character and its padding, as "A="; anyone may send it here
	for hint in "eyJhbGciOiJFUzI1NiJ9.A=.AA" "A=.e30.AA" "eyJhbGciOiJFUzI1NiJ9.e30.A=" "a.b" "..."; do
		run curl -sS -o /dev/null -w '%{http_code}' -G --data-urlencode "id_token_hint=$hint" \
			"$AC_URL/oidc/logout"
		assert_output 200
	done
	curl -fsS "$AC_URL/v1/health" > /dev/null
}
