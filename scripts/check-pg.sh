#!/bin/bash
# make check-pg: does the SQL acd runs also run on PostgreSQL?  (DESIGN §2:
# the store is engine-neutral; only store_sqlite.c may speak SQLite.)
# A throwaway PostgreSQL 15 cluster in a temporary folder, on a Unix socket
# only, takes the migrations, then PREPAREs every statement acd prepared
# while the bats suite ran (acd logs them with ACD_SQL_LOG).  Stopped by PID.
set -euo pipefail
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "check-pg: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
id postgres >/dev/null 2>&1 || { echo "check-pg: no postgres user" >&2; exit 1; }

W=$(mktemp -d /tmp/ac-pg.XXXXXX)
chmod 755 "$W"
PG_PID=
stop() {
	[ -n "$PG_PID" ] && kill "$PG_PID" 2>/dev/null && while kill -0 "$PG_PID" 2>/dev/null; do sleep 0.1; done
	rm -rf "$W"
}
trap stop EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# 1. the statements: the suite runs with every acd logging what it prepares
export ACD_SQL_LOG="$W/statements.log"
: > "$ACD_SQL_LOG"; chmod 666 "$ACD_SQL_LOG"
"$ROOT/tests/run.sh" "$B" > "$W/suite.log" 2>&1 || { tail -n 5 "$W/suite.log" >&2; echo "check-pg: the suite failed" >&2; exit 1; }
sort -u "$ACD_SQL_LOG" > "$W/statements.sql"
echo "check-pg: $(wc -l < "$W/statements.sql") distinct statements from the suite"

# 2. the cluster
mkdir "$W/data" "$W/sock"
chown postgres "$W/data" "$W/sock" 2>/dev/null || true
as_pg "$PGBIN/initdb" -D "$W/data" -A trust -U postgres > "$W/initdb.log"
# exec'd as postgres (no runuser in between): PG_PID is the postmaster's own
pg_exec() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
pg_exec "$PGBIN/postgres" -D "$W/data" -k "$W/sock" -c listen_addresses='' -c fsync=off > "$W/pg.log" 2>&1 &
PG_PID=$!
for _ in $(seq 100); do
	as_pg "$PGBIN/pg_isready" -h "$W/sock" -q && break
	sleep 0.1
done
psql() { as_pg "$PGBIN/psql" -h "$W/sock" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"; }

# 3. the migrations, in order, as acd applies them
psql -c "CREATE TABLE schema_version (version INTEGER NOT NULL)"
for m in "$ROOT"/acd/sql/*.sql; do
	psql -f "$m" || { echo "check-pg: migration $(basename "$m") fails on PostgreSQL" >&2; exit 1; }
done

# 4. every statement must prepare (types inferred, syntax accepted)
bad=0; n=0
while IFS= read -r sql; do
	n=$((n + 1))
	if ! out=$(psql -c "PREPARE s$n AS $sql" 2>&1); then
		bad=$((bad + 1))
		printf 'check-pg: FAILS: %s\n  %s\n' "$sql" "$out" >&2
	fi
done < "$W/statements.sql"
echo "check-pg: $((n - bad)) of $n statements prepare on PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"
[ "$bad" -eq 0 ]
