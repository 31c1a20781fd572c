# helpers.bash — loaded by every .bats file: a real acd on a fresh database in
# the test's temporary folder, on a free loopback port, stopped by its PID.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

OP_EMAIL=operator@anct.gouv.fr

# The engine of this pass: AC_DB=sqlite (default) or pg, the whole suite on
# the PostgreSQL cluster tests/run.sh started (AC_PG_DIR, tests/pg_suite.sh),
# a fresh database per test.  ACD_DB holds the --db (and --key-file) flags of
# the test's database: a restart is `acd_serve_ready "${ACD_DB[@]}" ...`.
AC_DB=${AC_DB:-sqlite}
if [ "$AC_DB" = pg ]; then
	load "$(dirname "${BASH_SOURCE[0]}")/pg_helpers"
	PG_DIR=${AC_PG_DIR:?AC_DB=pg needs the cluster of tests/run.sh (AC_PG_DIR)}
	PG_SOCK=$PG_DIR/sock PG_TEMPLATE=ac_template
fi
# sqlite_only REASON: this test is about SQLite's file itself (its WAL, its
# pages, the sqlite3 shell); on PostgreSQL pg.bats proves the equivalent.
sqlite_only() {
	[ "$AC_DB" = sqlite ] || skip "SQLite's file: $1"
}

# acd_start [extra serve flags...]: init, serve, log the operator in.
acd_start() {
	export T="$BATS_TEST_TMPDIR"
	export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" HOME="$T"
	unset AC_TOKEN
	acd_newdb
	acd init "${ACD_DB[@]}" --operator "$OP_EMAIL" > "$T/init.json"
	OP_SECRET=$(jq -r .totp_secret "$T/init.json")
	export OP_SECRET
	: > "$T/acd.log"
	acd_serve_ready "${ACD_DB[@]}" "$@"
}

# acd_newdb: a fresh, empty database for this test (a second call: another
# one); sets ACD_DB.
acd_newdb() {
	export T="$BATS_TEST_TMPDIR"
	if [ "$AC_DB" = pg ]; then
		rm -f "$T/ac.key"
		PG_N=$(( ${PG_N:-0} + 1 ))
		PG_DB="t$(basename "$T" | tr -cd 'a-z0-9' | tail -c 16)_${BATS_TEST_NUMBER}_$PG_N"
		"$PGBIN/createdb" -h "$PG_SOCK" -U postgres -T "$PG_TEMPLATE" "$PG_DB"
		PG_URL="postgresql://postgres@/$PG_DB?host=$PG_SOCK"
		export PG_DB PG_URL
		ACD_DB=(--db "$PG_URL" --key-file "$T/ac.key")
	else
		rm -f "$T/ac.db" "$T/ac.db-wal" "$T/ac.db-shm" "$T/ac.db.key"
		ACD_DB=(--db "$T/ac.db")
	fi
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
# On PostgreSQL through psql, its booleans (t, f) printed 1 and 0 as sqlite3
# prints them; the SQLite functions the checks use are in ac_template.
sql() {
	if [ "$AC_DB" = pg ]; then
		local out
		out=$("$PGBIN/psql" -h "$PG_SOCK" -U postgres -d "$PG_DB" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1") || return
		[ -z "$out" ] || printf '%s\n' "$out" |
			awk 'BEGIN { FS = OFS = "|" } { for (i = 1; i <= NF; i++) if ($i == "t") $i = 1; else if ($i == "f") $i = 0; print }'
	else
		sqlite3 -readonly -cmd ".timeout 5000" "$BATS_TEST_TMPDIR/ac.db" "$1"
	fi
}

# db_write ["SQL"]: a change made behind acd's back (a clock moved back in a
# row, a value tampered with), the SQL from the argument or stdin.  On
# PostgreSQL, SQLite's blob literals X'..' are written decode('..', 'hex'),
# and foreign keys are checked (the sqlite3 shell leaves them off).
db_write() {
	local q=${1:-$(cat)}
	if [ "$AC_DB" = pg ]; then
		q=$(sed "s/X'\([0-9a-fA-F]*\)'/decode('\1', 'hex')/g" <<<"$q")
		"$PGBIN/psql" -h "$PG_SOCK" -U postgres -d "$PG_DB" -X -q -v ON_ERROR_STOP=1 -c "$q" > /dev/null
	else
		sqlite3 -cmd ".timeout 5000" "$BATS_TEST_TMPDIR/ac.db" "$q" > /dev/null
	fi
}

# acd_purge DAYS [flags]: acd purge on the test's database, DAYS from now;
# its report on stdout, what it says besides (PostgreSQL: that freed rows
# are not zeroed) in $T/purge.err.
acd_purge() {
	local days=$1
	shift
	days_later "$days" acd purge "${ACD_DB[@]}" "$@" 2>> "$BATS_TEST_TMPDIR/purge.err"
}

# db_save NAME, db_restore NAME: a copy of the whole database (acd stopped),
# and the database made that copy again (SQLite: the file; PostgreSQL: a
# database made from it as a template).
db_save() {
	if [ "$AC_DB" = pg ]; then
		"$PGBIN/createdb" -h "$PG_SOCK" -U postgres -T "$PG_DB" "${PG_DB}_$1"
	else
		sqlite3 "$BATS_TEST_TMPDIR/ac.db" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
		cp "$BATS_TEST_TMPDIR/ac.db" "$BATS_TEST_TMPDIR/$1.db"
	fi
}
db_restore() {
	if [ "$AC_DB" = pg ]; then
		"$PGBIN/dropdb" -h "$PG_SOCK" -U postgres "$PG_DB"
		"$PGBIN/createdb" -h "$PG_SOCK" -U postgres -T "${PG_DB}_$1" "$PG_DB"
	else
		rm -f "$BATS_TEST_TMPDIR/ac.db-wal" "$BATS_TEST_TMPDIR/ac.db-shm"
		cp "$BATS_TEST_TMPDIR/$1.db" "$BATS_TEST_TMPDIR/ac.db"
	fi
}

# db_dump: the whole database as text (sqlite3's .dump, pg_dump): "this
# secret is stored nowhere" checks.
db_dump() {
	if [ "$AC_DB" = pg ]; then
		"$PGBIN/pg_dump" -h "$PG_SOCK" -U postgres -d "$PG_DB"
	else
		sqlite3 -readonly -cmd ".timeout 5000" "$BATS_TEST_TMPDIR/ac.db" .dump
	fi
}

# db_write_cmd "SQL": db_write as a shell command line, for a tool that runs
# a command of its own at a given moment.
db_write_cmd() {
	if [ "$AC_DB" = pg ]; then
		printf '%q ' "$PGBIN/psql" -h "$PG_SOCK" -U postgres -d "$PG_DB" -X -q -v ON_ERROR_STOP=1 -c "$1"
	else
		printf '%q ' sqlite3 -cmd ".timeout 5000" "$BATS_TEST_TMPDIR/ac.db" "$1"
	fi
	echo '> /dev/null'
}

# db_files: the files that hold the database's bytes, for "this secret is
# written nowhere" greps: SQLite's file and its WAL; on PostgreSQL a dump.
db_files() {
	if [ "$AC_DB" = pg ]; then
		db_dump > "$BATS_TEST_TMPDIR/db.dump"
		echo "$BATS_TEST_TMPDIR/db.dump"
	else
		ls "$BATS_TEST_TMPDIR"/ac.db*
	fi
}

# A digest of everything but the journal and sessions: "nothing changed" checks.
state_digest() {
	sql "SELECT * FROM structures ORDER BY 1; SELECT * FROM accounts ORDER BY 1; SELECT * FROM memberships ORDER BY 1, 2;
		 SELECT id, serial, kind, state, account_id, structure_id, drift, last_step FROM cards ORDER BY 1;
		 SELECT * FROM usagers ORDER BY 1; SELECT id, state, usager_id, expires_at FROM mandate_drafts ORDER BY 1;
		 SELECT * FROM mandates ORDER BY 1; SELECT * FROM autorisations ORDER BY 1; SELECT * FROM revocations ORDER BY 1;
		 SELECT * FROM habilitation_requests ORDER BY 1; SELECT * FROM trainings ORDER BY 1;
		 SELECT * FROM training_registrations ORDER BY 1, 2;" | sha256sum
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
