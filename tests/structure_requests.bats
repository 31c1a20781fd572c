#!/usr/bin/env bats
# A structure's application (issue 9 §1): ac-structure-apply and the public
# form, the applicant's confirmation by the mailed link, the operators'
# ac-structure-request-list and -set, acceptance, mails, errors, purge.

load helpers

setup() {
	export T="$BATS_TEST_TMPDIR"
	smtp_start
	acd_start --smtp-url "$SMTP_URL"
	op_login
}
teardown() { stop_all; }

# application [jq filter]: a valid application, changed by the filter.
application() {
	jq -c "${1:-.}" <<'JSON'
{"applicant":{"email":"Claire.Petit@Mairie-Vaulx.fr","first_name":"Claire","last_name":"Petit"},
 "structure":{"siret":"21690256800015","name":"Mairie de Vaulx-en-Velin","type":"mairie",
   "address":"Place de la Nation","zipcode":"69120","city":"Vaulx-en-Velin"},
 "referent":{"email":"paul.roux@mairie-vaulx.fr","first_name":"Paul","last_name":"Roux",
   "profession":"Responsable de l'accueil","aidant":true},
 "aidants":[{"email":"lea.blanc@mairie-vaulx.fr","first_name":"Léa","last_name":"Blanc","profession":"Agente d'accueil"},
   {"email":"omar.said@mairie-vaulx.fr","first_name":"Omar","last_name":"Saïd","profession":"Conseiller numérique"}],
 "declarations":{"cgu":true,"not_free":true,"dpo":true,"professionals_only":true,"without_elected":true}}
JSON
}

# link N: the Nth link mailed to an applicant (1: the oldest).
link() {
	mail_bodies | grep -oE 'http://[^ ]+/habilitation/[0-9a-f]{64}' | sed -n "${1}p"
}

# confirm URL: what a browser does on the link: the page, then its button.
confirm() {
	curl -sS -c "$T/jar" -b "$T/jar" "$1" > "$T/page.html"
	local csrf
	csrf=$(grep -oE 'name="csrf" value="[0-9a-f]{64}"' "$T/page.html" | grep -oE '[0-9a-f]{64}')
	curl -sS -c "$T/jar" -b "$T/jar" -o "$T/confirmed.html" -w '%{http_code}' \
		--data-urlencode "csrf=$csrf" "$1"
}

# apply_confirmed: an application sent and confirmed; its id on stdout.
apply_confirmed() {
	local n m id
	n=$(mail_bodies | grep -cE '/habilitation/[0-9a-f]{64}')
	m=$(mail_count)
	id=$(application "${1:-.}" | ac-structure-apply 2>/dev/null | jq -r .id)
	wait_mails $((m + 1)) || return 1
	[ "$(confirm "$(link $((n + 1)))")" = 200 ]
	echo "$id"
}

@test "ac-structure-apply: a draft, the applicant's link, confirmed: submitted and journaled" {
	run ac-structure-apply < <(application)
	assert_success
	jq -e '. == {"id":1,"status":"draft"}' <<<"${lines[-1]}"
	assert_output --partial "a confirmation link went to the applicant"
	wait_mails 1
	mail_bodies | grep -q '^To: claire.petit@mairie-vaulx.fr'
	mail_bodies | grep -q '^Subject: Aidants Connect : confirmez votre demande'
	# operators never see a draft, and nothing is journaled of it
	run ac-structure-request-list
	assert_success
	assert_output ""
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action LIKE 'structure%'")" = 0 ]
	# the link shows the application and a button: opening it confirms nothing
	url=$(link 1)
	curl -sS "$url" | grep -q "Confirmer et envoyer la demande"
	[ "$(sql "SELECT status FROM structure_requests")" = draft ]
	[ "$(confirm "$url")" = 200 ]
	grep -q "Demande envoyée" "$T/confirmed.html"
	run ac-structure-request-list --status submitted
	assert_success
	jq -e '.id == 1 and .status == "submitted" and .siret == "21690256800015"
		and .departement == "69" and .region == "84" and (.aidants | length) == 2
		and .applicant.email == "claire.petit@mairie-vaulx.fr" and .structure == null' <<<"$output"
	[ "$(sql "SELECT actor || ' ' || subject FROM journal WHERE action = 'structure_apply'")" = \
		"claire.petit@mairie-vaulx.fr structure_request:1" ]
	# the link served once
	[ "$(confirm "$url")" = 404 ]
	run ac-structure-request-list --region 84 --departement 69 --csv
	assert_success
	[ "${#lines[@]}" = 2 ]
	[[ "${lines[1]}" == *claire.petit@mairie-vaulx.fr* ]]
	run ac-structure-request-list --region 53
	assert_output ""
}

@test "bad applications are refused whole with a clear error, nothing recorded" {
	check() { # code filter
		run ac-structure-apply < <(application "$2")
		[ "$status" -eq 65 ] || { echo "$2: $output"; return 1; }
		[[ "$output" == *"$1"* ]] || { echo "$2: $output"; return 1; }
	}
	check "Luhn" '.structure.siret = "21690256800014"'
	check "Luhn" '.structure.siret = "2169025680001"'
	check "not a valid email" '.applicant.email = "claire@"'
	check "not a valid email" '.aidants[1].email = "omar"'
	check '"without_elected" must be true' '.declarations.without_elected = false'
	check '"dpo" is required' 'del(.declarations.dpo)'
	check 'unknown field "phone"' '.referent.phone = "0601020304"'
	check 'unknown field "extra"' '.extra = 1'
	check 'must be true or false' '.referent.aidant = "yes"'
	check 'must be a list' '.aidants = {}'
	check 'zipcode' '.structure.zipcode = "00000"'
	check 'zipcode' '.structure.zipcode = "6912"'
	check '"type" must be one of' '.structure.type = "club"'
	check 'has the email of' '.aidants[1].email = .aidants[0].email'
	check 'at most 1000 aidants' '.aidants = [range(1001) as $i | .aidants[0] | .email = "a\($i)@x.fr"]'
	run ac-structure-apply <<<'{"applicant":'
	[ "$status" -eq 65 ]
	[ "$(sql "SELECT COUNT(*) FROM structure_requests")" = 0 ]
	[ "$(mail_count)" = 0 ]
	# a thousand aidants is within the limit
	run ac-structure-apply < <(application '.aidants = [range(1000) as $i | .aidants[0] | .email = "a\($i)@x.fr"]')
	assert_success
}

@test "accepted: the structure, its référent, habilitation requests, mails; a re-run changes nothing" {
	id=$(apply_confirmed)
	journal=$(journal_count)
	run ac-structure-request-set "$id" --status accepted
	assert_success
	jq -e '.id == 1 and .status == "accepted" and .changed and .structure == 1
		and .habilitation_requests == 3 and (has("mail_error") | not)' <<<"$output"
	[ "$(sql "SELECT name || '|' || departement || '|' || region || '|' || type FROM structures WHERE id = 1")" = \
		"Mairie de Vaulx-en-Velin|69|84|mairie" ]
	[ "$(sql "SELECT m.is_referent || '' || m.is_aidant FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE a.email = 'paul.roux@mairie-vaulx.fr' AND m.structure_id = 1")" = 10 ]
	[ "$(sql "SELECT group_concat(email || ':' || status, ' ') FROM (SELECT * FROM habilitation_requests ORDER BY id) AS h")" = \
		"paul.roux@mairie-vaulx.fr:eligible lea.blanc@mairie-vaulx.fr:eligible omar.said@mairie-vaulx.fr:eligible" ]
	[ "$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM journal WHERE seq > $journal ORDER BY seq) AS j")" = \
		"structure_create aidant_add habilitation_create habilitation_create habilitation_create structure_request_update" ]
	wait_mails 3
	mail_bodies | grep -q "^Subject: Aidants Connect : demande acceptée"
	mail_bodies | grep -q "^To: paul.roux@mairie-vaulx.fr"
	mail_bodies | grep -q "^Subject: Aidants Connect : vous êtes référent"
	# again: nothing changes, nothing mailed
	run ac-structure-request-set "$id" --status accepted
	assert_success
	jq -e '.changed == false and .status == "accepted"' <<<"$output"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE seq > $journal")" = 6 ]
	[ "$(mail_count)" = 3 ]
	# accepted is final: 409 bad_transition, nothing changed
	before=$(state_digest)
	run ac-structure-request-set "$id" --status refused --message "non"
	[ "$status" -eq 1 ]
	assert_output --partial "cannot become refused"
	[ "$(state_digest)" = "$before" ]
	# its référent's card activated: closed
	seed=3132333435363738393031323334353637383930
	echo "{\"serial\":\"GADT00000077\",\"seed\":\"$seed\"}" | ac-card-import > /dev/null
	run ac-card-link --serial GADT00000077 --email paul.roux@mairie-vaulx.fr --code "$(totp_hex $seed)"
	assert_success
	run ac-structure-request-list --status closed
	jq -e '.id == 1 and .structure == 1' <<<"$output"
	[ "$(sql "SELECT details FROM journal WHERE action = 'structure_request_update' ORDER BY seq DESC LIMIT 1")" = \
		'{"before":"accepted","status":"closed","why":"card_activated"}' ]
	run ac-structure-request-set "$id" --status accepted
	jq -e '.changed == false and .status == "closed"' <<<"$output"
}

@test "an application for a SIRET already habilitated attaches to that structure" {
	two_structures
	ac-aidant-add --structure 1 --email paul.roux@mairie-vaulx.fr --first-name Paul --last-name Roux > /dev/null
	id=$(apply_confirmed '.structure.siret = "'"$SIRET_A"'" | .aidants[0].email = "paul.roux@mairie-vaulx.fr"')
	run ac-structure-request-set "$id" --status accepted
	assert_success
	jq -e '.structure == 1 and .habilitation_requests == 1' <<<"$output"
	[ "$(sql "SELECT COUNT(*) FROM structures")" = 2 ]
	# already an aidant there: stays one, becomes référent, needs no habilitation
	[ "$(sql "SELECT m.is_referent || '' || m.is_aidant FROM memberships m JOIN accounts a ON a.id = m.account_id
		WHERE a.email = 'paul.roux@mairie-vaulx.fr' AND m.structure_id = 1")" = 11 ]
	[ "$(sql "SELECT group_concat(email) FROM habilitation_requests")" = omar.said@mairie-vaulx.fr ]
}

@test "changes required: a message, a fresh link, the edited application submitted again; refusal" {
	id=$(apply_confirmed)
	run ac-structure-request-set "$id" --status changes_required
	[ "$status" -eq 65 ]
	assert_output --partial "message"
	run ac-structure-request-set "$id" --status changes_required --message "Le SIRET est celui du siège : donnez celui de l'établissement."
	assert_success
	jq -e '.status == "changes_required" and .changed' <<<"$output"
	wait_mails 2
	mail_bodies | grep -q "Le SIRET est celui du siège"
	url=$(link 2)
	curl -sS -c "$T/jar" -b "$T/jar" "$url" > "$T/edit.html"
	grep -q "Le SIRET est celui du siège" "$T/edit.html"
	grep -q 'value="21690256800015"' "$T/edit.html"
	csrf=$(grep -oE 'name="csrf" value="[0-9a-f]{64}"' "$T/edit.html" | grep -oE '[0-9a-f]{64}')
	# the form as the page sends it, the SIRET changed
	form=(--data-urlencode "csrf=$csrf" -d rows=3 -d action=send
		--data-urlencode applicant_email=claire.petit@mairie-vaulx.fr -d applicant_first_name=Claire
		-d applicant_last_name=Petit -d siret=73282932000074 --data-urlencode "name=Mairie de Vaulx"
		-d type=mairie --data-urlencode "address=Place de la Nation" -d zipcode=69120
		-d city=Vaulx-en-Velin --data-urlencode referent_email=paul.roux@mairie-vaulx.fr
		-d referent_first_name=Paul -d referent_last_name=Roux -d referent_profession=Accueil
		--data-urlencode aidant0_email=lea.blanc@mairie-vaulx.fr -d aidant0_first_name=Léa
		-d aidant0_last_name=Blanc -d aidant0_profession=Accueil -d decl_cgu=1 -d decl_not_free=1
		-d decl_dpo=1 -d decl_professionals_only=1)
	code=$(curl -sS -c "$T/jar" -b "$T/jar" -o "$T/out.html" -w '%{http_code}' "${form[@]}" "$url")
	[ "$code" = 400 ]
	grep -q "Cochez les cinq déclarations" "$T/out.html"
	[ "$(sql "SELECT status FROM structure_requests")" = changes_required ]
	code=$(curl -sS -c "$T/jar" -b "$T/jar" -o "$T/out.html" -w '%{http_code}' "${form[@]}" \
		-d decl_without_elected=1 "$url")
	[ "$code" = 200 ]
	run ac-structure-request-list --status submitted
	jq -e '.siret == "73282932000074" and .name == "Mairie de Vaulx" and (.aidants | length) == 1' <<<"$output"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'structure_request_update'")" = 2 ]
	# refused, by a pipeline: the list's lines into the set tool
	run bash -c 'ac-structure-request-list --status submitted |
		ac-structure-request-set --stdin --status refused --message "Structure hors du champ du service."'
	assert_success
	jq -e '.line == 1 and .ok and .status == "refused" and .changed' <<<"$output"
	wait_mails 3
	mail_bodies | grep -q "Structure hors du champ du service."
	mail_bodies | grep -q "^Subject: Aidants Connect : demande refusée"
	run ac-structure-request-set --stdin --status refused --message "encore" <<<'{"id":1}'
	jq -e '.changed == false' <<<"$output"
	# no such request, a draft: not found
	application | ac-structure-apply > /dev/null 2>&1
	run ac-structure-request-set --stdin --status accepted <<<$'{"id":2}\n{"id":99}'
	[ "$status" -eq 1 ]
	[ "$(jq -r .error.code <<<"${lines[0]}")" = not_found ]
	[ "$(jq -r .error.code <<<"${lines[1]}")" = not_found ]
}

@test "an application of 150 aidants sent back: its edit link shows every one, sent again whole" {
	id=$(apply_confirmed '.aidants = [range(150) as $i | .aidants[0] | .email = "a\($i)@x.fr"]')
	ac-structure-request-set "$id" --status changes_required --message "Précisez l'adresse." > /dev/null
	wait_mails 2
	url=$(link 2)
	curl -sS -c "$T/jar" -b "$T/jar" "$url" > "$T/edit.html"
	grep -q 'value="a149@x.fr"' "$T/edit.html"
	# what the browser posts back: every field of the page as it is, the address changed
	python3 - "$T/edit.html" > "$T/form.txt" <<'PY'
import html.parser, sys, urllib.parse
class F(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.f = []; self.sel = None
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a: self.f.append((a["name"], a.get("value", "on")))
        elif tag == "input": self.f.append((a["name"], a.get("value", "")))
        elif tag == "select": self.sel = a["name"]
        elif tag == "option" and "selected" in a: self.f.append((self.sel, a["value"]))
p = F(); p.feed(open(sys.argv[1]).read())
f = [(k, "1 place de la Nation" if k == "address" else v) for k, v in p.f]
print(urllib.parse.urlencode(f + [("action", "send")]))
PY
	code=$(curl -sS -c "$T/jar" -b "$T/jar" -o "$T/out.html" -w '%{http_code}' --data-binary @"$T/form.txt" "$url")
	[ "$code" = 200 ] || { grep error "$T/out.html"; return 1; }
	run ac-structure-request-list --status submitted
	jq -e '.address == "1 place de la Nation" and (.aidants | length) == 150
		and .aidants[149].email == "a149@x.fr"' <<<"$output"
}

@test "a decisions' body over 10,000 lines is refused whole, nothing changed" {
	id=$(apply_confirmed)
	seq 10001 | sed "s/.*/{\"id\":$id,\"status\":\"accepted\"}/" > "$T/many.ndjson"
	code=$(curl -sS -o "$T/out.json" -w '%{http_code}' -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" \
		-H 'Content-Type: application/x-ndjson' --data-binary @"$T/many.ndjson" "$AC_URL/v1/structure-requests/set")
	[ "$code" = 413 ]
	jq -e '.error.code == "too_many_lines"' "$T/out.json"
	[ "$(sql "SELECT status FROM structure_requests")" = submitted ]
	[ "$(sql "SELECT COUNT(*) FROM structures")" = 0 ]
}

@test "a mail that cannot be sent never undoes the acceptance: the reply says so, the tool warns" {
	id=$(apply_confirmed)
	smtp_stop
	run ac-structure-request-set "$id" --status accepted
	[ "$status" -eq 1 ]
	assert_output --partial "but its mail was not sent"
	jq -e '.changed and .status == "accepted" and (.mail_error | length) > 0' <<<"${lines[-1]}"
	[ "$(sql "SELECT status FROM structure_requests")" = accepted ]
	[ "$(sql "SELECT COUNT(*) FROM structures")" = 1 ]
}

@test "only operators read and decide; anyone may apply, rate-limited" {
	two_structures
	ac-aidant-add --structure 1 --email ref@lyon.fr --first-name Rose --last-name Durand --referent > /dev/null
	seed=4142434445464748494a4b4c4d4e4f5051525354
	echo "{\"serial\":\"GADT00000078\",\"seed\":\"$seed\"}" | ac-card-import > /dev/null
	ac-card-link --serial GADT00000078 --email ref@lyon.fr > /dev/null
	id=$(apply_confirmed)
	XDG_STATE_HOME="$T/ref" ac-login --email ref@lyon.fr --code "$(totp_hex $seed)" > /dev/null
	XDG_STATE_HOME="$T/ref" run ac-structure-request-list
	[ "$status" -eq 77 ]
	XDG_STATE_HOME="$T/ref" run ac-structure-request-set "$id" --status accepted
	[ "$status" -eq 77 ]
	[ "$(sql "SELECT status FROM structure_requests")" = submitted ]
	XDG_STATE_HOME="$T/nobody" run ac-structure-request-list
	[ "$status" -eq 77 ]
	code=$(curl -sS -o /dev/null -w '%{http_code}' "$AC_URL/v1/structure-requests")
	[ "$code" = 401 ]
	# the public routes take the rate limit of the others
	acd_stop
	acd_serve_ready "${ACD_DB[@]}" --smtp-url "$SMTP_URL" --rate-limit 2 --rate-period 3600
	for i in 1 2; do curl -sS -o /dev/null "$AC_URL/habilitation"; done
	code=$(curl -sS -o /dev/null -w '%{http_code}' "$AC_URL/habilitation")
	[ "$code" = 429 ]
	code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$(application)" "$AC_URL/v1/structure-requests")
	[ "$code" = 429 ]
}

@test "acd purge: a draft never confirmed goes after 7 days, a confirmed one stays" {
	id=$(apply_confirmed)
	application '.applicant.email = "autre@exemple.fr"' | ac-structure-apply > /dev/null 2>&1
	acd_stop
	run acd_purge 6
	assert_success
	jq -e '.applications == 0' <<<"$output"
	run acd_purge 8
	assert_success
	jq -e '.applications == 1' <<<"$output"
	[ "$(sql "SELECT group_concat(id || status) FROM structure_requests")" = "${id}submitted" ]
}

@test "the form in chromium: filled, more rows, sent, confirmed by the mail's link" {
	mkdir -p "$T/shots"
	run node "$REPO/tests/browser/apply.mjs" "$AC_URL/habilitation" --shots "$T/shots" --step form
	assert_success
	assert_output --partial "Vérifiez votre messagerie"
	wait_mails 1
	run node "$REPO/tests/browser/apply.mjs" "$(link 1)" --shots "$T/shots" --step confirm
	assert_success
	assert_output --partial "Demande envoyée"
	run ac-structure-request-list
	jq -e '.status == "submitted" and .siret == "21690256800015" and (.aidants | length) == 4
		and .referent.aidant and .structure == null and .applicant.email == "claire.petit@mairie-vaulx.fr"
		and .aidants[3].email == "rows@mairie-vaulx.fr"' <<<"$output"
	if [ -n "${AC_SHOTS:-}" ]; then cp "$T"/shots/*.png "$AC_SHOTS"/; fi
}

@test "ac-habilitation-list: an operator sees every request, filtered; a référent its structures' only (the matrix: an aidant none)" {
	id=$(apply_confirmed)
	ac-structure-request-set "$id" --status accepted > /dev/null
	# a second structure's application, in Brest
	id2=$(apply_confirmed '.applicant.email = "anne@brest.fr" | .structure.siret = "73282932000074"
		| .structure.name = "France services Brest" | .structure.zipcode = "29200" | .structure.city = "Brest"
		| .referent.email = "ref@brest.fr"
		| .aidants = [{"email":"yann@brest.fr","first_name":"Yann","last_name":"Le Goff","profession":"Médiateur"}]')
	ac-structure-request-set "$id2" --status accepted > /dev/null
	run ac-habilitation-list
	assert_success
	[ "$(wc -l <<<"$output")" = 5 ]
	jq -se '.[0] | .id == 1 and .structure == 1 and .structure_name == "Mairie de Vaulx-en-Velin"
		and .email == "paul.roux@mairie-vaulx.fr" and .first_name == "Paul" and .last_name == "Roux"
		and .profession == "Responsable de l'"'"'accueil" and .status == "eligible" and .course == "classic"
		and .trainer == null and .transfer == false and .conseiller_numerique == false
		and .pix_passed == null and .pix_score == null and .trained_on == null and .account == null
		and .departement == "69" and .region == "84" and (.created_at | test("Z$"))' <<<"$output"
	# Brest's: its référent (an aidant too) and Yann
	brest="ref@brest.fr:France services Brest yann@brest.fr:France services Brest "
	[ "$(ac-habilitation-list --departement 29 | jq -r '.email + ":" + .structure_name' | tr '\n' ' ')" = "$brest" ]
	[ "$(ac-habilitation-list --region 53 | jq -r '.email + ":" + .structure_name' | tr '\n' ' ')" = "$brest" ]
	[ "$(ac-habilitation-list --structure 2 | jq -r '.email + ":" + .structure_name' | tr '\n' ' ')" = "$brest" ]
	[ "$(ac-habilitation-list --region 84 | wc -l)" = 3 ]
	[ "$(ac-habilitation-list --status eligible,validated | wc -l)" = 5 ]
	[ -z "$(ac-habilitation-list --status validated,refused)" ]
	run ac-habilitation-list --csv
	assert_success
	[[ ${lines[0]} == id,structure,structure_name,email,first_name,last_name,* ]]
	[ "${#lines[@]}" = 6 ]
	# bad filters: a clear error, exit 1 (acd's 400) or 64 (the tool's own)
	run ac-habilitation-list --status eligible,nope
	assert_failure
	assert_output --partial "status must be one or more"
	run ac-habilitation-list --region 99
	assert_failure
	assert_output --partial "no région"
	run ac-habilitation-list --structure 99
	assert_failure
	assert_output --partial "no such structure"
	# the référent of Vaulx, logged in with its card: its structure's only
	seed=3132333435363738393031323334353637383930
	echo "{\"serial\":\"GADT00000077\",\"seed\":\"$seed\"}" | ac-card-import > /dev/null
	ac-card-link --serial GADT00000077 --email paul.roux@mairie-vaulx.fr --code "$(totp_hex $seed)" > /dev/null
	ac-login --email paul.roux@mairie-vaulx.fr --code "$(totp_hex $seed 60 1)" > /dev/null
	run ac-habilitation-list
	assert_success
	[ "$(jq -r .email <<<"$output" | tr '\n' ' ')" = \
		"paul.roux@mairie-vaulx.fr lea.blanc@mairie-vaulx.fr omar.said@mairie-vaulx.fr " ]
	# Brest's are not there: 404, as if absent
	run ac-habilitation-list --structure 2
	assert_failure
	assert_output --partial "no such structure: 2"
	[ -z "$(ac-habilitation-list --departement 29)" ]
}
