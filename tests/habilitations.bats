#!/usr/bin/env bats
# Aidants' habilitation requests (issue 9 §2): ac-habilitation-new by a
# référent and by an operator, ac-habilitation-set's moves, the PIX results
# file, the training attended, validation making the aidant (and its mails),
# transfers, the pipeline of the list and set tools, bad input.

load helpers

# Lyon's référent (an aidant with a card), logged in under $T/ref.
REF_SEED=$LYON_REF_SEED
as_ref() { as_lyon_ref "$@"; }

setup() {
	lyon_referent_setup
}
teardown() { stop_all; }

# hab_digest: the requests as stored, for "nothing changed" checks.
hab_digest() { sql "SELECT * FROM habilitation_requests ORDER BY id" | sha256sum; }

@test "ac-habilitation-new: a référent asks for its own structure (waitlist), an operator for any (new); the same file twice changes nothing" {
	run as_ref ac-habilitation-new --structure 1 --email Lea.Blanc@Lyon.fr --first-name Léa \
		--last-name Blanc --profession "Agente d'accueil" --conseiller-numerique
	assert_success
	jq -e '.id == 1 and .structure == 1 and .email == "lea.blanc@lyon.fr" and .status == "waitlist"
		and .course == "classic" and .transfer == false and .changed == true' <<<"$output"
	run ac-habilitation-new --structure 2 --email yann@brest.fr --first-name Yann --last-name "Le Goff" \
		--profession Médiateur
	assert_success
	jq -e '.id == 2 and .status == "new" and .changed' <<<"$output"
	# many from stdin, CSV; the same file again: changed:false, the same ids
	printf 'structure,email,first_name,last_name,profession\n1,omar@lyon.fr,Omar,Saïd,Conseiller\n1,lea.blanc@lyon.fr,Léa,Blanc,Agente\n' > "$T/people.csv"
	run as_ref ac-habilitation-new --csv < "$T/people.csv"
	assert_success
	[ "$(jq -c '[.line, .ok, .id, .changed]' <<<"$output" | tr '\n' ' ')" = '[1,true,3,true] [2,true,1,false] ' ]
	journaled=$(sql "SELECT COUNT(*) FROM journal WHERE action = 'habilitation_create'")
	before=$(hab_digest)
	run as_ref ac-habilitation-new --csv < "$T/people.csv"
	assert_success
	[ "$(jq -c '[.id, .changed]' <<<"$output" | tr '\n' ' ')" = '[3,false] [1,false] ' ]
	[ "$(hab_digest)" = "$before" ]
	[ "$journaled" = 3 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'habilitation_create'")" = 3 ]
	[ "$(sql "SELECT actor || ' ' || structure_id || ' ' || subject FROM journal WHERE action = 'habilitation_create' ORDER BY seq LIMIT 1")" = "ref@lyon.fr 1 lea.blanc@lyon.fr" ]
	[ "$(sql "SELECT conseiller_numerique || profession FROM habilitation_requests WHERE id = 1")" = "1Agente d'accueil" ]
	# the référent lists its own structure's, never Brest's
	[ "$(as_ref ac-habilitation-list | jq -r .email | tr '\n' ' ')" = "lea.blanc@lyon.fr omar@lyon.fr " ]
}

@test "ac-habilitation-new: bad input, another structure, an aidant already there: a clear error and nothing changed" {
	before=$(hab_digest)
	journal=$(journal_count)
	nope() { # nope EXIT TEXT CMD...: fails with EXIT, saying TEXT
		local code=$1 text=$2
		shift 2
		run "$@"
		[ "$status" = "$code" ] || { echo "exit $status: $output" >&2; return 1; }
		[[ $output == *"$text"* ]] || { echo "no \"$text\" in: $output" >&2; return 1; }
	}
	nope 1 "no such structure: 2" as_ref ac-habilitation-new --structure 2 --email a@b.fr --first-name A --last-name B --profession P
	nope 1 "no such structure: 9" ac-habilitation-new --structure 9 --email a@b.fr --first-name A --last-name B --profession P
	nope 65 "not a valid email" ac-habilitation-new --structure 1 --email not-an-email --first-name A --last-name B --profession P
	nope 64 "--profession" ac-habilitation-new --structure 1 --email a@b.fr --first-name A --last-name B
	nope 64 "classic" ac-habilitation-new --structure 1 --email a@b.fr --first-name A --last-name B --profession P --course solo
	nope 65 "needs \"trainer\"" ac-habilitation-new --structure 1 --email a@b.fr --first-name A --last-name B --profession P --course p2p
	nope 65 "only a p2p course" ac-habilitation-new --structure 1 --email a@b.fr --first-name A --last-name B --profession P --trainer ref@lyon.fr
	# a trainer must be an active aidant of that structure, with a card
	nope 65 "no active aidant of structure 2" ac-habilitation-new --structure 2 --email a@b.fr --first-name A --last-name B --profession P --course p2p --trainer ref@lyon.fr
	nope 1 "already an aidant of structure 1" ac-habilitation-new --structure 1 --email ref@lyon.fr --first-name R --last-name L --profession P
	# the body itself: unknown field, wrong type, malformed JSON
	run ac-habilitation-new <<<'{"structure":1,"email":"a@b.fr","first_name":"A","last_name":"B","profession":"P","colour":"red"}'
	[ "$status" = 1 ] && [[ $output == *colour* ]]
	run ac-habilitation-new <<<'{"structure":"1","email":"a@b.fr","first_name":"A","last_name":"B","profession":"P"}'
	[ "$status" = 1 ] && [[ $output == *structure* ]]
	run ac-habilitation-new <<<'{"structure":1,'
	[ "$status" != 0 ]
	# an aidant cannot ask at all
	[ "$(hab_digest)" = "$before" ]
	[ "$(journal_count)" = "$journal" ]
}

@test "ac-habilitation-set: each move of the table by whom it belongs to; any other is 409 bad_transition, nothing changed" {
	for p in a b c d e; do
		ac-habilitation-new --structure 1 --email "$p@lyon.fr" --first-name "$p" --last-name X --profession P > /dev/null
	done
	as_ref ac-habilitation-new --structure 1 --email w@lyon.fr --first-name W --last-name X --profession P > /dev/null # 6: waitlist
	# the référent cancels its own; it cannot make one eligible
	run as_ref ac-habilitation-set 1 --status cancelled_by_referent
	assert_success
	jq -e '.status == "cancelled_by_referent" and .changed' <<<"$output"
	before=$(hab_digest)
	run as_ref ac-habilitation-set 2 --status eligible
	assert_failure 1
	assert_output --partial "a référent cannot make it eligible"
	run as_ref ac-habilitation-set 2 --pix-passed true
	assert_failure
	assert_output --partial "only an operator records"
	[ "$(hab_digest)" = "$before" ]
	# the operator: waitlist -> new -> eligible; refused; cancelled; validated needs training
	[ "$(ac-habilitation-set 6 --status new | jq -r .status)" = new ]
	[ "$(ac-habilitation-set 6 --status eligible | jq -r .status)" = eligible ]
	[ "$(ac-habilitation-set 3 --status refused --message "pas de poste d'accueil" | jq -r .status)" = refused ]
	[ "$(ac-habilitation-set 4 --status eligible_p2p | jq -r .status)" = eligible_p2p ]
	[ "$(ac-habilitation-set 4 --status cancelled | jq -r .status)" = cancelled ]
	# the same status again: changed:false, no journal entry
	journal=$(journal_count)
	[ "$(ac-habilitation-set 6 --status eligible | jq -c '[.status, .changed]')" = '["eligible",false]' ]
	[ "$(journal_count)" = "$journal" ]
	before=$(hab_digest)
	for move in "1 new" "3 eligible" "5 validated" "6 new" "4 validated"; do
		set -- $move
		run ac-habilitation-set "$1" --status "$2"
		assert_failure 1
		assert_output --partial "cannot make it $2"
	done
	run ac-habilitation-set 6 --status validated
	assert_failure 1
	assert_output --partial "no training attended"
	run ac-habilitation-set 6 --status waitlist
	assert_failure 64
	run ac-habilitation-set 99 --status new
	assert_failure 1
	assert_output --partial "no such habilitation request: 99"
	run ac-habilitation-set 6 --trained-on 2999-01-01
	assert_failure 65
	assert_output --partial "after today"
	run ac-habilitation-set 6 --trained-on 2026-02-30
	assert_failure 64
	run ac-habilitation-set 6 --pix-score -3
	assert_failure
	[ "$(hab_digest)" = "$before" ]
	[ "$(sql "SELECT message FROM habilitation_requests WHERE id = 3")" = "pas de poste d'accueil" ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'habilitation_update'")" = 6 ]
}

@test "a wave: the list piped to set, the training attended, the PIX results file, validated: the accounts made, mails sent, a card and a login" {
	for p in lea omar ines; do
		ac-habilitation-new --structure 1 --email "$p@lyon.fr" --first-name "${p^}" --last-name Martin --profession Agent > /dev/null
	done
	# the operators' pipeline: every new request of the Rhône made eligible
	run sh -c 'ac-habilitation-list --departement 69 --status new | ac-habilitation-set --stdin --status eligible'
	assert_success
	[ "$(jq -c '[.id, .status, .changed]' <<<"$output" | tr '\n' ' ')" = '[1,"eligible",true] [2,"eligible",true] [3,"eligible",true] ' ]
	# validated before its training: refused, nothing made
	run ac-habilitation-set 1 --status validated
	assert_failure 1
	assert_output --partial "no training attended yet"
	today=$(date -u +%F)
	ac-habilitation-list --status eligible | ac-habilitation-set --stdin --trained-on "$today" > /dev/null
	run ac-habilitation-set 1 --status validated
	assert_failure 1
	assert_output --partial "PIX is not passed"
	# the PIX results file: email,structure,pix_passed,pix_score
	printf 'email,structure,pix_passed,pix_score\nlea@lyon.fr,1,true,412\nomar@lyon.fr,1,false,120\nines@lyon.fr,1,true,388\nnobody@lyon.fr,1,true,400\n' > "$T/pix.csv"
	run ac-habilitation-set --stdin --csv < "$T/pix.csv"
	assert_failure 1 # one line is nobody's
	[ "$(jq -c '[.line, .ok]' <<<"$output" | tr '\n' ' ')" = '[1,true] [2,true] [3,true] [4,false] ' ]
	assert_output --partial "no open habilitation request for nobody@lyon.fr"
	[ "$(sql "SELECT pix_passed || ':' || pix_score FROM habilitation_requests ORDER BY id" | tr '\n' ' ')" = "1:412 0:120 1:388 " ]
	# imported again: changed:false
	[ "$(ac-habilitation-set --stdin --csv < "$T/pix.csv" | jq -c .changed | head -3 | tr '\n' ' ')" = 'false false false ' ]
	mails=$(mail_count)
	run sh -c 'ac-habilitation-list --status eligible | ac-habilitation-set --stdin --status validated'
	assert_failure 1 # Omar did not pass PIX
	[ "$(jq -c '[.line, .ok, .status]' <<<"$output" | tr '\n' ' ')" = '[1,true,"validated"] [2,false,null] [3,true,"validated"] ' ]
	assert_output --partial "PIX is not passed"
	# the accounts: aidants of Lyon, journaled in the same transaction
	[ "$(sql "SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.structure_id = 1 AND m.is_aidant = 1 ORDER BY a.email" | tr '\n' ' ')" = "ines@lyon.fr lea@lyon.fr ref@lyon.fr " ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'habilitation_validate'")" = 2 ]
	[ "$(sql "SELECT COUNT(*) FROM habilitation_requests WHERE status = 'validated' AND account_id IS NOT NULL")" = 2 ]
	# mails: to each new aidant, and to the structure's référent
	wait_mails $((mails + 4))
	mail_bodies > "$T/mails"
	grep -qx "To: lea@lyon.fr" "$T/mails"
	grep -qx "To: ines@lyon.fr" "$T/mails"
	[ "$(grep -c "^To: ref@lyon.fr$" "$T/mails")" = 2 ]
	grep -q "est validée" "$T/mails"
	grep -q "ac-card-link --serial SERIE --email lea@lyon.fr" "$T/mails"
	# validated again: changed:false, nothing sent
	[ "$(ac-habilitation-set 1 --status validated | jq -c '[.status, .changed]')" = '["validated",false]' ]
	# Léa gets a card exactly as today and logs in
	seed=3132333435363738393031323334353637383931
	echo "{\"serial\":\"GADT00000002\",\"seed\":\"$seed\"}" | ac-card-import > /dev/null
	as_ref ac-card-link --serial GADT00000002 --email lea@lyon.fr --code "$(totp_hex $seed)" > /dev/null
	run env XDG_STATE_HOME="$T/lea" ac-login --email lea@lyon.fr --code "$(totp_hex $seed 60 1)"
	assert_success
	# a closed request takes nothing more
	run ac-habilitation-set 1 --pix-score 500
	assert_failure 1
	assert_output --partial "nothing more is recorded"
}

@test "p2p: eligible_p2p is validated once trained, without PIX; a transfer from another structure without either" {
	run ac-habilitation-new --structure 1 --email paul@lyon.fr --first-name Paul --last-name P --profession Agent \
		--course p2p --trainer ref@lyon.fr
	assert_success
	jq -e '.course == "p2p"' <<<"$output"
	[ "$(sql "SELECT trainer_id = (SELECT id FROM accounts WHERE email = 'ref@lyon.fr') FROM habilitation_requests WHERE id = 1")" = 1 ]
	ac-habilitation-set 1 --status eligible_p2p > /dev/null
	ac-habilitation-set 1 --trained-on "$(date -u +%F)" > /dev/null
	run ac-habilitation-set 1 --status validated
	assert_success
	jq -e '.status == "validated" and .changed and (.account | type) == "number"' <<<"$output"
	# Rose, aidant of Lyon, asked for by Brest: a transfer, validated at once
	run ac-habilitation-new --structure 2 --email ref@lyon.fr --first-name Rose --last-name Lenoir --profession Agent
	assert_success
	jq -e '.transfer == true and .status == "new"' <<<"$output"
	id=$(jq .id <<<"$output")
	run ac-habilitation-set "$id" --status validated
	assert_success
	[ "$(sql "SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.email = 'ref@lyon.fr' AND m.is_aidant = 1 AND m.active = 1")" = 2 ]
}

@test "a validation whose mail cannot be sent stays validated: the reply says so and the tool warns" {
	ac-habilitation-new --structure 1 --email mia@lyon.fr --first-name Mia --last-name Roy --profession Médiatrice > /dev/null
	ac-habilitation-set 1 --status eligible > /dev/null
	ac-habilitation-set 1 --trained-on "$(date +%F)" --pix-passed true --pix-score 400 > /dev/null
	smtp_stop
	run ac-habilitation-set 1 --status validated
	[ "$status" = 1 ] || { echo "exit $status: $output"; false; }
	assert_output --partial "but its mail was not sent"
	jq -e '.status == "validated" and .changed and (.mail_error | length) > 0' <<<"${lines[-1]}"
	[ "$(sql "SELECT h.status || ' ' || m.is_aidant FROM habilitation_requests h JOIN accounts a ON a.email = h.email JOIN memberships m ON m.account_id = a.id AND m.structure_id = 1 WHERE h.id = 1")" = "validated 1" ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'habilitation_validate'")" = 1 ]
}
