# helpers.bash — loaded by every .bats file: a real acd on a fresh database in
# the test's temporary folder, on a free loopback port, stopped by its PID.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

OP_EMAIL=operator@anct.gouv.fr

# acd_start [extra serve flags...]: init, serve, log the operator in.
acd_start() {
	export T="$BATS_TEST_TMPDIR"
	export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" HOME="$T"
	unset AC_TOKEN
	acd init --db "$T/ac.db" --operator "$OP_EMAIL" > "$T/init.json"
	OP_SECRET=$(jq -r .totp_secret "$T/init.json")
	export OP_SECRET
	: > "$T/acd.log"
	acd_serve_ready --db "$T/ac.db" "$@"
}

# acd_serve_ready [serve flags...]: acd serve on a port it picks (a later
# --listen in the flags wins), waits for its --ready-file; exports AC_URL.
# With ACD_LATER_DAYS=N, acd runs N days from now (libfaketime).
acd_serve_ready() {
	rm -f "$T/acd.ready"
	faketime_env "${ACD_LATER_DAYS:-0}"
	env "${FAKE_ENV[@]}" acd serve --listen 127.0.0.1:0 --ready-file "$T/acd.ready" "$@" 2>> "$T/acd.log" &
	ACD_PID=$!
	echo "$ACD_PID" > "$T/acd.pid"
	local addr
	addr=$(wait_ready "$T/acd.ready" "$ACD_PID") || { cat "$T/acd.log" >&2; return 1; }
	export AC_URL="http://$addr"
}

# faketime_env DAYS: FAKE_ENV, the environment that runs a command with the
# wall clock DAYS days from now through libfaketime (empty for 0), the
# monotonic clock left alone.  The sanitizers' runtime then is not first in
# the library list, which is fine for this.  The library is preloaded by env,
# not by faketime(1), which would fork: $! of "env ... cmd &" is cmd's PID.
faketime_env() {
	FAKE_ENV=()
	[ "$1" = 0 ] && return 0
	FAKE_ENV=(FAKETIME_DONT_FAKE_MONOTONIC=1 "FAKETIME=+${1}d"
		LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
		"ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")
}
# days_later DAYS cmd...: cmd run DAYS days from now.
days_later() {
	faketime_env "$1"
	shift
	env "${FAKE_ENV[@]}" "$@"
}

acd_stop() {
	[ -f "$BATS_TEST_TMPDIR/acd.pid" ] || return 0
	local pid; pid=$(cat "$BATS_TEST_TMPDIR/acd.pid")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$BATS_TEST_TMPDIR/acd.pid"
	# under make check's sanitizer build, what acd reports at exit fails the test
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$BATS_TEST_TMPDIR/acd.log" 2>/dev/null; then
		grep -A30 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$BATS_TEST_TMPDIR/acd.log" >&2
		return 1
	fi
}

# The current code of a base32 app secret (30 s) or of a hex card seed:
#   totp_b32 SECRET [offset-steps]     totp_hex SEED [step-seconds] [offset-steps] [digits] [alg]
# Both read the clock acd reads: ACD_LATER_DAYS from now when it is set.
acd_now() { echo $(( $(date +%s) + ${ACD_LATER_DAYS:-0} * 86400 )); }
totp_b32() {
	oathtool --totp -b "$1" --now "@$(( $(acd_now) + ${2:-0} * 30 ))"
}
totp_hex() {
	local step=${2:-60}
	oathtool --totp="${5:-sha1}" -s "$step" -d "${4:-6}" "$1" --now "@$(( $(acd_now) + ${3:-0} * step ))"
}

# Logs the operator in (one login per code step: call it once per test).
op_login() {
	ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")" > /dev/null
}

# sql "SELECT ..." against the test database (read-only checks of the state).
sql() {
	sqlite3 -readonly -cmd ".timeout 5000" "$BATS_TEST_TMPDIR/ac.db" "$1"
}

# A digest of everything but the journal and sessions: "nothing changed" checks.
state_digest() {
	sqlite3 -readonly -cmd ".timeout 5000" "$BATS_TEST_TMPDIR/ac.db" \
		"SELECT * FROM structures; SELECT * FROM accounts; SELECT * FROM memberships;
		 SELECT id, serial, kind, state, account_id, structure_id, drift, last_step FROM cards;
		 SELECT * FROM usagers; SELECT id, state, usager_id, expires_at FROM mandate_drafts;
		 SELECT * FROM mandates; SELECT * FROM autorisations; SELECT * FROM revocations;
		 SELECT * FROM habilitation_requests; SELECT * FROM trainings; SELECT * FROM training_registrations;" | sha256sum
}

journal_count() {
	sql "SELECT COUNT(*) FROM journal"
}

# Structure fixtures: valid SIRETs (Luhn).
SIRET_A=12345678901237
SIRET_B=73282932000074

# Two structures the operator creates: 1 CCAS de Lyon, 2 France services Brest.
two_structures() {
	ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon >/dev/null
	ac-structure-new --name "France services Brest" --siret "$SIRET_B" --zipcode 29200 --city Brest >/dev/null
}

# The pipeline's fixture (habilitations, trainings): acd with the SMTP sink,
# the two structures, and Lyon's référent ref@lyon.fr (an aidant with card
# GADT00000001 of LYON_REF_SEED) logged in under $T/ref, for as_lyon_ref.
LYON_REF_SEED=3132333435363738393031323334353637383930
as_lyon_ref() { XDG_STATE_HOME="$T/ref" "$@"; }
lyon_referent_setup() {
	export T="$BATS_TEST_TMPDIR"
	smtp_start
	acd_start --smtp-url "$SMTP_URL"
	op_login
	two_structures
	ac-aidant-add --structure 1 --email ref@lyon.fr --first-name Rose --last-name Lenoir --referent > /dev/null
	echo "{\"serial\":\"GADT00000001\",\"seed\":\"$LYON_REF_SEED\"}" | ac-card-import > /dev/null
	ac-card-link --serial GADT00000001 --email ref@lyon.fr --code "$(totp_hex $LYON_REF_SEED)" > /dev/null
	as_lyon_ref ac-login --email ref@lyon.fr --code "$(totp_hex $LYON_REF_SEED 60 1)" > /dev/null
}

# --- FranceConnect stand-in, SMTP sink ------------------------------------
# Everything started here is stopped by its PID (saved in "$T/NAME.pid").
# Call stop_all from a teardown that started any of them.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# wait_ready FILE PID: waits (10 s at most) for the ready file a server writes
# once it accepts connections, while PID lives; prints its line.
wait_ready() {
	local i
	for i in $(seq 200); do
		if [ -s "$1" ]; then
			cat "$1"
			return 0
		fi
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	echo "wait_ready: $1 never came (process $2 $(kill -0 "$2" 2>/dev/null && echo alive || echo gone))" >&2
	return 1
}

# stop_pidfile FILE: SIGTERM to the PID in FILE, wait for it to be gone (SIGKILL
# after 5 s), remove FILE. Works for a process this shell did not start.
stop_pidfile() {
	[ -f "$1" ] || return 0
	local pid i; pid=$(cat "$1")
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$1"
}

# fc_start [--tamper none|signature|audience|nonce|issuer|expired] [--userinfo-jwt] [--redirect-uri URI...]:
# the FranceConnect stand-in (tests/fc/provider.mjs) for client "aidants-connect",
# its secret in "$T/fc.secret", redirect URI $FC_REDIRECT (set it before, e.g.
# "$PUBLIC_URL/fc/callback"; http://127.0.0.1/PATH, without a port, matches
# acd on whatever port it binds: RFC 8252 §7.3). Exports FC_ISSUER,
# FC_CLIENT_ID, FC_SECRET_FILE.
fc_start() {
	export T="${T:-$BATS_TEST_TMPDIR}"
	export FC_REDIRECT="${FC_REDIRECT:-http://127.0.0.1:1/fc/callback}"
	fc_stop   # one stand-in per test folder
	local extra=()
	while [ $# -gt 0 ]; do
		case $1 in
		--tamper|--redirect-uri) extra+=("$1" "$2"); shift 2 ;;
		--userinfo-jwt) extra+=("$1"); shift ;;
		*) echo "fc_start: unknown argument $1" >&2; return 1 ;;
		esac
	done
	od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$T/fc.secret"
	rm -f "$T/fc.ready"
	node "$REPO/tests/fc/provider.mjs" --port 0 --client-id aidants-connect \
		--client-secret "$(cat "$T/fc.secret")" --redirect-uri "$FC_REDIRECT" "${extra[@]}" \
		--ready-file "$T/fc.ready" > /dev/null 2> "$T/fc.log" 3>&- &
	local pid=$!
	echo "$pid" > "$T/fc.pid"
	local issuer
	if ! issuer=$(wait_ready "$T/fc.ready" "$pid"); then
		echo "fc_start: the provider did not start:" >&2
		cat "$T/fc.log" >&2
		stop_pidfile "$T/fc.pid"
		return 1
	fi
	export FC_ISSUER="$issuer" FC_CLIENT_ID=aidants-connect FC_SECRET_FILE="$T/fc.secret"
}

fc_stop() {
	stop_pidfile "${T:-$BATS_TEST_TMPDIR}/fc.pid"
}

# smtp_start: an SMTP sink (aiosmtpd) storing what it receives in the maildir
# "$T/mail"; exports SMTP_URL=smtp://127.0.0.1:PORT.
smtp_start() {
	export T="${T:-$BATS_TEST_TMPDIR}"
	smtp_stop   # one sink per test folder
	mkdir -p "$T/mail/tmp" "$T/mail/new" "$T/mail/cur"
	rm -f "$T/smtp.ready"
	/usr/bin/python3 "$REPO/tests/smtp-sink.py" "$T/mail" "$T/smtp.ready" > "$T/smtp.log" 2>&1 3>&- &
	local pid=$! addr
	echo "$pid" > "$T/smtp.pid"
	if ! addr=$(wait_ready "$T/smtp.ready" "$pid"); then
		echo "smtp_start: the SMTP sink did not start:" >&2
		cat "$T/smtp.log" >&2
		stop_pidfile "$T/smtp.pid"
		return 1
	fi
	export SMTP_URL="smtp://$addr"
}

smtp_stop() {
	stop_pidfile "${T:-$BATS_TEST_TMPDIR}/smtp.pid"
}

# mail_count: how many messages the sink received.
# wait_mails N: until the sink holds N messages (it writes after acd's reply;
# 10 s at most).
wait_mails() {
	local i
	for i in $(seq 200); do [ "$(mail_count)" -ge "$1" ] && return 0; sleep 0.05; done
	echo "the sink holds $(mail_count) messages, not $1" >&2
	return 1
}

mail_count() {
	find "${T:-$BATS_TEST_TMPDIR}/mail/new" "${T:-$BATS_TEST_TMPDIR}/mail/cur" -type f 2>/dev/null | wc -l
}

# mail_bodies: every received message, oldest first: its headers (decoded), a
# blank line, its text parts (transfer encoding undone), then a line "--".
mail_bodies() {
	/usr/bin/python3 - "${T:-$BATS_TEST_TMPDIR}/mail" <<'PY'
import email, email.policy, os, sys
d = sys.argv[1]
files = [os.path.join(d, sub, f) for sub in ("new", "cur") if os.path.isdir(os.path.join(d, sub))
         for f in os.listdir(os.path.join(d, sub))]
for path in sorted(files, key=lambda p: (os.stat(p).st_mtime_ns, p)):
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    for k, v in msg.items():
        print(f"{k}: {v}")
    print()
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            print(part.get_content().rstrip("\n"))
    print("--")
PY
}

# mail_attachments DIR: the files attached to the received messages, written
# into DIR under their own names (transfer encoding undone); prints
# "TO NAME TYPE" per file, oldest message first.
mail_attachments() {
	/usr/bin/python3 - "${T:-$BATS_TEST_TMPDIR}/mail" "$1" <<'PY'
import email, email.policy, os, sys
d, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
files = [os.path.join(d, sub, f) for sub in ("new", "cur") if os.path.isdir(os.path.join(d, sub))
         for f in os.listdir(os.path.join(d, sub))]
for path in sorted(files, key=lambda p: (os.stat(p).st_mtime_ns, p)):
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    for part in msg.iter_attachments():
        name = os.path.basename(part.get_filename() or "unnamed")
        with open(os.path.join(out, name), "wb") as f:
            f.write(part.get_content())
        print(msg["To"], name, part.get_content_type())
PY
}

# stop_all: acd, the FranceConnect stand-in and the SMTP sink, those started.
stop_all() {
	local rc=0
	acd_stop || rc=1 # what the sanitizers said fails the test, after the rest is stopped
	fc_stop
	smtp_stop
	return $rc
}
