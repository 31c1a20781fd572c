#!/bin/sh
# make check's passes: the suite on build-san/ under ASan+UBSan (SQLite) in
# the background, and meanwhile in the foreground the suite on build/ on
# SQLite, then again on PostgreSQL (AC_DB=pg: a throwaway cluster for the
# pass, tests/pg_suite.sh).  Most of a test's time is waiting (a browser, a
# code step, a peer starting), so two passes on two cores take about the
# time of the slower one, and the sanitizer pass is about as long as the two
# others.  The sanitizer pass writes to build-san/check.log, printed when it
# ends; each pass ends with its "N passed, N failed" line.
# Then every fuzz harness for 10 s under ASan+UBSan (scripts/fuzz.sh), alone:
# fuzzing takes both cores, which the suites' timings should not share.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:-build}
S=${2:-build-san}

AC_DB=sqlite ASAN_OPTIONS=detect_leaks=1 tests/run.sh "$S" > "$S/check.log" 2>&1 &
san=$!
trap 'kill "$san" 2>/dev/null' INT TERM

echo "== the suite on $B (SQLite)"
AC_DB=sqlite tests/run.sh "$B"
plain=$?
echo "== the suite on $B (PostgreSQL)"
AC_DB=pg tests/run.sh "$B"
pg=$?

wait "$san"
sanrc=$?
echo "== the suite on $S (ASan+UBSan)"
cat "$S/check.log"

echo "== the fuzz harnesses, 10 s each (ASan+UBSan)"
FUZZ_S=10 scripts/fuzz.sh
fuzz=$?
[ "$plain" -eq 0 ] && [ "$pg" -eq 0 ] && [ "$sanrc" -eq 0 ] && [ "$fuzz" -eq 0 ]
