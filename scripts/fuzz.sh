#!/bin/sh
# make fuzz: coverage-guided fuzzing (libFuzzer, clang) of what parses
# untrusted text, each harness for FUZZ_SECONDS (60).  A crash is a bug: the
# input that caused it is kept in the work folder, named by libFuzzer.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${FUZZ_SECONDS:-60}
W=$(mktemp -d /tmp/ac-fuzz.XXXXXX)
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz: $CC is not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -I$ROOT/libac -DAC_VERSION=\"fuzz\" $(pkg-config --cflags jansson)"
libs="$(pkg-config --libs jansson)"

# canon: libac's fast canonical JSON against jansson's, differentially
# shellcheck disable=SC2086
$CC $flags -o "$W/canon" "$ROOT/tests/fuzz/canon.c" "$ROOT/libac/canon.c" $libs
mkdir "$W/canon-corpus"
cp "$ROOT"/tests/fuzz/corpus/canon/* "$W/canon-corpus/"
cd "$W"
if ! "$W/canon" -max_total_time="$SECS" -max_len=1024 "$W/canon-corpus" > "$W/canon.log" 2>&1; then
	tail -n 30 "$W/canon.log" >&2
	echo "fuzz: canon: FAILED; the input is in $W (crash-*)" >&2
	exit 1
fi
echo "fuzz: canon: $(grep -o 'Done [0-9]* runs' "$W/canon.log"), no difference (work folder $W)"
