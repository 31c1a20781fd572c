#!/bin/sh
# Runs the bats suite against the binaries of build folder $1 and ends with
# the plain closing line "N passed, N failed".
set -u
B=${1:-build}
cd "$(dirname "$0")/.." || exit 1
PATH="$PWD/$B/bin:$PATH"
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export PATH LSAN_OPTIONS
out=$(mktemp)
bats --tap --timing tests/*.bats | tee "$out"
rc=$?
pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
rm -f "$out"
echo "$pass passed, $fail failed"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
