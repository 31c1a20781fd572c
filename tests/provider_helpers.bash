# provider_helpers.bash — loaded after helpers.bash and mandate_helpers.bash by
# provider.bats: acd as identity provider, with Angela's mandate signed in
# headless chromium through the mandates' helpers, a démarche site (the
# openid-client relying party, tests/oidc/rp.mjs), and curl to send what a
# browser would not.

# provider_setup: the mandate fixtures, mandate 1 (papiers, logement) of
# Angela Claire Louise DUBOIS with the CCAS de Lyon, and the site's callback.
provider_setup() {
	mandate_setup
	sign_mandate papiers,logement long
	# the site's address, held for the whole test by tests/relay.py; each run
	# of rp.mjs serves it on the Unix socket behind
	/usr/bin/python3 "$REPO/tests/relay.py" "$T/rp.ready" "$T/rp.sock" > "$T/relay.log" 2>&1 3>&- &
	echo $! > "$T/relay.pid"
	RP_PORT=$(wait_ready "$T/rp.ready" "$(cat "$T/relay.pid")") || { cat "$T/relay.log" >&2; return 1; }
	RP_PORT=${RP_PORT##*:}
	RP_REDIRECT="http://127.0.0.1:$RP_PORT/callback"
	# a state and a nonce as a site would make them (16 to 256 URL-safe characters)
	OIDC_STATE=st-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	OIDC_NONCE=no-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	export RP_PORT RP_REDIRECT OIDC_STATE OIDC_NONCE
}

# client_new SIGNING [REDIRECT]: the operator registers a site; its reply in
# $T/client.json, CLIENT_ID and CLIENT_SECRET exported.
client_new() {
	ac_as operator ac-client-new --name "Site de démarche ($1)" --redirect-uri "${2:-$RP_REDIRECT}" \
		--signing "$1" > "$T/client.json"
	CLIENT_ID=$(jq -r .client_id "$T/client.json")
	CLIENT_SECRET=$(jq -r .client_secret "$T/client.json")
	export CLIENT_ID CLIENT_SECRET
}

# rp [rp.mjs options]: the site, as the Lyon aidant (a fresh code of its card
# when asked) looking for DUBOIS; its JSON in $T/rp.json, screenshots in
# $T/shots-rp.  Use as `run rp ...` to see the exit status.
rp() {
	node "$REPO/tests/oidc/rp.mjs" --issuer "$AC_URL" --client-id "$CLIENT_ID" \
		--client-secret "$CLIENT_SECRET" --redirect-uri "$RP_REDIRECT" --email aidant@lyon.fr \
		--code-cmd "$REPO/tests/fresh_code.sh '${ACD_DB[1]}' GADT00000001 $SEED_A" --usager DUBOIS \
		--shots "$T/shots-rp" --listen-unix "$T/rp.sock" "$@" > "$T/rp.json" 2> "$T/rp.err"
}

SEED_C=6162636465666768696a6b6c6d6e6f7071727374   # aidant2@lyon.fr, structure 1

# second_aidant: Paul, a second aidant of the CCAS de Lyon with his own card,
# for a test that logs in twice (a card's code serves once a minute).
second_aidant() {
	ac_as operator ac-aidant-add --structure 1 --email aidant2@lyon.fr --first-name Paul \
		--last-name Durand > /dev/null
	printf '%s\n' "{\"serial\":\"GADT00000003\",\"seed\":\"$SEED_C\"}" | ac_as operator ac-card-import > /dev/null
	printf '%s\n' '{"serial":"GADT00000003","email":"aidant2@lyon.fr"}' | ac_as operator ac-card-link > /dev/null
}

# rp2 [rp.mjs options]: rp as Paul.
rp2() {
	rp --email aidant2@lyon.fr --code-cmd "$REPO/tests/fresh_code.sh '${ACD_DB[1]}' GADT00000003 $SEED_C" "$@"
}

# --- by hand, with curl (a cookie jar stands for the browser) --------------

# authz [k=v | -k | +k=v]...: GET /oidc/authorize with a valid request, where
# k=v replaces (or adds) a parameter, -k drops it, +k=v sends it once more.
# Prints the HTTP status; the body in $T/page.html, the headers in $T/headers.
# The browser's cookies: in JAR (default $T/jar).
authz() {
	local -A p=([response_type]=code [client_id]="$CLIENT_ID" [redirect_uri]="$RP_REDIRECT"
		[scope]="openid given_name family_name birthdate" [state]="$OIDC_STATE" [nonce]="$OIDC_NONCE"
		[acr_values]=eidas1 [prompt]=login)
	local a more=()
	for a in "$@"; do
		case $a in
		-*) unset "p[${a#-}]" ;;
		+*) more+=(--data-urlencode "${a#+}") ;;
		*) p[${a%%=*}]=${a#*=} ;;
		esac
	done
	local args=() k
	for k in "${!p[@]}"; do args+=(--data-urlencode "$k=${p[$k]}"); done
	curl -sS -G -c "${JAR:-$T/jar}" -b "${JAR:-$T/jar}" -o "$T/page.html" -D "$T/headers" -w '%{http_code}' \
		"${args[@]}" "${more[@]}" "$AC_URL/oidc/authorize"
}

# location: the Location header of the last answer.
location() {
	grep -i '^location:' "$T/headers" | tr -d '\r' | cut -d' ' -f2-
}

# qparam NAME [URL]: a query parameter of URL (default: the last Location),
# decoded; "<absent>" when it is not there.
qparam() {
	/usr/bin/python3 -c 'import sys, urllib.parse as u
q = u.parse_qs(u.urlsplit(sys.argv[2]).query, keep_blank_values=True)
print(q[sys.argv[1]][0] if sys.argv[1] in q else "<absent>")' "$1" "${2:-$(location)}"
}

# field NAME: the value of a form field of the last page.
field() {
	grep -o "name=\"$1\" value=\"[^\"]*\"" "$T/page.html" | head -1 | sed 's/.*value="//; s/"$//'
}

# step [k=v]...: posts the last page's form (its request and csrf fields) with
# these fields.  Prints the HTTP status; the answer as authz's.
step() {
	local req csrf a args=()
	req=$(field request) csrf=$(field csrf)
	for a in "$@"; do args+=(--data-urlencode "$a"); done
	curl -sS -c "${JAR:-$T/jar}" -b "${JAR:-$T/jar}" -o "$T/page.html" -D "$T/headers" -w '%{http_code}' \
		--data-urlencode "request=$req" --data-urlencode "csrf=$csrf" "${args[@]}" "$AC_URL/oidc/step"
}

# login_step: the Lyon aidant's email and a fresh code of its card.
login_step() {
	step email=aidant@lyon.fr "code=$(fresh_code)"
}

# token [curl options]: POST /oidc/token for CODE (default: $T/rp.json's) and
# REDIRECT (default: the site's), the client's secret by Basic.  Prints the status; the body in $T/token.json.
token() {
	local code=${CODE:-$(jq -r .code "$T/rp.json")}
	curl -sS -o "$T/token.json" -D "$T/headers" -w '%{http_code}' -u "$CLIENT_ID:$CLIENT_SECRET" \
		--data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
		--data-urlencode "redirect_uri=${REDIRECT:-$RP_REDIRECT}" "$@" "$AC_URL/oidc/token"
}

# userinfo ACCESS_TOKEN: GET /oidc/userinfo; the status; the body in $T/userinfo.json.
userinfo() {
	curl -sS -o "$T/userinfo.json" -D "$T/headers" -w '%{http_code}' \
		-H "Authorization: Bearer $1" "$AC_URL/oidc/userinfo"
}

# A digest of the provider's state and of the mandates: "nothing changed".
oidc_digest() {
	sql "SELECT id, step, account_id, structure_id, usager_id FROM oidc_requests ORDER BY id;
		 SELECT id, used_at FROM oidc_codes ORDER BY id; SELECT id, revoked_at, used_at FROM oidc_tokens ORDER BY id;
		 SELECT * FROM mandates ORDER BY id; SELECT * FROM autorisations ORDER BY id;
		 SELECT * FROM revocations ORDER BY id;" | sha256sum
}

provider_teardown() {
	stop_pidfile "$T/relay.pid"
	mandate_teardown
}
