#!/bin/sh
# Runs the bats suite against the binaries of build folder $1 and ends with
# the plain closing line "N passed, N failed".  AC_SUITES: the .bats files to
# run (default: all, the slowest first).  AC_DB=pg: the same suite on
# PostgreSQL, one throwaway cluster for the pass (tests/pg_suite.sh), a fresh
# database per test; the files about one engine's own machinery run in the
# SQLite pass only (backup: SQLite's backup API; pg, multi: their own clusters).  AC_TEST_JOBS: how many files run at once (default 2,
# with GNU parallel; the tests of one file always run in order).  Each test
# has its own folder, database and ports, so files do not meet.
set -u
B=${1:-build}
cd "$(dirname "$0")/.." || exit 1
PATH="$PWD/$B/bin:$PATH"
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export PATH LSAN_OPTIONS
AC_DB=${AC_DB:-sqlite}
export AC_DB
if [ "$AC_DB" = pg ]; then
	AC_PG_DIR=$(tests/pg_suite.sh start) || { echo "run.sh: the PostgreSQL cluster did not start" >&2; exit 1; }
	export AC_PG_DIR
	trap 'tests/pg_suite.sh stop "$AC_PG_DIR"' EXIT
	trap 'exit 130' INT TERM
fi
out=$(mktemp)
jobs=${AC_TEST_JOBS:-2}
command -v parallel > /dev/null 2>&1 || jobs=1
# The slowest files first (their browser runs and code steps), so that no long
# file starts last and runs alone at the end.
suites=${AC_SUITES:-}
if [ -z "$suites" ]; then
	for f in provider mandates usager mandate_remote cards fc card_support reminders; do
		suites="$suites tests/$f.bats"
	done
	for f in tests/*.bats; do
		case " $suites " in *" $f "*) continue ;; esac
		if [ "$AC_DB" = pg ]; then
			case $f in tests/backup.bats | tests/pg.bats | tests/multi.bats) continue ;; esac
		fi
		suites="$suites $f"
	done
fi
# shellcheck disable=SC2086
# bats's own status, not tee's: a file that dies before its plan ends fails
{ bats --tap --timing --jobs "$jobs" --no-parallelize-within-files $suites; echo $? > "$out.rc"; } | tee "$out"
rc=$(cat "$out.rc" 2>/dev/null || echo 1)
pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
rm -f "$out" "$out.rc"
echo "$pass passed, $fail failed"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
