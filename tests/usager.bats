#!/usr/bin/env bats
# The usager's space (/usager): identified by the FranceConnect stand-in in
# headless chromium, the usager sees every mandate signed in their name, its
# uses and papers, revokes it, exports their data — and never anything of
# another usager.

load helpers
load mandate_helpers

setup() { mandate_setup; }
teardown() { mandate_teardown; }

# space LOGIN [usager.mjs options]: logs LOGIN into the space; the page's text
# in $T/space.txt, the session's cookies in $T/jar (for curl).
space() {
	local who=$1; shift
	node "$REPO/tests/browser/usager.mjs" "$AC_URL" --login "$who" --shots "$T/shots-$who" \
		--cookies "$T/jar" "$@" > "$T/space.txt"
}

# The CSRF field of the space's forms, read from the page as curl sees it.
csrf() {
	curl -fsS -b "$T/jar" "$AC_URL/usager" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 |
		grep -o '[0-9a-f]\{64\}'
}

# post PATH BODY: a form posted with the session; prints the HTTP status.
post() {
	curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' --data "$2" "$AC_URL$1"
}

# get PATH: prints the HTTP status, the body in $T/page.html.
get() {
	curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' "$AC_URL$1"
}

@test "identification: angela reaches her space and sees her active mandate" {
	sign_mandate papiers,logement long
	space angela
	grep -q "Angela Claire Louise DUBOIS" "$T/space.txt"
	grep -q "CCAS de Lyon (Lyon)" "$T/space.txt"
	grep -q "Mandat n° 1 : En cours" "$T/space.txt"
	grep -q "Papiers – Citoyenneté – Élections — active" "$T/space.txt"
	grep -q "Logement — active" "$T/space.txt"
	grep -q "Aucune utilisation de ce mandat" "$T/space.txt"
	# personal data: not kept by the browser's cache
	curl -fsS -b "$T/jar" -D "$T/headers" -o /dev/null "$AC_URL/usager"
	grep -qi '^cache-control: no-store' "$T/headers"
	# the session: a hashed token, a login in the journal, the cookie's attributes
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions WHERE usager_id = 1 AND length(token_hash) = 32
		AND expires_at - created_at = 1800")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 0 ]
	[ "$(sql "SELECT actor || ' ' || subject || ' ' || COALESCE(structure_id, 0) FROM journal
		WHERE action = 'usager_login'")" = "usager:1 usager:1 0" ]
	grep -q "#HttpOnly_127.0.0.1	FALSE	/usager	FALSE	[0-9]*	ac_usager	[0-9a-f]\{64\}" "$T/jar"
	! db_dump | grep -q "$(grep -o 'ac_usager	[0-9a-f]*' "$T/jar" | cut -f2)" || false
	# the paper, as the aidants print it
	[ "$(get /usager/mandates/1/attestation)" = 200 ]
	pdftotext "$T/page.html" - | grep -q "CCAS de Lyon"
	ac-mandate-attestation 1 -o "$T/aidant.pdf"
	cmp <(pdftotext "$T/page.html" -) <(pdftotext "$T/aidant.pdf" -)
}

# a_use DEMARCHE: a use of mandate 1 by the Lyon aidant (account 2) on
# 14 July 2026, 10:30 UTC, through a démarche site's code and token, as the
# identity provider leaves them.
a_use() {
	db_write <<SQL
BEGIN;
INSERT INTO oidc_clients (id, client_id, name, redirect_uri, signing, secret_hash, created_at)
  VALUES (1, 'site', 'Démarches', 'https://rp.example/cb', 'RS256', randomblob(32), 1784025000);
INSERT INTO oidc_codes (id, code_hash, client_id, redirect_uri, nonce, scope, account_id,
    structure_id, usager_id, mandate_id, demarche, auth_time, created_at, expires_at, used_at)
  VALUES (1, randomblob(32), 1, 'https://rp.example/cb', 'n', 'openid', 2, 1, 1, 1, '$1',
    1784025000, 1784025000, 1784025060, 1784025000);
INSERT INTO oidc_tokens (id, token_hash, code_id, client_id, account_id,
    structure_id, usager_id, mandate_id, demarche, created_at, expires_at, used_at)
  VALUES (1, randomblob(32), 1, 1, 2, 1, 1, 1, '$1', 1784025000, 1784025060, 1784025000);
COMMIT;
SQL
}

# A mandate of Angela (usager 1) written straight into the database:
# add_mandate ID STRUCTURE DEMARCHES CREATED_DAYS_AGO EXPIRES_IN_DAYS
add_mandate() {
	db_write <<SQL
BEGIN;
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash)
  VALUES ($1, $2, 1, 2, '$3', 'month', strftime('%s') - $4 * 86400, strftime('%s') + $5 * 86400,
    'mandat-1', lower(hex(randomblob(32))));
INSERT INTO autorisations (id, mandate_id, demarche)
  SELECT (SELECT MAX(id) FROM autorisations) + 1, $1, '$3';
COMMIT;
SQL
}

@test "the lists: active, revoked and expired mandates with any structure, newest first" {
	sign_mandate papiers,logement long
	add_mandate 2 2 social 40 -9      # Brest, expired nine days ago
	add_mandate 3 1 famille 10 21     # Lyon, revoked below
	ac-mandate-revoke 3 > /dev/null
	space angela
	grep -q "Mandat n° 1 : En cours" "$T/space.txt"
	grep -q "Mandat n° 2 : Expiré" "$T/space.txt"
	grep -q "Mandat n° 3 : Révoqué" "$T/space.txt"
	# newest first: 1 (today), 3 (ten days ago), 2 (forty days ago)
	[ "$(grep -o 'Mandat n° [0-9]' "$T/space.txt" | tr -d '\n')" = "Mandat n° 1Mandat n° 3Mandat n° 2" ]
	grep -q "France services Brest (Brest)" "$T/space.txt"
	grep -q "^A expiré le" "$T/space.txt"
	grep -q "Social – Santé — expirée" "$T/space.txt"
	grep -q "Famille – Scolarité — révoquée le" "$T/space.txt"
	grep -q "Attestation de révocation du mandat du" "$T/space.txt"
	# only the active mandate can be revoked
	[ "$(grep -c "Révoquer tout le mandat" "$T/space.txt")" = 1 ]
	[ "$(get /usager/revocations/1/attestation)" = 200 ]
	pdftotext "$T/page.html" - | grep -q "révoquer"
	[ "$(get /usager/mandates/2/attestation)" = 200 ]
	pdftotext "$T/page.html" - | grep -q "France services Brest"
}

@test "a use of a mandate is listed: when (Paris time), where, which démarche, the aidant's first name" {
	sign_mandate papiers,logement long
	# 14 July 2026, 10:30 UTC: 12 h 30 in Paris (summer time)
	a_use logement
	space angela
	# one row of the table: tab-separated cells, the time's spaces non-breaking
	grep -A1 "^Date" "$T/space.txt" | tail -1 | sed 's/\xc2\xa0/ /g' > "$T/use.txt"
	[ "$(cat "$T/use.txt")" = "14 juillet 2026 à 12 h 30	CCAS de Lyon	Logement	Marie" ]
	! grep -q "Martin" "$T/space.txt" || false
	! grep -q "Aucune utilisation de ce mandat" "$T/space.txt" || false
}

@test "revocation from the space: one démarche, then the whole mandate; the aidant sees it at once" {
	sign_mandate papiers,logement long
	space angela --revoke "Révoquer « Logement »"
	sed -n '/^--- after revoke/,$p' "$T/space.txt" > "$T/after.txt"
	grep -q "Révocation enregistrée" "$T/after.txt"
	grep -q "Logement — révoquée le" "$T/after.txt"
	grep -q "Mandat n° 1 : En cours" "$T/after.txt"
	grep -q "Télécharger l'attestation de révocation (PDF)" "$T/after.txt"
	# the same tables: the aidant sees it revoked, by the usager (no account)
	ac-mandate-show 1 > "$T/m.json"
	jq -e '.status == "active" and ([.autorisations[] | select(.status == "revoked") | .demarche]
	       == ["logement"])' "$T/m.json"
	[ "$(sql "SELECT COUNT(*) FROM revocations WHERE account_id IS NULL AND whole = 0")" = 1 ]
	[ "$(sql "SELECT actor FROM journal WHERE action = 'autorisation_revoke'")" = usager:1 ]
	[ "$(get /usager/revocations/1/attestation)" = 200 ]
	pdftotext "$T/page.html" - | grep -q "Logement"
	# then the rest, in a new session
	space angela --revoke "Révoquer tout le mandat"
	sed -n '/^--- after revoke/,$p' "$T/space.txt" > "$T/after.txt"
	grep -q "Mandat n° 1 : Révoqué" "$T/after.txt"
	! grep -q "Révoquer tout le mandat" "$T/after.txt" || false
	ac-mandate-show 1 | jq -e '.status == "revoked"'
	[ "$(sql "SELECT actor FROM journal WHERE action = 'mandate_revoke'")" = usager:1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_revoke' AND actor = 'usager:1'")" = 2 ]
	[ "$(sql "SELECT COUNT(*) FROM revocations WHERE account_id IS NULL")" = 2 ]
	# the journal still verifies
	ac_as operator ac-audit > "$T/journal.ndjson"
	ac-audit --verify < "$T/journal.ndjson" > /dev/null
}

@test "the export: every datum about the usager, as an attachment" {
	sign_mandate papiers,logement long
	ac-mandate-revoke 1 --demarches logement > /dev/null
	a_use papiers
	space angela
	curl -fsS -b "$T/jar" -D "$T/headers" -o "$T/export.json" "$AC_URL/usager/export"
	grep -qi '^content-disposition: attachment; filename="aidants-connect-mes-donnees.json"' "$T/headers"
	grep -qi '^content-type: application/json' "$T/headers"
	jq -e '.usager.id == 1 and .usager.given_name == "Angela Claire Louise"
	       and .usager.family_name == "DUBOIS" and .usager.birthdate == "1962-08-24"
	       and (.usager.created_at | test("Z$"))' "$T/export.json"
	jq -e '(.mandates | length) == 1 and .mandates[0].id == 1 and .mandates[0].structure == 1
	       and .mandates[0].demarches == ["papiers","logement"]' "$T/export.json"
	# the same object the aidants' API shows, but the aidant's address
	diff <(jq -S '.mandates[0]' "$T/export.json") <(ac-mandate-show 1 | jq -S "del(.aidant.email)")
	jq -e '.revocations == [{"id":1,"mandate":1,"demarches":["logement"],"whole":false,
	       "revoked_at":.revocations[0].revoked_at,
	       "attestation_hash":.revocations[0].attestation_hash}]' "$T/export.json"
	jq -e '.uses == [{"mandate":1,"demarche":"papiers","structure":{"id":1,"name":"CCAS de Lyon"},
	       "used_at":"2026-07-14T10:30:00Z","aidant":{"first_name":"Marie"}}]' "$T/export.json"
	# no keyed hash, no session, nothing of the aidant but the first name
	! grep -qi "sub_hash\|token\|Martin\|aidant@lyon" "$T/export.json" || false
}

@test "pierre never sees angela's mandates, even by asking for her ids: 404 and nothing changes" {
	sign_mandate papiers,logement long
	ac-mandate-revoke 1 --demarches logement > /dev/null
	open_draft social month --code "$(fresh_code)"
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --login pierre > /dev/null
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	space pierre
	grep -q "Pierre" "$T/space.txt"
	grep -q "Mandat n° 2 : En cours" "$T/space.txt"
	! grep -q "Mandat n° 1" "$T/space.txt" || false
	! grep -qi "dubois\|angela" "$T/space.txt" || false
	before=$(state_digest); n=$(journal_count)
	[ "$(get /usager/mandates/1/attestation)" = 404 ]
	grep -q "existe pas dans votre espace" "$T/page.html"
	[ "$(get /usager/revocations/1/attestation)" = 404 ]
	[ "$(get /usager/mandates/999/attestation)" = 404 ]
	[ "$(get /usager/mandates/abc/attestation)" = 404 ]
	c=$(csrf)
	[ "$(post /usager/revoke "csrf=$c&mandate=1")" = 404 ]
	[ "$(post /usager/revoke "csrf=$c&mandate=1&demarche=papiers")" = 404 ]
	[ "$(post /usager/revoke "csrf=$c&mandate=999")" = 404 ]
	# the foreign page answers as a missing one
	post /usager/revoke "csrf=$c&mandate=1" > /dev/null; cp "$T/page.html" "$T/foreign.html"
	post /usager/revoke "csrf=$c&mandate=999" > /dev/null
	cmp "$T/foreign.html" "$T/page.html"
	[ "$(get /usager/export)" = 200 ]
	! grep -qi "dubois\|angela" "$T/page.html" || false
	jq -e '[.mandates[].id] == [2] and .revocations == []' "$T/page.html"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT revoked_at IS NULL FROM autorisations WHERE mandate_id = 1 AND demarche = 'papiers'")" = 1 ]
}

@test "a form without its csrf field, or with a wrong one, is refused (403) and nothing changes" {
	sign_mandate papiers,logement long
	space angela
	before=$(state_digest); n=$(journal_count)
	[ "$(post /usager/revoke "mandate=1")" = 403 ]
	grep -q "Demande refusée" "$T/page.html"
	[ "$(post /usager/revoke "csrf=$(printf '0%.0s' {1..64})&mandate=1")" = 403 ]
	[ "$(post /usager/revoke "csrf=$(csrf)x&mandate=1")" = 403 ]
	[ "$(post /usager/logout "")" = 403 ]
	[ "$(post /usager/login "")" = 403 ]
	# the csrf of the login form is not the space's
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions")" = 1 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 0 ]
	# without a session: back to the login page, nothing changes
	rm "$T/jar"
	[ "$(post /usager/revoke "mandate=1")" = 303 ]
	[ "$(get /usager/export)" = 303 ]
	[ "$(get /usager/mandates/1/attestation)" = 303 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "a person FranceConnect knows but without any mandate: Aucun mandat, nothing stored" {
	sign_mandate papiers long
	before=$(state_digest); n=$(journal_count)
	space jean --expect-text "Aucun mandat"
	grep -q "aucun mandat Aidants Connect n'a été signé à votre nom" "$T/space.txt"
	! grep -q "ac_usager" "$T/jar" || false
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM usagers")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 0 ]
}

@test "logout ends the session; an expired session leads back to the login page" {
	sign_mandate papiers long
	space angela --logout
	sed -n '/^--- after logout/,$p' "$T/space.txt" > "$T/after.txt"
	grep -q "Vous êtes déconnecté(e)" "$T/after.txt"
	grep -q "S'identifier avec FranceConnect" "$T/after.txt"
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions")" = 0 ]
	# the saved cookie names a session that no longer exists
	[ "$(get /usager)" = 200 ]
	grep -q "Votre session a pris fin" "$T/page.html"
	# a session past its 30 minutes
	space angela
	db_write "UPDATE usager_sessions SET expires_at = strftime('%s') - 1"
	[ "$(get /usager)" = 200 ]
	grep -q "Votre session a pris fin" "$T/page.html"
	! grep -q "Mandat n°" "$T/page.html" || false
	[ "$(get /usager/export)" = 303 ]
	[ "$(curl -sS -b "$T/jar" -o /dev/null -w '%{redirect_url}' "$AC_URL/usager/export")" = "$AC_URL/usager" ]
}

@test "a usager login's state: single use, bound to its browser; no secret in acd's log" {
	sign_mandate papiers long
	space angela
	token=$(grep -o 'ac_usager	[0-9a-f]*' "$T/jar" | cut -f2)
	# another browser starts a login with curl: its state is in the redirection
	curl -fsS -c "$T/jar2" -o "$T/login.html" "$AC_URL/usager"
	c=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/login.html" | grep -o '[0-9a-f]\{64\}')
	loc=$(curl -sS -b "$T/jar2" -o /dev/null -w '%{redirect_url}' --data "csrf=$c" "$AC_URL/usager/login")
	[[ $loc == "$FC_ISSUER"* ]]
	state=$(grep -o 'state=[0-9a-f]\{64\}' <<<"$loc" | cut -d= -f2)
	[ "$(sql "SELECT COUNT(*) FROM usager_logins WHERE expires_at - created_at = 600")" = 1 ]
	before=$(state_digest); n=$(journal_count)
	# from angela's browser: not the one that started it, the login stays
	[ "$(get "/fc/callback?code=abc&state=$state")" = 400 ]
	grep -q "autre navigateur" "$T/page.html"
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 1 ]
	# from its browser with a code FranceConnect never gave: refused, the state spent
	run curl -sS -b "$T/jar2" -o "$T/page.html" -w '%{http_code}' "$AC_URL/fc/callback?code=abc&state=$state"
	[ "$output" != 200 ]
	[ "$output" != 303 ]
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 0 ]
	run curl -sS -b "$T/jar2" -o "$T/page.html" -w '%{http_code}' "$AC_URL/fc/callback?code=abc&state=$state"
	assert_output 400
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions")" = 1 ]
	# acd's log shows paths, never a token, a state or a cookie
	! grep -q "$token" "$T/acd.log" || false
	! grep -q "$state" "$T/acd.log" || false
	grep -q "GET /usager 200" "$T/acd.log"
}

# start_login JAR: a usager login begun with curl in the browser JAR; prints its state.
start_login() {
	curl -fsS -c "$1" -o "$T/login.html" "$AC_URL/usager"
	local c loc
	c=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/login.html" | grep -o '[0-9a-f]\{64\}')
	loc=$(curl -sS -b "$1" -o /dev/null -w '%{redirect_url}' --data "csrf=$c" "$AC_URL/usager/login")
	grep -o 'state=[0-9a-f]\{64\}' <<<"$loc" | cut -d= -f2
}

@test "FranceConnect's answer with an error, or naming another issuer: a clear page, the login spent, nothing opened" {
	before=$(state_digest); n=$(journal_count)
	state=$(start_login "$T/jar3")
	[ "$(curl -sS -b "$T/jar3" -o "$T/page.html" -w '%{http_code}' \
		"$AC_URL/fc/callback?error=access_denied&state=$state")" = 400 ]
	grep -q "Identification interrompue" "$T/page.html"
	grep -q "Rouvrez votre espace pour recommencer" "$T/page.html"
	state=$(start_login "$T/jar3")
	[ "$(curl -sS -b "$T/jar3" -o "$T/page.html" -w '%{http_code}' \
		"$AC_URL/fc/callback?code=abc&state=$state&iss=https%3A%2F%2Fevil.example")" = 400 ]
	grep -q "Cette réponse ne vient pas de FranceConnect" "$T/page.html"
	grep -q "franceconnect: callback from issuer https://evil.example" "$T/acd.log"
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions")" = 0 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}
