#!/bin/sh
# make fuzz: coverage-guided fuzzing (libFuzzer, clang, under ASan+UBSan) of
# every parser of outside input, one harness per tests/fuzz/NAME.c seeded from
# tests/fuzz/corpus/NAME/, each for FUZZ_S seconds (default 60; FUZZ_SECONDS
# is the old name).  make check runs it with FUZZ_S=10.  The harnesses link
# the real libacd.a and libac.a, built with clang into build-fuzz/.  Prints
# the executions each reached; a crash, a leak or a hang fails, and the input
# that caused it is kept in the work folder (NAME-crash-*, named by libFuzzer).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${FUZZ_S:-${FUZZ_SECONDS:-60}}
B=build-fuzz
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz: $CC is not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
cd "$ROOT"
# a make that runs this script must not hand its own variables (B=, SAN=...)
# or its job server down to this build
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -j2 CC="$CC" SAN=1 FUZZ=1 B="$B" fuzzers
# the leaks of libraries that are not ours (see the file)
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp:print_suppressions=0"
W=$(mktemp -d /tmp/ac-fuzz.XXXXXX)
failed=0
for src in tests/fuzz/*.c; do
	name=$(basename "$src" .c)
	mkdir "$W/$name-corpus"
	[ -d "tests/fuzz/corpus/$name" ] && cp "tests/fuzz/corpus/$name"/* "$W/$name-corpus/"
	# a dictionary, where there is one, gives it the words of the format
	dict=
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# -timeout: an input that takes seconds is a hang, hence a bug
	# shellcheck disable=SC2086
	if ! "$B/fuzz/$name" -max_total_time="$SECS" -timeout=10 -artifact_prefix="$W/$name-" \
		$dict "$W/$name-corpus" > "$W/$name.log" 2>&1; then
		tail -n 40 "$W/$name.log" >&2
		echo "fuzz: $name: FAILED; the input is in $W ($name-crash-*, $name-leak-*, $name-timeout-*)" >&2
		failed=1
		continue
	fi
	runs=$(grep -o 'Done [0-9]* runs' "$W/$name.log" | grep -o '[0-9]*')
	cov=$(grep -o 'cov: [0-9]*' "$W/$name.log" | tail -n 1 | grep -o '[0-9]*')
	echo "fuzz: $name: $runs executions in $SECS s, ${cov:-?} edges covered, nothing found"
done
if [ "$failed" -ne 0 ]; then
	exit 1
fi
rm -rf "$W"
