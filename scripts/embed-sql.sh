#!/bin/sh
# Turns acd/sql/NNN_name.sql files into a C table of migrations, in order.
set -eu
echo '#include "store.h"'
echo 'const struct migration migrations[] = {'
for f in "$@"; do
	v=$(basename "$f" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
	printf '\t{ %s, "%s",\n' "$v" "$(basename "$f")"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
printf '\t{ 0, 0, 0 }\n'
echo '};'
