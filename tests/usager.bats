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
	grep -q "Ce mandat n'a pas encore été utilisé" "$T/space.txt"
	# the session: a hashed token, a login in the journal, the cookie's attributes
	[ "$(sql "SELECT COUNT(*) FROM usager_sessions WHERE usager_id = 1 AND length(token_hash) = 32
		AND expires_at - created_at = 1800")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM usager_logins")" = 0 ]
	[ "$(sql "SELECT actor || ' ' || subject || ' ' || COALESCE(structure_id, 0) FROM journal
		WHERE action = 'usager_login'")" = "usager:1 usager:1 0" ]
	grep -q "#HttpOnly_127.0.0.1	FALSE	/usager	FALSE	[0-9]*	ac_usager	[0-9a-f]\{64\}" "$T/jar"
	! sqlite3 "$T/ac.db" .dump | grep -q "$(grep -o 'ac_usager	[0-9a-f]*' "$T/jar" | cut -f2)"
	# the paper, as the aidants print it
	[ "$(get /usager/mandates/1/attestation)" = 200 ]
	pdftotext "$T/page.html" - | grep -q "CCAS de Lyon"
	ac-mandate-attestation 1 -o "$T/aidant.pdf"
	cmp <(pdftotext "$T/page.html" -) <(pdftotext "$T/aidant.pdf" -)
}
