# pg_helpers.bash — a throwaway PostgreSQL cluster for a suite file: made once
# in setup_file (initdb as the postgres user when root), on a Unix socket only
# (no port to pick), a fresh database per test (createdb), stopped by the PID
# postgres wrote in teardown_file.  Load after helpers.
#
# The cluster lives in a folder of its own under /tmp, not in
# $BATS_FILE_TMPDIR: bats makes that one 0700 for root, where the postgres
# user cannot enter, and a Unix socket's path must stay under 108 bytes.

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# The server itself is exec'd as postgres (setpriv), not run under runuser:
# runuser stops itself when its child is stopped, and a SIGSTOP test's
# SIGCONT reaches the server only; a stopped runuser would then hold the
# suite's output open forever after the server is gone.
pg_exec() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }

# pg_cluster_start: initdb and start; exports PG_DIR, PG_SOCK.  Fails loudly
# (never skips) when PostgreSQL is missing: scripts/deps.sh installs it.
pg_cluster_start() {
	[ -x "$PGBIN/initdb" ] || { echo "pg_helpers: PostgreSQL is not installed (scripts/deps.sh)" >&2; return 1; }
	PG_DIR=$(mktemp -d /tmp/ac-pg.XXXXXX)
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data" "$PG_DIR/sock"
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR/data" "$PG_DIR/sock"
	as_pg "$PGBIN/initdb" -D "$PG_DIR/data" -A trust -U postgres > "$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	export PG_DIR PG_SOCK="$PG_DIR/sock"
	pg_server_start
}

# pg_server_start: the postmaster on the existing cluster, waited for until
# it accepts connections; its PID (from postmaster.pid) in PG_PID.
pg_server_start() {
	pg_exec "$PGBIN/postgres" -D "$PG_DIR/data" -k "$PG_SOCK" -c listen_addresses='' \
		-c fsync=off -c max_connections=${PG_MAX_CONNECTIONS:-50} >> "$PG_DIR/pg.log" 2>&1 3>&- &
	local starter=$! i
	for i in $(seq 200); do
		as_pg "$PGBIN/pg_isready" -h "$PG_SOCK" -q && break
		kill -0 "$starter" 2>/dev/null || { cat "$PG_DIR/pg.log" >&2; return 1; }
		sleep 0.05
	done
	as_pg "$PGBIN/pg_isready" -h "$PG_SOCK" -q || { cat "$PG_DIR/pg.log" >&2; return 1; }
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	export PG_PID
}

# pg_server_stop: a fast shutdown (SIGINT: sessions are ended, not waited
# for), waited for until the postmaster is gone.
# The PID is read from postmaster.pid: a test may have restarted the server
# since setup_file exported PG_PID.
pg_server_stop() {
	local pid i
	pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	kill -INT "$pid" 2>/dev/null || true
	for i in $(seq 400); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -QUIT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	PG_PID=
}

# pg_server_pids: the postmaster and its children (backends, background
# workers): what SIGSTOP must reach to make the server stop answering.
pg_server_pids() {
	local pid
	pid=$(head -n 1 "$PG_DIR/data/postmaster.pid")
	echo "$pid" $(ps -o pid= --ppid "$pid")
}

pg_cluster_stop() {
	pg_server_stop
	[ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
}

# pg_newdb: a fresh database for this test; exports PG_DB and PG_URL.
pg_newdb() {
	PG_DB="t$(basename "$BATS_TEST_TMPDIR" | tr -cd 'a-z0-9' | tail -c 20)_$BATS_TEST_NUMBER"
	as_pg "$PGBIN/createdb" -h "$PG_SOCK" -U postgres ${PG_TEMPLATE:+-T "$PG_TEMPLATE"} "$PG_DB"
	export PG_DB PG_URL="postgresql://postgres@/$PG_DB?host=$PG_SOCK"
}

# psql_q "SQL": one unaligned, tuples-only answer from the test's database.
psql_q() {
	as_pg "$PGBIN/psql" -h "$PG_SOCK" -U postgres -d "$PG_DB" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

# pg_acd_start [serve flags...]: acd_start on PostgreSQL: init on a fresh
# database with the key file $T/ac.key, serve, exports OP_SECRET and AC_URL.
pg_acd_start() {
	export T="$BATS_TEST_TMPDIR"
	export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" HOME="$T"
	unset AC_TOKEN
	pg_newdb
	acd init --db "$PG_URL" --key-file "$T/ac.key" --operator "$OP_EMAIL" > "$T/init.json"
	OP_SECRET=$(jq -r .totp_secret "$T/init.json")
	export OP_SECRET
	: > "$T/acd.log"
	acd_serve_ready --db "$PG_URL" --key-file "$T/ac.key" "$@"
}
