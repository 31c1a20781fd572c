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
	acd serve --db "$T/ac.db" --listen 127.0.0.1:0 "$@" 2> "$T/acd.log" &
	ACD_PID=$!
	echo "$ACD_PID" > "$T/acd.pid"
	local port="" i
	for i in $(seq 100); do
		port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$T/acd.log" | grep -o '[0-9]*$' || true)
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || { cat "$T/acd.log" >&2; return 1; }
	export AC_URL="http://127.0.0.1:$port"
}

acd_stop() {
	[ -f "$BATS_TEST_TMPDIR/acd.pid" ] || return 0
	local pid; pid=$(cat "$BATS_TEST_TMPDIR/acd.pid")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$BATS_TEST_TMPDIR/acd.pid"
}

# The current code of a base32 app secret (30 s) or of a hex card seed:
#   totp_b32 SECRET [offset-steps]     totp_hex SEED [step-seconds] [offset-steps] [digits] [alg]
totp_b32() {
	oathtool --totp -b "$1" --now "@$(( $(date +%s) + ${2:-0} * 30 ))"
}
totp_hex() {
	local step=${2:-60}
	oathtool --totp="${5:-sha1}" -s "$step" -d "${4:-6}" "$1" --now "@$(( $(date +%s) + ${3:-0} * step ))"
}

# Logs the operator in (one login per code step: call it once per test).
op_login() {
	ac-login --email "$OP_EMAIL" --code "$(totp_b32 "$OP_SECRET")" > /dev/null
}

# sql "SELECT ..." against the test database (read-only checks of the state).
sql() {
	sqlite3 -readonly "$BATS_TEST_TMPDIR/ac.db" "$1"
}

# A digest of everything but the journal and sessions: "nothing changed" checks.
state_digest() {
	sqlite3 -readonly "$BATS_TEST_TMPDIR/ac.db" \
		"SELECT * FROM structures; SELECT * FROM accounts; SELECT * FROM memberships;
		 SELECT id, serial, kind, state, account_id, structure_id, drift, last_step FROM cards;
		 SELECT * FROM usagers; SELECT id, state, usager_id, expires_at FROM mandate_drafts;
		 SELECT * FROM mandates; SELECT * FROM autorisations; SELECT * FROM revocations;" | sha256sum
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
