#!/bin/sh
# Turns acd/templates/KIND-N.txt files into a C table of attestation
# templates.  The text is embedded byte for byte: its SHA-256 is part of every
# attestation hash, so a file not ending in a newline (which the line-by-line
# copy would change) or holding a carriage return is refused.
set -eu
echo '#include "templates.h"'
echo 'const struct template templates[] = {'
for f in "$@"; do
	if [ -n "$(tail -c 1 "$f")" ]; then
		echo "embed-templates.sh: $f: the last line has no newline" >&2
		exit 1
	fi
	if grep -q "$(printf '\r')" "$f"; then
		echo "embed-templates.sh: $f: carriage returns are not allowed" >&2
		exit 1
	fi
	printf '\t{ "%s",\n' "$(basename "$f" .txt)"
	# "?" is escaped too: "??x" would be a trigraph under -std=c11
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/\t/\\t/g' \
	    -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
printf '\t{ 0, 0 }\n'
echo '};'
