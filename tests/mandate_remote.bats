#!/usr/bin/env bats
# A mandate signed at a distance (issue 13 §1), as its usager lives it: the
# link read from the mail in the SMTP sink, the signing page in chromium, the
# attestation PDF mailed back to them and read from the sink; the usager who
# signs alone on their own device; a failed mail; a renewal at a distance,
# where FranceConnect must name the same person.

load helpers
load mandate_helpers

setup() { mandate_setup; }
teardown() { mandate_teardown; }

# The text of a PDF on one line (see attestation.bats).
pdf_text() { pdftotext "$1" - | sed 's/\xc2\xa0/ /g' | tr -s ' \n' ' '; }

# The signing link of the last mail, as the usager clicks it.
mailed_link() { mail_bodies | grep -o 'http://[^ ]*/sign/[0-9a-f]\{64\}' | tail -1; }

@test "at a distance end to end: the link by mail, the usager's consent, the attestation PDF mailed back" {
	open_draft papiers,logement long --send-link angela@example.fr --no-credentials-kept
	wait_mails 1
	url=$(mailed_link)
	[ "$url" = "$(cat "$T/url")" ]
	node "$REPO/tests/browser/sign.mjs" "$url" --shots "$T/shots" > "$T/browser.out"
	# the page promises the mail, not paper from an aidant beside the usager
	grep -q "son attestation vous sera envoyée par courriel" "$T/browser.out"
	! grep -q "Retournez auprès de votre aidant" "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	jq -e '.remote and .no_credentials_kept and .attestation_sent and .template == "mandat-2"' \
		"$T/mandate.json"
	id=$(jq .id "$T/mandate.json"); hash=$(jq -r .attestation_hash "$T/mandate.json")

	# the second mail: the attestation, to the address the link went to
	wait_mails 2
	run mail_attachments "$T/att"
	assert_output "angela@example.fr mandat-$id.pdf application/pdf"
	mail_bodies > "$T/mails.txt"
	grep -q "^Subject: Aidants Connect : l'attestation de votre mandat" "$T/mails.txt"
	grep -q "Son attestation est jointe à ce message" "$T/mails.txt"
	grep -qF "/v1/attestations/$hash" "$T/mails.txt"
	run pdf_text "$T/att/mandat-$id.pdf"
	for s in "Il est adressé par courrier électronique au mandant, qui le conserve." \
		"Signature à distance" "s'est identifié lui-même avec FranceConnect" \
		"L'aidant déclare n'avoir reçu ni conservé aucun identifiant, mot de passe ou code du mandant." \
		"DUBOIS" "$hash" "mandat-2"; do
		assert_output --partial "$s"
	done
	refute_output --partial "Il est remis au mandant"
	# the very PDF the aidant downloads, whose hash the public check knows
	ac-mandate-attestation "$id" -o "$T/mine.pdf" > /dev/null 2>&1
	cmp "$T/att/mandat-$id.pdf" "$T/mine.pdf"
	curl -sS "$AC_URL/v1/attestations/$hash" | jq -e '.kind == "mandate" and .status == "active"'

	# journaled: the remote signature in the mandate's entry, the mail once
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'attestation_sent' AND subject = 'mandate:$id'")" = 1 ]
	sql "SELECT details FROM journal WHERE action = 'mandate_create'" |
		jq -e '.remote == {"mailed_to_usager":true,"no_credentials_kept":true}'
	[ "$(sql "SELECT attestation_email FROM mandates WHERE id = $id")" = angela@example.fr ]
	ac_as operator ac-audit > "$T/journal.ndjson"
	ac-audit --verify < "$T/journal.ndjson" > /dev/null
}

@test "the usager signs alone on their own device: said on the page, the PDF to FranceConnect's address" {
	open_draft papiers long
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --alone --shots "$T/shots" > "$T/browser.out"
	grep -q "son attestation vous sera envoyée par courriel" "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	jq -e '.remote and (.no_credentials_kept | not) and .attestation_sent' "$T/mandate.json"
	id=$(jq .id "$T/mandate.json")
	wait_mails 1
	run mail_attachments "$T/att"
	assert_output "wossewodda-3728@yopmail.com mandat-$id.pdf application/pdf"
	run pdf_text "$T/att/mandat-$id.pdf"
	assert_output --partial "Signature à distance"
	refute_output --partial "n'avoir reçu ni conservé"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'usager_alone'")" = 1 ]
	# the page of a signature beside the aidant offers the box; a mailed link's does not
	open_draft papiers long
	run node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --no-click
	assert_output --partial "Je signe seul·e, sur mon propre appareil"
	kill_tool
	open_draft papiers long --send-link angela@example.fr
	run node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --no-click
	assert_output --partial "Vous signez à distance"
	refute_output --partial "Je signe seul·e"
	kill_tool
}

@test "--no-credentials-kept beside the usager: 409 not_remote, no mandate" {
	open_draft papiers long --no-credentials-kept
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" > "$T/browser.out"
	grep -q "Retournez auprès de votre aidant" "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 1 ]
	grep -q "no_credentials_kept is the declaration of a mandate signed at a distance" "$T/new.err"
	[ "$(sql "SELECT COUNT(*) FROM mandates")" = 0 ]
	[ "$(mail_count)" = 0 ]
}

@test "a failed mail never undoes the mandate: attestation_sent false, the aidant told" {
	open_draft papiers long --send-link angela@example.fr
	wait_mails 1
	smtp_stop # the mail server goes away before the usager signs
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" > "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ]
	jq -e '.remote and (.attestation_sent | not) and (.attestation_mail_error | length > 0)' \
		"$T/mandate.json"
	grep -q "the attestation could not be mailed to the usager" "$T/new.err"
	id=$(jq .id "$T/mandate.json")
	run ac-mandate-show "$id"
	jq -e '.status == "active" and (.attestation_sent | not)' <<<"$output"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'attestation_sent'")" = 0 ]
	[ "$(sql "SELECT attestation_email FROM mandates WHERE id = $id")" = angela@example.fr ]
}

@test "ac-mandate-renew --send-link: the same usager renews at a distance; someone else is refused (other_usager)" {
	sign_mandate papiers long
	first=$(jq .id "$T/mandate.json"); usager=$(jq .usager.id "$T/mandate.json")
	code_pipe
	ac-mandate-renew --usager "$usager" --demarches papiers,logement --duration long \
		--send-link angela@example.fr --confirm-consent \
		> "$T/renewed.json" 2> "$T/renew.err" <&7 &
	TOOL_PID=$!
	wait_mails 1
	mail_bodies | grep -q "vous propose de renouveler un mandat"
	node "$REPO/tests/browser/sign.mjs" "$(mailed_link)" > "$T/browser.out"
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ] || { cat "$T/renew.err" >&2; false; }
	jq -e --argjson f "$first" --argjson u "$usager" \
		'.renewal_of == $f and .usager.id == $u and .remote and .attestation_sent
		 and .demarches == ["papiers","logement"]' "$T/renewed.json"
	grep -q "FranceConnect identified the usager of mandate $first" "$T/renew.err"
	run ac-mandate-show "$first"
	jq -e '.status == "revoked"' <<<"$output" # replaced whole by the renewal
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'mandate_renew'")" = 1 ]
	wait_mails 2

	# Pierre opens the next renewal's link: FranceConnect names him, not Angela
	second=$(jq .id "$T/renewed.json")
	before=$(state_digest)
	code_pipe
	ac-mandate-renew --usager "$usager" --demarches papiers --duration long \
		--send-link angela@example.fr --confirm-consent \
		> "$T/other.json" 2> "$T/other.err" <&7 &
	TOOL_PID=$!
	wait_mails 3
	run node "$REPO/tests/browser/sign.mjs" "$(mailed_link)" --login pierre --expect-text "Identité différente"
	assert_success
	assert_output --partial "rien de vous n'est conservé"
	wait_tool
	[ "$TOOL_STATUS" -eq 1 ]
	grep -q "other_usager: FranceConnect identified someone else than the usager of mandate $second" \
		"$T/other.err"
	[ ! -s "$T/other.json" ]
	# nothing of Pierre is kept, nothing renewed; the draft ended, and says why
	[ "$(sql "SELECT COUNT(*) FROM usagers")" = 1 ]
	[ "$(sql "SELECT state FROM mandate_drafts ORDER BY id DESC LIMIT 1")" = other_usager ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'renewal_other_usager'")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM mandates")" = 2 ]
	draft=$(sql "SELECT id FROM mandate_drafts ORDER BY id DESC LIMIT 1")
	token=$(jq -r .token "$T/aidant-session.json")
	curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -X POST \
		--data "{\"code\":\"$(fresh_code)\",\"consent\":true}" \
		"$AC_URL/v1/mandates/drafts/$draft/confirm" > "$T/confirm.json"
	jq -e '.error.code == "other_usager"' "$T/confirm.json"
}

@test "renewal requests, bad on purpose: clear errors, nothing changes" {
	sign_mandate papiers long
	usager=$(jq .usager.id "$T/mandate.json")
	token=$(jq -r .token "$T/aidant-session.json")
	before=$(state_digest); n=$(journal_count)
	post() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-X POST --data "$1" "$AC_URL/v1/mandates/renew"; }
	post "{\"usager\":$usager,\"demarches\":[\"papiers\"],\"duration\":\"long\",\"send_link\":\"nope\"}" |
		jq -e '.error.code == "bad_email"'
	post "{\"usager\":$usager,\"demarches\":[\"papiers\"],\"duration\":\"long\",\"send_link\":\"a@b.fr\",\"code\":\"123456\"}" |
		jq -e '.error.code == "bad_request"'
	post "{\"usager\":$usager,\"demarches\":[\"papiers\"],\"duration\":\"long\"}" |
		jq -e '.error.code == "missing_field"'
	post "{\"usager\":999,\"demarches\":[\"papiers\"],\"duration\":\"long\",\"send_link\":\"a@b.fr\"}" |
		jq -e '.error.code == "not_found"'
	post "{\"usager\":$usager,\"demarches\":[\"papiers\"],\"duration\":\"long\",\"send_link\":7}" |
		jq -e '.error.code == "wrong_type"'
	run ac-mandate-renew --usager "$usager" --demarches papiers --duration long --no-credentials-kept --code 123456
	[ "$status" -eq 64 ]
	assert_output --partial "--no-credentials-kept goes with --send-link"
	run ac-mandate-renew --usager "$usager" --demarches papiers --duration long --send-link not-an-email
	[ "$status" -eq 64 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	[ "$(mail_count)" = 0 ]
}
