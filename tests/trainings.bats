#!/usr/bin/env bats
# Training sessions (issue 9 §3): ac-training-new and ac-training-list by an
# operator and a référent, registrations within the capacity (the race for the
# last seat included), unregistering, the seats a cancelled request gives
# back, attendance from the training body's CSV once the session has begun,
# then PIX and validation; bad input and another structure's requests.

load helpers

# Lyon's référent (an aidant with a card), logged in under $T/ref.
REF_SEED=$LYON_REF_SEED
as_ref() { as_lyon_ref "$@"; }

setup() {
	lyon_referent_setup
	# a session three days from now, in Paris time
	START=$(TZ=Europe/Paris date -d '+3 days' +%Y-%m-%dT09:30)
	DAY=${START%T*}
}
teardown() { stop_all; }

# eligible STRUCTURE EMAIL...: habilitation requests made eligible by the
# operator; prints nothing.
eligible() {
	local s=$1 e
	shift
	for e in "$@"; do
		ac-habilitation-new --structure "$s" --email "$e" --first-name "${e%%@*}" --last-name Test \
			--profession Médiatrice | jq -r .id | xargs -I{} ac-habilitation-set {} --status eligible > /dev/null
	done
}

# seats ID: the registered count of a training, as acd lists it.
seats() { ac-training-list | jq -r "select(.id == $1) | .registered"; }

# A digest of the trainings, their registrations and the requests.
training_digest() {
	sql "SELECT * FROM trainings; SELECT * FROM training_registrations; SELECT * FROM habilitation_requests" | sha256sum
}

nope() { # nope EXIT TEXT CMD...: fails with EXIT, saying TEXT
	local code=$1 text=$2
	shift 2
	run "$@"
	[ "$status" = "$code" ] || { echo "exit $status: $output" >&2; return 1; }
	[[ $output == *"$text"* ]] || { echo "no \"$text\" in: $output" >&2; return 1; }
}

@test "ac-training-new: an operator schedules a session, the same again changes nothing; référents list them; bad sessions are refused with nothing changed" {
	run ac-training-new --start "$START" --hours 7 --place "Maison France services, Lyon" --capacity 12 \
		--organisation "Formateurs du Rhône"
	assert_success
	jq -e --arg s "$START" '.id == 1 and .start == $s and .hours == 7 and .capacity == 12 and .remote == false
		and .kind == "classic" and .changed' <<<"$output"
	run ac-training-new --start "$START" --hours 7 --place "Maison France services, Lyon" --capacity 12 \
		--organisation "Formateurs du Rhône"
	assert_success
	jq -e '.id == 1 and .changed == false' <<<"$output"
	run ac-training-new --start "$START" --hours 14 --remote --capacity 30 --kind p2p
	assert_success
	jq -e '.id == 2 and .remote and .place == "" and .kind == "p2p"' <<<"$output"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'training_create'")" = 2 ]
	# the instant in UTC is the Paris time's
	at=$(TZ=Europe/Paris date -d "${START/T/ } " +%s)
	[ "$(sql "SELECT starts_at FROM trainings WHERE id = 1")" = "$at" ]
	# the référent lists them, with their seats left; --from and --open filter
	run as_ref ac-training-list
	assert_success
	[ "$(jq -c '[.id, .seats_left, .open]' <<<"$output" | tr '\n' ' ')" = '[1,12,true] [2,30,true] ' ]
	[ "$(as_ref ac-training-list --from "$(date -d '+10 days' +%F)" | wc -l)" = 0 ]
	[ "$(as_ref ac-training-list --open --from "$DAY" | wc -l)" = 2 ]
	run as_ref ac-training-list --csv
	assert_success
	[[ ${lines[0]} == id,start,starts_at,hours,* ]]
	# only an operator schedules
	nope 77 "only an operator" as_ref ac-training-new --start "$START" --hours 7 --remote --capacity 3
	before=$(training_digest); n=$(journal_count)
	past=$(TZ=Europe/Paris date -d '-1 day' +%Y-%m-%dT09:00)
	nope 65 "is past" ac-training-new --start "$past" --hours 7 --remote --capacity 3
	nope 65 "YYYY-MM-DDTHH:MM" ac-training-new --start "${DAY}T25:00" --hours 7 --remote --capacity 3
	nope 65 "YYYY-MM-DDTHH:MM" ac-training-new --start "$DAY" --hours 7 --remote --capacity 3
	# 02:30 does not exist in Paris on the night clocks go forward (the last Sunday of March)
	y=$(( $(date +%Y) + 1 ))
	spring=$(date -d "$y-03-31 -$(date -d "$y-03-31" +%w) days" +%F)
	nope 65 "YYYY-MM-DDTHH:MM" ac-training-new --start "${spring}T02:30" --hours 7 --remote --capacity 3
	nope 64 "7, 14" ac-training-new --start "$START" --hours 8 --remote --capacity 3
	nope 64 "whole number from 1" ac-training-new --start "$START" --hours 7 --remote --capacity 0
	nope 65 "one of them" ac-training-new --start "$START" --hours 7 --capacity 3
	nope 65 "one of them" ac-training-new --start "$START" --hours 7 --remote --place Lyon --capacity 3
	# in bulk: a wrong type, an unknown column, an unknown kind: each line refused, none made
	printf 'start,hours,remote,capacity,room\n%s,7,true,3,B12\n' "$START" > "$T/bad.csv"
	run ac-training-new --csv < "$T/bad.csv"
	[ "$status" = 1 ]
	jq -e '.ok == false and .error.code == "unknown_field"' <<<"$output"
	run ac-training-new <<<"{\"start\":\"$START\",\"hours\":\"seven\",\"remote\":true,\"capacity\":3}
{\"start\":\"$START\",\"hours\":7,\"remote\":true,\"capacity\":3,\"kind\":\"solo\"}
{\"start\":\"$START\",\"hours\":7,\"remote\":true,\"capacity\":-2}"
	[ "$status" = 1 ]
	[ "$(jq -r .error.code <<<"$output" | tr '\n' ' ')" = "wrong_type bad_kind bad_capacity " ]
	[ "$(training_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "ac-training-register: a référent seats its eligible requests, never another structure's; full, not eligible, twice elsewhere are refused; unregistering gives the seat back" {
	ac-training-new --start "$START" --hours 7 --place Lyon --capacity 2 > /dev/null
	ac-training-new --start "$START" --hours 14 --remote --capacity 5 > /dev/null
	eligible 1 lea@lyon.fr omar@lyon.fr ines@lyon.fr
	eligible 2 yann@brest.fr
	as_ref ac-habilitation-new --structure 1 --email wait@lyon.fr --first-name W --last-name L --profession P > /dev/null
	run as_ref ac-training-register --training 1 --request 1
	assert_success
	jq -e '.training == 1 and .request == 1 and .email == "lea@lyon.fr" and .registered and .changed' <<<"$output"
	# again: changed:false, one seat
	run as_ref ac-training-register --training 1 --request 1
	assert_success
	jq -e '.changed == false' <<<"$output"
	[ "$(seats 1)" = 1 ]
	before=$(training_digest); n=$(journal_count)
	nope 1 "no such habilitation request: 4" as_ref ac-training-register --training 1 --request 4
	nope 1 "no such training: 9" as_ref ac-training-register --training 9 --request 2
	nope 1 "waitlist" as_ref ac-training-register --training 1 --request 5
	nope 1 "in training 1" as_ref ac-training-register --training 2 --request 1
	nope 64 "--training is required" as_ref ac-training-register --request 2
	[ "$(training_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# the pipeline: the list's eligible requests, without a seat, into session 1: one fits
	run bash -c "XDG_STATE_HOME=$T/ref ac-habilitation-list --status eligible | jq -c 'select(.id != 1)' | XDG_STATE_HOME=$T/ref ac-training-register --training 1"
	[ "$status" = 1 ] || { echo "$output"; false; }
	[ "$(jq -c '[.line, .request, .ok, .error.code // .changed]' <<<"$output" | tr '\n' ' ')" = '[1,2,true,true] [2,null,false,"training_full"] ' ]
	[ "$(seats 1)" = 2 ]
	[ "$(as_ref ac-habilitation-list --training 1 | jq -r .email | tr '\n' ' ')" = "lea@lyon.fr omar@lyon.fr " ]
	[ "$(ac-habilitation-list --training 1 --structure 2 | wc -l)" = 0 ]
	nope 1 "no such training: 7" ac-habilitation-list --training 7
	[ "$(sql "SELECT actor || ' ' || structure_id || ' ' || subject FROM journal WHERE action = 'training_register' ORDER BY seq" | tr '\n' ';')" = "ref@lyon.fr 1 lea@lyon.fr;ref@lyon.fr 1 omar@lyon.fr;" ]
	# unregistering gives the seat back, then again changes nothing; Brest's is not Lyon's to move
	ac-training-register --training 1 --request 4 > /dev/null 2>&1 || true
	run as_ref ac-training-unregister --training 1 --request 2
	assert_success
	jq -e '.registered == false and .changed' <<<"$output"
	run as_ref ac-training-unregister --training 1 --request 2
	jq -e '.changed == false' <<<"$output"
	[ "$(seats 1)" = 1 ]
	nope 1 "no such habilitation request: 4" as_ref ac-training-unregister --training 1 --request 4
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'training_unregister'")" = 1 ]
	# the operator seats Brest's; a cancelled request gives its seat back
	run ac-training-register --training 1 --request 4
	assert_success
	[ "$(seats 1)" = 2 ]
	run as_ref ac-habilitation-set 1 --status cancelled_by_referent
	assert_success
	[ "$(seats 1)" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM training_registrations WHERE request_id = 1")" = 0 ]
	[ "$(sql "SELECT json_extract(details, '\$.seats_released') FROM journal WHERE action = 'habilitation_update' ORDER BY seq DESC LIMIT 1")" = 1 ]
}

@test "the last seat under concurrency: eight registrations at once, exactly one seated, the others training_full" {
	ac-training-new --start "$START" --hours 7 --place Lyon --capacity 3 > /dev/null
	eligible 1 a1@lyon.fr a2@lyon.fr b1@lyon.fr b2@lyon.fr b3@lyon.fr b4@lyon.fr b5@lyon.fr b6@lyon.fr b7@lyon.fr b8@lyon.fr
	as_ref ac-training-register --training 1 --request 1 > /dev/null
	as_ref ac-training-register --training 1 --request 2 > /dev/null
	pids=()
	for id in 3 4 5 6 7 8 9 10; do
		as_ref ac-training-register --training 1 --request $id > "$T/r$id.out" 2> "$T/r$id.err" &
		pids+=($!)
	done
	wait "${pids[@]}" || true # (acd is a child too: wait for these only)
	[ "$(cat "$T"/r*.out | jq -s 'map(select(.registered and .changed)) | length')" = 1 ]
	[ "$(grep -l 'is full' "$T"/r*.err | wc -l)" = 7 ]
	[ "$(seats 1)" = 3 ]
	[ "$(sql "SELECT COUNT(*) FROM training_registrations WHERE training_id = 1")" = 3 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'training_register'")" = 3 ]
	ac-audit > "$T/journal.ndjson"
	run ac-audit --verify < "$T/journal.ndjson"
	assert_success
}

@test "ac-training-attend: refused before the session, then the training body's CSV marks each registered request trained on its day; PIX imported; validated" {
	ac-training-new --start "$START" --hours 7 --place Lyon --capacity 5 > /dev/null
	eligible 1 lea@lyon.fr omar@lyon.fr
	as_ref ac-training-register --training 1 --request 1 > /dev/null
	as_ref ac-training-register --training 1 --request 2 > /dev/null
	nope 1 "attendance is recorded once it has begun" ac-training-attend --training 1 --email lea@lyon.fr
	acd_stop
	export ACD_LATER_DAYS=4
	acd_serve_ready "${ACD_DB[@]}" --smtp-url "$SMTP_URL"
	op_login
	as_ref ac-login --email ref@lyon.fr --code "$(totp_hex $REF_SEED 60 2)" > /dev/null
	nope 77 "only an operator" as_ref ac-training-attend --training 1 --email lea@lyon.fr
	# the session has begun: no more seats taken or given back there
	nope 1 "began on" as_ref ac-training-unregister --training 1 --request 2
	before=$(training_digest); n=$(journal_count)
	printf 'email,name\nlea@lyon.fr,Léa\n' > "$T/bad.csv"
	run ac-training-attend --training 1 --csv < "$T/bad.csv"
	[ "$status" = 1 ]
	jq -e '.error.code == "unknown_field"' <<<"$output"
	nope 1 "no open habilitation request registered" ac-training-attend --training 1 --email nobody@lyon.fr
	nope 65 "not a valid email" ac-training-attend --training 1 --email nope
	[ "$(training_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	printf 'email\nLea@Lyon.fr\nomar@lyon.fr\n' > "$T/attended.csv"
	run ac-training-attend --training 1 --csv < "$T/attended.csv"
	assert_success
	[ "$(jq -c '[.request, .trained_on == "'"$DAY"'", .changed]' <<<"$output" | tr '\n' ' ')" = '[1,true,true] [2,true,true] ' ]
	run ac-training-attend --training 1 --csv < "$T/attended.csv"
	[ "$(jq -c .changed <<<"$output" | tr '\n' ' ')" = 'false false ' ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'training_attend'")" = 2 ]
	[ "$(ac-habilitation-list --training 1 | jq -r .trained_on | sort -u)" = "$DAY" ]
	# an attended seat stays: not unregistered, not given back by validation
	nope 1 "attended training 1" ac-training-unregister --training 1 --request 1
	printf 'email,structure,pix_passed,pix_score\nlea@lyon.fr,1,true,512\nomar@lyon.fr,1,false,80\n' > "$T/pix.csv"
	ac-habilitation-set --stdin --csv < "$T/pix.csv" > /dev/null
	run bash -c "ac-habilitation-list --training 1 --status eligible | ac-habilitation-set --stdin --status validated"
	[ "$status" = 1 ]
	[ "$(jq -c '[.line, .ok, .status // .error.code]' <<<"$output" | tr '\n' ' ')" = '[1,true,"validated"] [2,false,"pix_not_passed"] ' ]
	[ "$(sql "SELECT COUNT(*) FROM training_registrations WHERE attended = 1")" = 2 ]
	[ "$(seats 1)" = 2 ]
	# the attendance file again, Léa validated since: the same answer, nothing more
	n=$(journal_count)
	run ac-training-attend --training 1 --csv < "$T/attended.csv"
	assert_success
	[ "$(jq -c '[.request, .changed]' <<<"$output" | tr '\n' ' ')" = '[1,false] [2,false] ' ]
	[ "$(journal_count)" = "$n" ]
}

@test "bulk limits: a 10,001-line body is refused whole on every pipeline route, nothing changed" {
	ac-training-new --start "$START" --hours 7 --place Lyon --capacity 5 > /dev/null
	eligible 1 lea@lyon.fr
	before=$(training_digest); n=$(journal_count)
	post_many() { # post_many ROUTE LINE: 10,001 copies of LINE to ROUTE, the HTTP status
		seq 10001 | sed "s|.*|$2|" > "$T/many.ndjson"
		curl -sS -o "$T/out.json" -w '%{http_code}' -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" \
			-H 'Content-Type: application/x-ndjson' --data-binary @"$T/many.ndjson" "$AC_URL$1"
	}
	for route in /v1/trainings/register /v1/trainings/unregister; do
		[ "$(post_many $route '{"training":1,"request":1}')" = 413 ]
		jq -e '.error.code == "too_many_lines"' "$T/out.json"
	done
	[ "$(post_many /v1/trainings "{\"start\":\"$START\",\"hours\":7,\"remote\":true,\"capacity\":9}")" = 413 ]
	[ "$(post_many /v1/trainings/attend '{"training":1,"email":"lea@lyon.fr"}')" = 413 ]
	[ "$(post_many /v1/habilitation-requests/set '{"id":1,"status":"cancelled"}')" = 413 ]
	[ "$(post_many /v1/habilitation-requests '{"structure":1,"email":"x@lyon.fr","first_name":"X","last_name":"Y","profession":"P"}')" = 413 ]
	[ "$(training_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
	# 10,000 lines are one body
	[ "$(post_many /v1/trainings/register '{"training":1,"request":1}' | head -c0; seq 10000 | sed 's/.*/{"training":1,"request":1}/' > "$T/ok.ndjson"; curl -sS -o "$T/out.ndjson" -w '%{http_code}' -H "Authorization: Bearer $(cat "$XDG_STATE_HOME/ac/session")" -H 'Content-Type: application/x-ndjson' --data-binary @"$T/ok.ndjson" "$AC_URL/v1/trainings/register")" = 200 ]
	[ "$(jq -c 'select(.changed)' "$T/out.ndjson" | wc -l)" = 1 ]
	[ "$(wc -l < "$T/out.ndjson")" = 10000 ]
}
