#!/usr/bin/env bats
# Mandates end to end: an aidant opens a draft, the usager identifies with the
# local FranceConnect stand-in in headless chromium, the aidant confirms with a
# fresh code; then attestations, renewal, revocations, lists — and every
# refusal, each leaving the state as it was.

load helpers
load mandate_helpers

setup() { mandate_setup; }
teardown() { mandate_teardown; }

@test "a mandate end to end: draft, FranceConnect in the browser, code, attestation" {
	sign_mandate papiers,logement long --attestation "$T/mandat.pdf"
	m=$(cat "$T/mandate.json")
	jq -e '.id == 1 and .structure == 1 and .duration == "long" and .status == "active"' <<<"$m"
	jq -e '.demarches == ["papiers","logement"]' <<<"$m"
	jq -e '.usager.given_name == "Angela Claire Louise" and .usager.family_name == "DUBOIS"
	       and .usager.birthdate == "1962-08-24"' <<<"$m"
	# expiry = signature + 365 × 24 h, to the second
	jq -e '((.expires_at | fromdate) - (.created_at | fromdate)) == 365 * 86400' <<<"$m"
	jq -e '.attestation_hash | test("^[0-9a-f]{64}$")' <<<"$m"
	# the aidant was told who signed, on stderr
	grep -q "Angela Claire Louise DUBOIS" "$T/new.err"
	grep -q "24/08/1962" "$T/new.err"
	# the paper: the usager, the structure, the démarches, the hash
	text=$(pdftotext "$T/mandat.pdf" -)
	[[ $text == *DUBOIS* && $text == *"CCAS de Lyon"* && $text == *"Fait à Lyon"* ]]
	[[ $text == *"Logement"* && $text == *"1984"* ]]
	[[ $(tr -d ' \n' <<<"$text") == *"$(jq -r .attestation_hash <<<"$m")"* ]]
	# the journal: identification, creation with the hash, one autorisation each
	ac_as operator ac-audit --action mandate_create > "$T/j.ndjson"
	jq -e --arg h "$(jq -r .attestation_hash <<<"$m")" '.details.attestation_hash == $h' "$T/j.ndjson"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'autorisation_create'")" = 2 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'usager_identified'")" = 1 ]
	# FranceConnect's sub is kept only as a keyed hash
	[ "$(sql "SELECT length(sub_hash) FROM usagers")" = 32 ]
	! db_dump | grep -qi "$(fc_sub angela)" || false
	# anyone can check the paper, without personal data
	run curl -fsS "$AC_URL/v1/attestations/$(jq -r .attestation_hash <<<"$m")"
	assert_success
	jq -e '.status == "active" and .kind == "mandate"' <<<"$output"
	! grep -q DUBOIS <<<"$output" || false
}

@test "a signing link serves once: opened again it says so, and nothing changes" {
	sign_mandate papiers short
	before=$(state_digest); n=$(journal_count)
	run node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --no-click --expect-text "déjà servi"
	assert_success
	assert_line --index 0 "status 410"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "an expired signing link is refused and nothing changes" {
	open_draft papiers short
	# ten minutes later (the draft's clock moved back instead of waiting)
	db_write "UPDATE mandate_drafts SET created_at = created_at - 601, expires_at = expires_at - 601"
	before=$(state_digest); n=$(journal_count)
	run node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --no-click --expect-text "expiré"
	assert_success
	assert_line --index 0 "status 410"
	wait_tool
	[ "$TOOL_STATUS" -eq 1 ]
	grep -q "expired" "$T/new.err"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM mandates")" = 0 ]
}

@test "a forged state at the callback is refused, nothing changes" {
	open_draft papiers short
	# a browser that has the cookie but a state acd never issued
	curl -fsS -c "$T/jar" "$(cat "$T/url")" > /dev/null
	before=$(state_digest); n=$(journal_count)
	forged=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	run curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' "$AC_URL/fc/callback?code=abc&state=$forged"
	assert_output 400
	grep -q "ne correspond à aucune signature" "$T/page.html"
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT state FROM mandate_drafts")" = pending ]
	kill_tool
}

@test "the POST to FranceConnect needs the page's CSRF field and cookie" {
	open_draft papiers short
	url=$(cat "$T/url")
	run curl -sS -o "$T/page.html" -w '%{http_code}' -X POST --data 'csrf=0000' "$url"
	assert_output 403
	curl -fsS -c "$T/jar" "$url" > /dev/null
	run curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' -X POST --data "csrf=$(printf '%064d' 0)" "$url"
	assert_output 403
	[ "$(sql "SELECT fc_state_hash IS NULL FROM mandate_drafts")" = 1 ]
	kill_tool
}

@test "the usager's own consent: the page asks for it, FranceConnect waits for it, the confirmation needs it" {
	open_draft papiers short
	url=$(cat "$T/url")
	curl -fsS -c "$T/jar" -o "$T/page.html" "$url"
	grep -q 'name="consent" value="1" id="consent" required' "$T/page.html"
	grep -q "J'accepte ce mandat et je m'engage à donner des informations exactes" "$T/page.html"
	csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/page.html" | grep -o '[0-9a-f]\{64\}')
	# the aidant cannot confirm before the usager accepted
	id=$(sql "SELECT id FROM mandate_drafts")
	token=$(jq -r .token "$T/aidant-session.json")
	run curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-X POST --data '{"code":"123456","consent":true}' "$AC_URL/v1/mandates/drafts/$id/confirm"
	jq -e '.error.code == "no_usager_consent"' <<<"$output"
	# the form without the box ticked: the page again, with why, and no trip to FranceConnect
	before=$(state_digest) n=$(journal_count)
	run curl -sS -b "$T/jar" -o "$T/page.html" -w '%{http_code}' -X POST --data "csrf=$csrf" "$url"
	assert_output 400
	grep -q 'role="alert">Cochez la case' "$T/page.html"
	grep -q 'S.identifier avec FranceConnect' "$T/page.html"
	[ "$(sql "SELECT fc_state_hash IS NULL AND usager_consent_at IS NULL FROM mandate_drafts")" = 1 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# ticked: off to FranceConnect, the consent journaled once
	run curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' -X POST --data "csrf=$csrf&consent=1" "$url"
	assert_output 303
	run curl -sS -b "$T/jar" -o /dev/null -w '%{http_code}' -X POST --data "csrf=$csrf&consent=1" "$url"
	assert_output 303
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'usager_consent' AND subject = 'draft:$id' AND structure_id = 1")" = 1 ]
	[ "$(sql "SELECT usager_consent_at IS NOT NULL FROM mandate_drafts")" = 1 ]
	kill_tool
}

@test "an ID token with a bad nonce, a wrong signature or audience is refused" {
	for tamper in nonce signature audience issuer expired; do
		restart_fc --tamper "$tamper"
		open_draft papiers short
		before=$(state_digest); n=$(journal_count)
		run node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --shots "$T/shots-$tamper"
		[ "$status" -eq 1 ] || { echo "$tamper: exit $status: $output"; tail -n 15 "$T/acd.log" "$T/fc.log"; return 1; }
		[[ $output == *"n'a pas pu être vérifiée"* ]] || { echo "$tamper: $output"; return 1; }
		[ "$(state_digest)" = "$before" ]
		# the usager's consent, given before FranceConnect, and nothing after it
		[ "$(journal_count)" = $((n + 1)) ]
		[ "$(sql "SELECT action FROM journal ORDER BY seq DESC LIMIT 1")" = usager_consent ]
		[ "$(sql "SELECT COUNT(*) FROM usagers")" = 0 ]
		kill_tool
	done
}

@test "the pages are French, framed by nobody, without referrer, and strict CSP" {
	open_draft papiers,argent month
	run curl -sS -D "$T/headers" -o "$T/page.html" "$(cat "$T/url")"
	grep -qi '^content-security-policy:.*default-src .none.' "$T/headers"
	grep -qi "^content-security-policy:.*frame-ancestors 'none'" "$T/headers"
	grep -qi '^referrer-policy: no-referrer' "$T/headers"
	grep -qi '^x-frame-options: DENY' "$T/headers"
	grep -q '<html lang="fr">' "$T/page.html"
	grep -q 'Projet de mandat, sans valeur juridique' "$T/page.html"
	grep -q 'Argent – Impôts – Consommation' "$T/page.html"
	grep -q 'Banque de France' "$T/page.html"
	grep -q 'name="csrf"' "$T/page.html"
	! grep -q '<script' "$T/page.html" || false
	kill_tool
}

@test "a wrong code at confirmation creates nothing; the draft waits for a good one" {
	open_draft papiers long --code 000000
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" > /dev/null
	wait_tool
	[ "$TOOL_STATUS" -ne 0 ]
	grep -qi "wrong code" "$T/new.err"
	[ "$(sql "SELECT COUNT(*) FROM mandates")" = 0 ]
	[ "$(sql "SELECT COUNT(*) FROM autorisations")" = 0 ]
	[ "$(sql "SELECT state FROM mandate_drafts")" = identified ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'mandate_create'")" = 0 ]
}

@test "a démarche the structure does not offer is refused before any link" {
	ac_as operator ac-structure-set 1 --demarches papiers,social
	before=$(state_digest); n=$(journal_count)
	run ac-mandate-new --demarches papiers,logement --duration long --confirm-consent --code 123456
	[ "$status" -eq 65 ]
	[[ $output == *"does not offer"* ]]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(sql "SELECT COUNT(*) FROM mandate_drafts")" = 0 ]
}

@test "a mandate of another structure is absent for its aidants: 404 everywhere" {
	sign_mandate papiers,logement long
	export XDG_STATE_HOME="$T/aidant-b"
	ac-login --email aidant@brest.fr --code "$(totp_hex "$SEED_B" 60 -1)" > /dev/null
	before=$(state_digest); n=$(journal_count)
	for cmd in "ac-mandate-show 1" "ac-mandate-revoke 1" "ac-mandate-attestation 1 -o $T/x.pdf" \
		"ac-usager-show 1"; do
		run $cmd
		[ "$status" -eq 1 ] || { echo "$cmd: exit $status: $output"; return 1; }
		[[ $output == *"no such"* ]] || { echo "$cmd: $output"; return 1; }
	done
	run ac-mandate-list
	assert_success
	assert_output ""
	run ac-usager-list
	assert_output ""
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "renewal widens, partial then full revocation, twice is refused" {
	sign_mandate papiers,logement long
	# renewal: no FranceConnect, a fresh code, one more démarche
	ac-mandate-renew --usager 1 --demarches papiers,logement,social --duration semester \
		--code "$(fresh_code)" --attestation "$T/renew.pdf" > "$T/renew.json"
	jq -e '.id == 2 and .renewal_of == 1 and .demarches == ["papiers","social","logement"]' "$T/renew.json"
	pdftotext "$T/renew.pdf" - | grep -q Social
	# the first mandate's autorisations were replaced: it is revoked
	run ac-mandate-show 1
	jq -e '.status == "revoked"' <<<"$output"
	# revoke one démarche of the new one, with its own attestation
	ac-mandate-revoke 2 --demarches social --attestation "$T/revoke.pdf" > "$T/revoke.json"
	jq -e '.revoked == ["social"] and .status == "active"' "$T/revoke.json"
	pdftotext "$T/revoke.pdf" - | tr '\n' ' ' | grep -q "souhaite révoquer"
	# then the rest
	run ac-mandate-revoke 2
	assert_success
	jq -e '.revoked == ["papiers","logement"] and .status == "revoked"' <<<"$output"
	# twice: refused, nothing changes
	before=$(state_digest); n=$(journal_count)
	run ac-mandate-revoke 2
	[ "$status" -eq 1 ]
	[[ $output == *"already revoked"* ]]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	for a in mandate_renew autorisation_revoke mandate_revoke; do
		[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = '$a'")" -ge 1 ]
	done
	run ac-mandate-list --status revoked
	[ "${#lines[@]}" -eq 2 ]
	ac_as operator ac-audit > "$T/journal.ndjson"
	ac-audit --verify < "$T/journal.ndjson"
}

@test "lists: by usager, status, expiring soon; the usager list searches names" {
	sign_mandate papiers short
	run ac-mandate-list --status active --expiring-within 2
	[ "${#lines[@]}" -eq 1 ]
	run ac-mandate-list --status active --expiring-within 1
	# a 24 h mandate signed just now ends within the day
	[ "${#lines[@]}" -eq 1 ]
	run ac-mandate-list --status expired
	assert_output ""
	run ac-usager-list --search dubois
	jq -e '.family_name == "DUBOIS" and .mandates.active == 1' <<<"$output"
	run ac-usager-list --search nobody
	assert_output ""
	# the list pipes into revoke
	ac-mandate-list --status active | ac-mandate-revoke > "$T/revoked.ndjson"
	jq -e '.ok and .status == "revoked"' "$T/revoked.ndjson"
}

@test "a signing link sent by mail for a signature at a distance" {
	open_draft papiers long --send-link angela@example.fr
	for _ in $(seq 50); do [ "$(mail_count)" -ge 1 ] && break; sleep 0.1; done
	mail_bodies > "$T/mail.txt"
	grep -q "^To: angela@example.fr" "$T/mail.txt"
	grep -q "^Subject: Aidants Connect : votre mandat à signer" "$T/mail.txt"
	grep -qF "$(cat "$T/url")" "$T/mail.txt"
	grep -q "link sent to angela@example.fr" "$T/new.err"
	[ "$(sql "SELECT remote || link_email FROM mandate_drafts")" = 1angela@example.fr ]
	# signed at a distance: the mandate says so
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --shots "$T/shots" > "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	jq -e '.remote == true' "$T/mandate.json"
	run ac-mandate-show "$(jq .id "$T/mandate.json")"
	jq -e '.remote == true and .aidant.email == "aidant@lyon.fr"' <<<"$output"
}

@test "bad input to the mandate routes: clear errors, nothing changes" {
	token=$(jq -r .token "$T/aidant-session.json")
	before=$(state_digest); n=$(journal_count)
	post() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-X POST --data "$2" "$AC_URL$1"; }
	post /v1/mandates/drafts '{"demarches":"papiers","duration":"long"}' | jq -e '.error.code == "wrong_type"'
	post /v1/mandates/drafts '{"demarches":["papiers"],"duration":"forever"}' | jq -e '.error.code == "bad_duration"'
	post /v1/mandates/drafts '{"demarches":["papiers","papiers"],"duration":"long"}' | jq -e '.error.code == "bad_demarche"'
	post /v1/mandates/drafts '{"demarches":[],"duration":"long"}' | jq -e '.error.code == "bad_demarche"'
	post /v1/mandates/drafts '{"demarches":["papiers"],"duration":"long","x":1}' | jq -e '.error.code == "unknown_field"'
	post /v1/mandates/drafts '{"demarches":["papiers"],"duration":"long","send_link":"not-an-email"}' | jq -e '.error.code == "bad_email"'
	post /v1/mandates/drafts '{"demarches":["papiers"],"duration":"long","structure":2}' | jq -e '.error.code == "not_found"'
	post /v1/mandates/drafts '{"demarches":["papiers"' | jq -e '.error.code == "bad_json"'
	post /v1/mandates/revoke '{"id":99}' | jq -e '.error.code == "not_found"'
	post /v1/mandates/renew '{"usager":1,"demarches":["papiers"],"duration":"long","code":"123456"}' \
		| jq -e '.error.code == "not_found"'
	head -c 2000000 /dev/zero | tr '\0' ' ' > "$T/huge"
	curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X POST \
		--data-binary @"$T/huge" "$AC_URL/v1/mandates/drafts" | jq -e '.error.code == "too_large"'
	curl -sS "$AC_URL/v1/attestations/nothex" | jq -e '.error.code == "not_found"'
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "the aidant is told, as a count only, of the usager's mandates elsewhere" {
	# Brest signs first for papiers; then Lyon opens papiers,logement
	export XDG_STATE_HOME="$T/aidant-b"
	ac-login --email aidant@brest.fr --code "$(totp_hex "$SEED_B" 60 -1)" > /dev/null
	ac-mandate-new --demarches papiers --duration month --confirm-consent \
		--code "$(totp_hex "$SEED_B" 60 0)" > "$T/brest.json" 2> "$T/brest.err" &
	TOOL_PID=$!
	for _ in $(seq 100); do grep -q '/sign/' "$T/brest.err" && break; sleep 0.05; done
	node "$REPO/tests/browser/sign.mjs" "$(grep -o 'http://[^ ]*/sign/[0-9a-f]*' "$T/brest.err")" > /dev/null
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	export XDG_STATE_HOME="$T/aidant"
	sign_mandate papiers,logement long
	grep -q "1 active mandate" "$T/new.err"
	! grep -q "Brest" "$T/new.err" || false
	# each structure sees its own mandate only
	run ac-mandate-list
	[ "${#lines[@]}" -eq 1 ]
	jq -e '.structure == 1' <<<"$output"
}

@test "ended mandates leave the lists after 365 days, and can no longer be renewed" {
	sign_mandate papiers month
	ac-mandate-revoke 1 > /dev/null
	run ac-mandate-list
	[ "${#lines[@]}" -eq 1 ]
	# 400 days later (the mandate's clock moved back instead of waiting)
	db_write "UPDATE mandates SET created_at = created_at - 400 * 86400,
		expires_at = expires_at - 400 * 86400, revoked_at = revoked_at - 400 * 86400"
	run ac-mandate-list
	assert_output ""
	run ac-mandate-list --all
	[ "${#lines[@]}" -eq 1 ]
	run ac-usager-list
	assert_output ""
	before=$(state_digest); n=$(journal_count)
	run ac-mandate-renew --usager 1 --demarches papiers --duration month --code 123456
	[ "$status" -eq 1 ]
	[[ $output == *"more than 365 days"* ]]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "long polls park without a thread: acd keeps answering while many wait" {
	token=$(jq -r .token "$T/aidant-session.json")
	open_draft papiers short
	id=$(sql "SELECT id FROM mandate_drafts")
	pids=()
	for i in $(seq 24); do
		curl -sS -o "$T/poll$i.json" -H "Authorization: Bearer $token" \
			"$AC_URL/v1/mandates/drafts/$id?wait=5" &
		pids+=($!)
	done
	sleep 0.5
	# 24 waiting requests, more than acd's 16 threads: health still answers at once
	run curl -sS --max-time 2 "$AC_URL/v1/health"
	assert_success
	for p in "${pids[@]}"; do wait "$p"; done
	for i in $(seq 24); do jq -e '.state == "pending"' "$T/poll$i.json"; done
	kill_tool
}

@test "a list longer than a page streams whole, each mandate with its autorisations" {
	db_write <<'SQL'
BEGIN;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  VALUES (1, randomblob(32), 'Pierre', 'MERCIER', '1969-03-17', strftime('%s'), strftime('%s'));
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
  SELECT i, CASE WHEN i % 3 = 0 THEN 2 ELSE 1 END, 1, 2, 'papiers,logement', 'long', strftime('%s'),
         strftime('%s') + 86400, 'mandat-1', lower(hex(randomblob(32))) FROM n;
INSERT INTO autorisations (id, mandate_id, demarche)
  SELECT 2 * id - 1, id, 'papiers' FROM mandates UNION ALL SELECT 2 * id, id, 'logement' FROM mandates;
COMMIT;
SQL
	ac-mandate-list > "$T/list.ndjson"
	# one in three belongs to Brest: Lyon sees the other 823, in order
	[ "$(wc -l < "$T/list.ndjson")" -eq 823 ]
	[ "$(jq -s '[.[] | select(.structure != 1)] | length' "$T/list.ndjson")" -eq 0 ]
	[ "$(jq -s '[.[] | select((.autorisations | length) != 2)] | length' "$T/list.ndjson")" -eq 0 ]
	jq -s -e 'map(.id) == (map(.id) | sort)' "$T/list.ndjson"
	# an aidant of both structures sees both, a structure after the other
	ac_as operator ac-aidant-add --structure 2 --email aidant@lyon.fr --first-name Marie \
		--last-name Martin > /dev/null
	ac-mandate-list > "$T/both.ndjson"
	[ "$(wc -l < "$T/both.ndjson")" -eq 1234 ]
	jq -s -e 'map(.structure) == (map(.structure) | sort)' "$T/both.ndjson"
	[ "$(ac-mandate-list --structure 2 | wc -l)" -eq 411 ]
}

@test "the signing link is built on --public-url, checked at start" {
	acd_stop
	run timeout 10 acd serve "${ACD_DB[@]}" --listen 127.0.0.1:0 --public-url ftp://aidants.example
	[ "$status" -eq 64 ]
	[[ $output == *"expected http:// or https://"* ]]
	acd_serve --public-url https://aidants.example.fr/
	token=$(jq -r .token "$T/aidant-session.json")
	run curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X POST \
		--data '{"demarches":["papiers"],"duration":"short"}' "$AC_URL/v1/mandates/drafts"
	jq -e '.url | test("^https://aidants.example.fr/sign/[0-9a-f]{64}$")' <<<"$output"
}

@test "a provider answering userinfo as a signed JWT (FranceConnect v2) is read and verified" {
	restart_fc --userinfo-jwt
	sign_mandate papiers short
	jq -e '.usager.family_name == "DUBOIS" and .usager.birthdate == "1962-08-24"' "$T/mandate.json"
	grep -q "franceconnect: signed userinfo verified" "$T/acd.log"
}
