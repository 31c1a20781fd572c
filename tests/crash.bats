#!/usr/bin/env bats
# acd killed with SIGKILL at a random moment of a bulk job, CRASH_N times
# each (5 in make check, 20 in make crash): after each crash the database is
# sound, the journal verifies, every request (a batch of up to 1000 lines) was
# applied whole or not at all, and the same file run again finishes the job.
# What must hold holds wherever the kill falls: the moment is random on purpose.

load helpers

CRASH_N=${CRASH_N:-5}

# as_aidant CMD...: CMD with the aidant's session, not the operator's
as_aidant() { XDG_STATE_HOME="$T/aidant" "$@"; }

setup() { acd_start; op_login; }
teardown() { acd_stop; smtp_stop; }

# how many kills fell in the middle of a job (the others after its end)
cuts() { echo "# $(cat "$T/cuts" 2>/dev/null | wc -l) of the kills cut a job short" >&3; }

# kill_during FILE CMD...: runs CMD < FILE in the background, kills acd with
# SIGKILL after a random 0 to 0.25 s, and waits for CMD.
kill_during() {
	local in=$1
	shift
	"$@" < "$in" > "$T/run.out" 2> "$T/run.err" &
	local job=$!
	# a 5,000-line job takes about 0.2 s (more under the sanitizers)
	sleep "0.$(printf %03d $(( RANDOM % 250 )))"
	kill -KILL "$ACD_PID"
	wait "$ACD_PID" 2>/dev/null || true
	wait "$job" || echo "$*" >> "$T/cuts"
	rm -f "$T/acd.pid"
}

# after_crash [serve flags...]: the database checked by acd itself and by
# SQLite, the journal exported and verified, then acd started again.
after_crash() {
	run acd check "${ACD_DB[@]}"
	[ "$status" = 0 ] || { echo "$output" >&2; return 1; }
	[ "$AC_DB" = pg ] || [ "$(sqlite3 "$T/ac.db" 'PRAGMA integrity_check')" = ok ]
	acd_serve_ready "${ACD_DB[@]}" "$@"
	ac-audit > "$T/journal.ndjson"
	ac-audit --verify < "$T/journal.ndjson" | jq -e .ok > /dev/null
}

@test "SIGKILL during a 5,000-card import and a 5,000-card link: whole batches or nothing; re-runs finish the job" {
	ac-structure-new --name "CCAS" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	for i in $(seq "$CRASH_N"); do
		# each round imports another 5,000 cards, and links them to 5,000 new aidants
		seq $(( (i - 1) * 5000 + 1 )) $(( i * 5000 )) |
			awk '{ printf "{\"structure\":1,\"email\":\"aidant%06d@ccas.fr\",\"first_name\":\"A\",\"last_name\":\"N%d\"}\n", $1, $1 }' |
			ac-aidant-add > /dev/null
		seq $(( (i - 1) * 5000 + 1 )) $(( i * 5000 )) |
			awk '{ printf "{\"serial\":\"GADT%08d\",\"seed\":\"%040x\"}\n", $1, $1 * 7919 }' > "$T/cards.ndjson"
		seq $(( (i - 1) * 5000 + 1 )) $(( i * 5000 )) |
			awk '{ printf "{\"serial\":\"GADT%08d\",\"email\":\"aidant%06d@ccas.fr\"}\n", $1, $1 }' > "$T/links.ndjson"
		before=$(sql "SELECT COUNT(*) FROM cards")
		journaled=$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_import'")

		kill_during "$T/cards.ndjson" ac-card-import
		after_crash
		got=$(( $(sql "SELECT COUNT(*) FROM cards") - before ))
		(( got % 1000 == 0 )) || { echo "round $i: $got cards imported: a batch was cut" >&2; return 1; }
		[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_import'")" = $(( journaled + got )) ]
		ac-card-import < "$T/cards.ndjson" > "$T/again.out"
		[ "$(jq -c 'select(.ok and .changed == false)' "$T/again.out" | wc -l)" = "$got" ]
		[ "$(jq -c 'select(.ok and .changed)' "$T/again.out" | wc -l)" = $(( 5000 - got )) ]
		[ "$(sql "SELECT COUNT(*) FROM cards")" = $(( before + 5000 )) ]

		linked=$(sql "SELECT COUNT(*) FROM cards WHERE state = 'linked'")
		kill_during "$T/links.ndjson" ac-card-link
		after_crash
		got=$(( $(sql "SELECT COUNT(*) FROM cards WHERE state = 'linked'") - linked ))
		(( got % 1000 == 0 )) || { echo "round $i: $got cards linked: a batch was cut" >&2; return 1; }
		ac-card-link < "$T/links.ndjson" > "$T/again.out" 2> /dev/null || true
		# a card already linked to that aidant is no change; what the crash
		# cut is done now, and every card of the round is linked
		[ "$(jq -c 'select(.ok and .changed == false)' "$T/again.out" | wc -l)" = "$got" ]
		[ "$(sql "SELECT COUNT(*) FROM cards WHERE state = 'linked' AND serial
			BETWEEN '$(printf 'GADT%08d' $(( (i - 1) * 5000 + 1 )))' AND '$(printf 'GADT%08d' $(( i * 5000 )))'")" = 5000 ]
		[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_link'")" = $(( i * 5000 )) ]
	done
	cuts
}

@test "SIGKILL during a bulk revocation of 5,000 mandates: each revoked once, with its attestation's hash and journal" {
	acd_stop
	acd_newdb
	acd init "${ACD_DB[@]}" --operator "$OP_EMAIL" > "$T/init.json"
	OP_SECRET=$(jq -r .totp_secret "$T/init.json")
	# 5,000 mandates of structure 1 (one in ten revoked already), written
	# by the sqlite3 shell as make bench makes them
	"$BATS_TEST_DIRNAME/../bench/gen-stats.sh" "${ACD_DB[1]}" 1 5000 5000 0
	acd_serve_ready "${ACD_DB[@]}"
	op_login
	seed=6162636465666768696a6b6c6d6e6f7071727374
	echo "{\"serial\":\"GADT00000001\",\"seed\":\"$seed\"}" | ac-card-import > /dev/null
	echo '{"serial":"GADT00000001","email":"aidant1@stats.fr"}' | ac-card-link > /dev/null
	as_aidant ac-login --email aidant1@stats.fr --code "$(totp_hex "$seed")" > /dev/null
	sql "SELECT id FROM mandates WHERE revoked_at IS NULL ORDER BY id" | jq -c '{id: .}' > "$T/revoke.ndjson"
	todo=$(wc -l < "$T/revoke.ndjson")
	[ "$todo" = 4500 ]
	n=$(( 4500 / CRASH_N ))
	for i in $(seq "$CRASH_N"); do
		# each round revokes one more slice (the session survives a restart)
		sed -n "$(( (i - 1) * n + 1 )),$(( i * n ))p" "$T/revoke.ndjson" > "$T/slice.ndjson"
		before=$(sql "SELECT COUNT(*) FROM revocations")
		kill_during "$T/slice.ndjson" as_aidant ac-mandate-revoke
		after_crash
		got=$(( $(sql "SELECT COUNT(*) FROM revocations") - before ))
		# one request (at most 1000 lines): all or nothing
		[ "$got" = 0 ] || [ "$got" = "$n" ] || { echo "round $i: $got of $n revoked: $(cat "$T/run.err")" >&2; return 1; }
		run as_aidant ac-mandate-revoke < "$T/slice.ndjson"
		[ "$(echo "$output" | jq -c 'select(.ok)' | wc -l)" = $(( n - got )) ]
		[ "$(echo "$output" | jq -c 'select(.error.code == "already_revoked")' | wc -l)" = "$got" ]
		# each mandate of the slice revoked once, its autorisations with it
		[ "$(sql "SELECT COUNT(*) FROM revocations WHERE mandate_id IN
			(SELECT id FROM mandates WHERE revoked_at IS NOT NULL)")" = $(( 500 + i * n )) ]
		[ "$(sql "SELECT COUNT(*) FROM (SELECT mandate_id FROM revocations GROUP BY mandate_id HAVING COUNT(*) > 1) AS twice")" = 0 ]
		[ "$(sql "SELECT COUNT(*) FROM autorisations WHERE revoked_at IS NULL AND mandate_id IN
			(SELECT id FROM mandates WHERE revoked_at IS NOT NULL)")" = 0 ]
		[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'mandate_revoke'")" = $(( i * n )) ]
	done
	cuts
}

# logins: POST /v1/session for each body file named on stdin, 8 at a time;
# each answer beside its body (.out) with its status (.status)
logins() {
	xargs -P 8 -I{} sh -c 'curl -s -o "$1.out" -w "%{http_code}" -H "Content-Type: application/json" \
		-d @"$1" "$2/v1/session" > "$1.status"' _ {} "$AC_URL"
}

# aidants_with_cards N: aidants a000001..N of structure 1, each with its
# own linked card (seed a * 7919).
aidants_with_cards() {
	seq "$1" | awk '{ printf "{\"structure\":1,\"email\":\"a%06d@ccas.fr\",\"first_name\":\"A\",\"last_name\":\"N%d\"}\n", $1, $1 }' |
		ac-aidant-add > /dev/null
	seq "$1" | awk '{ printf "{\"serial\":\"GADT%08d\",\"seed\":\"%040x\"}\n", $1, $1 * 7919 }' |
		ac-card-import > /dev/null
	seq "$1" | awk '{ printf "{\"serial\":\"GADT%08d\",\"email\":\"a%06d@ccas.fr\"}\n", $1, $1 }' |
		ac-card-link > /dev/null
}

# login_bodies FIRST LAST: a fresh "$T/login" with one login body per aidant
# (its current code), their names in "$T/bodies".
login_bodies() {
	rm -rf "$T/login"
	mkdir "$T/login"
	for a in $(seq "$1" "$2"); do
		printf '{"email":"a%06d@ccas.fr","code":"%s"}' "$a" \
			"$(totp_hex "$(printf %040x $(( a * 7919 )))")" > "$T/login/$a"
	done
	ls "$T"/login/* > "$T/bodies"
}

# acked_sessions: how many logins of "$T/login" were answered 201, and
# fails unless each has its session (found by its token's hash).
acked_sessions() {
	local f got=0
	: > "$T/hashes"
	for f in "$T"/login/*.status; do
		[ "$(cat "$f")" = 201 ] || continue
		got=$(( got + 1 ))
		jq -j .token "${f%.status}.out" | sha256sum | cut -c1-64 >> "$T/hashes"
	done
	if [ "$got" -gt 0 ]; then
		[ "$(sql "SELECT COUNT(*) FROM sessions WHERE lower(hex(token_hash)) IN
			($(sed "s/.*/'&'/" "$T/hashes" | paste -sd,))")" = "$got" ] || return 1
	fi
	echo "$got"
}

@test "SIGKILL during concurrent logins: every acknowledged login's session and journal entry survive" {
	# many distinct aidants logging in at once: their commits are grouped
	acd_stop
	acd_serve_ready "${ACD_DB[@]}" --rate-limit 0 # the session of setup's login survives
	ac-structure-new --name "CCAS" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	n=300
	aidants_with_cards $(( CRASH_N * n ))
	acked=0
	for i in $(seq "$CRASH_N"); do
		# each round its own aidants: none of their codes was used before
		login_bodies $(( (i - 1) * n + 1 )) $(( i * n ))
		kill_during "$T/bodies" logins
		after_crash --rate-limit 0
		# every login answered 201 has its session (found by its token's hash)
		got=$(acked_sessions)
		[ "$got" -gt 0 ] || [ -s "$T/cuts" ] || { echo "round $i: no login answered" >&2; return 1; }
		acked=$(( acked + got ))
		# no session without its journal entry, nor the reverse (one transaction)
		[ "$(sql "SELECT COUNT(*) FROM sessions")" = "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login'")" ]
		[ "$(sql "SELECT COUNT(*) FROM sessions")" -ge $(( acked + 1 )) ]
	done
	echo "# $acked logins acknowledged before or between the kills" >&3
	cuts
}

@test "SIGTERM during concurrent logins: every parked login is answered before acd stops, and exits 0" {
	# logins wait for their shared commit parked, without a thread: a stop
	# must let the committer finish and answer them, not drop them
	acd_stop
	acd_serve_ready "${ACD_DB[@]}" --rate-limit 0
	ac-structure-new --name "CCAS" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	n=400
	aidants_with_cards $n
	login_bodies 1 $n
	before=$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login'")
	logins < "$T/bodies" &
	job=$!
	# the stop comes once logins are being committed (polled, no fixed delay)
	for _ in $(seq 500); do
		[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login'")" -gt $(( before + 20 )) ] && break
		sleep 0.01
	done
	kill -TERM "$ACD_PID"
	rc=0
	wait "$ACD_PID" || rc=$?
	wait "$job" || true
	[ "$rc" = 0 ] || { tail -5 "$T/acd.log" >&2; return 1; }
	grep -q 'acd: stopped' "$T/acd.log"
	# each login was answered 201, or refused its connection once acd stopped
	# listening (000): none got an error, none was left without an answer
	sort "$T"/login/*.status | uniq -c >&3
	# (awk: one line per file, the files end without a newline)
	[ -z "$(awk 1 "$T"/login/*.status | grep -v -x -e 201 -e 000)" ]
	got=$(acked_sessions) # each 201 has its session
	[ "$got" -gt 20 ]
	# a connection accepted just before the stop may have its login done and
	# lose the answer (000: outcome unknown, as with any cut connection), but
	# no login answered 201 is missing
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login'")" -ge $(( before + got )) ]
}

@test "SIGKILL while a reminder's mail is being sent: claimed, not lost; due again after the hour, then sent once" {
	acd_stop
	smtp_start
	acd_serve_ready "${ACD_DB[@]}" --smtp-url "$SMTP_URL"
	two_structures
	ac-aidant-add --structure 1 --email aidant@lyon.fr --first-name Marie --last-name Martin > /dev/null
	# a long mandate of Lyon that ends in 20 days: its first reminder is due
	db_write <<'SQL'
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  VALUES (1, randomblob(32), 'Angela', 'DUBOIS', '1962-08-24', strftime('%s'), strftime('%s'));
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, template, attestation_hash)
  VALUES (1, 1, 1, (SELECT id FROM accounts WHERE email = 'aidant@lyon.fr'), 'papiers', 'long',
    strftime('%s') - 345 * 86400, strftime('%s') + 20 * 86400, 'mandat-2', lower(hex(randomblob(32))));
INSERT INTO autorisations (id, mandate_id, demarche) VALUES (1, 1, 'papiers');
SQL
	# the mail server stops answering (SIGSTOP): acd claims the reminder and
	# waits in the SMTP conversation, where it is killed
	kill -STOP "$(cat "$T/smtp.pid")"
	ac-reminders-send > "$T/run.out" 2> "$T/run.err" &
	job=$!
	for _ in $(seq 100); do
		[ "$(sql "SELECT COUNT(*) FROM reminders")" = 1 ] && break
		sleep 0.1
	done
	[ "$(sql "SELECT COUNT(*) FROM reminders WHERE sent_at IS NULL")" = 1 ]
	kill -KILL "$ACD_PID"
	wait "$job" || true
	rm -f "$T/acd.pid"
	kill -CONT "$(cat "$T/smtp.pid")"
	run acd check "${ACD_DB[@]}"
	assert_success
	# restarted at once: the claim of the dead run holds, nothing goes twice
	acd_serve_ready "${ACD_DB[@]}" --smtp-url "$SMTP_URL"
	run ac-reminders-send
	refute_output --partial '"sent":true'
	# a day later the claim is stale: the reminder goes, once
	acd_stop
	ACD_LATER_DAYS=1 acd_serve_ready "${ACD_DB[@]}" --smtp-url "$SMTP_URL"
	ACD_LATER_DAYS=1 op_login
	run ac-reminders-send
	assert_success
	jq -e '.sent and .mandates == [1]' <<<"$output"
	run ac-reminders-send
	assert_output ""
	[ "$(mail_count)" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'reminder_sent'")" = 1 ]
	ac-audit | ac-audit --verify | jq -e .ok > /dev/null
}
