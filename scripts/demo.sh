#!/bin/bash
# make demo: a whole day of the foundation on a fresh database in a temporary
# folder — acd init, the operator and a référent at work, cards imported and
# linked, an aidant logging in with its card, a departure, the journal verified.
set -euo pipefail
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/$B/bin:$PATH"
DIR=$(mktemp -d /tmp/ac-demo.XXXXXX)
ACD_PID=
stop() {
	[ -n "$ACD_PID" ] && kill "$ACD_PID" 2>/dev/null && wait "$ACD_PID" 2>/dev/null
	echo "(the demo's files are in $DIR)"
}
trap stop EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# as WHO CMD...: runs CMD with WHO's own session file, echoing it first
as() {
	local who=$1; shift
	printf '\033[2m[%s]$' "$who" >&2
	printf ' %q' "$@" >&2
	printf '\033[0m\n' >&2
	XDG_STATE_HOME="$DIR/$who" "$@"
}
hexseed() { head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
card_code() { oathtool --totp -s 60 "$1"; }

say "acd init: a new database, its key file, the first operator (an authenticator app)"
printf '\033[2m$ acd init --db %s/ac.db --operator operateur@anct.gouv.fr\033[0m\n' "$DIR"
acd init --db "$DIR/ac.db" --operator operateur@anct.gouv.fr | tee "$DIR/init.json"
ls -l "$DIR"

say "acd serve on a free loopback port"
acd serve --db "$DIR/ac.db" --listen 127.0.0.1:0 2> "$DIR/acd.log" &
ACD_PID=$!
for _ in $(seq 100); do
	port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$DIR/acd.log" | grep -o '[0-9]*$' || true)
	[ -n "$port" ] && break
	sleep 0.05
done
export AC_URL="http://127.0.0.1:$port"
echo "AC_URL=$AC_URL"

say "The operator logs in with the code of its app"
secret=$(jq -r .totp_secret "$DIR/init.json")
as operator ac-login --email operateur@anct.gouv.fr --code "$(oathtool --totp -b "$secret")"

say "The operator creates a structure and its référente"
as operator ac-structure-new --name "CCAS de Villeurbanne" --siret 21690266800013 \
	--zipcode 69100 --city Villeurbanne --address "Place Lazare-Goujon" --type ccas | tee "$DIR/structure.json"
S=$(jq .id "$DIR/structure.json")
as operator ac-aidant-add --structure "$S" --email sophie.martin@ccas-villeurbanne.fr \
	--first-name Sophie --last-name Martin --profession "responsable de l'accueil" --referent

say "Card stock arrives from the maker as CSV; the operator imports it"
{
	echo "serial,seed,step"
	for i in 1 2 3 4 5; do echo "GADT0005509$i,$(hexseed),60"; done
} > "$DIR/cards.csv"
cat "$DIR/cards.csv" | sed 's/,[0-9a-f]\{40\},/,<seed>,/'
as operator ac-card-import --csv < "$DIR/cards.csv"

say "The operator links the référente's card (no code: linked, active at first login)"
echo '{"serial":"GADT00055091","email":"sophie.martin@ccas-villeurbanne.fr"}' | as operator ac-card-link

say "The référente logs in with a code from her card"
seed_of() { grep "^$1," "$DIR/cards.csv" | cut -d, -f2; }
as referente ac-login --email sophie.martin@ccas-villeurbanne.fr --code "$(card_code "$(seed_of GADT00055091)")"

say "She adds her three aidants from an NDJSON file"
cat > "$DIR/aidants.ndjson" <<NDJSON
{"structure":$S,"email":"karim.benali@ccas-villeurbanne.fr","first_name":"Karim","last_name":"Benali","profession":"conseiller numérique"}
{"structure":$S,"email":"lea.dupont@ccas-villeurbanne.fr","first_name":"Léa","last_name":"Dupont","profession":"travailleuse sociale"}
{"structure":$S,"email":"marc.nguyen@ccas-villeurbanne.fr","first_name":"Marc","last_name":"Nguyen","profession":"agent d'accueil"}
NDJSON
as referente ac-aidant-add < "$DIR/aidants.ndjson"

say "The operator links their cards in bulk; the same file again changes nothing"
cat > "$DIR/links.ndjson" <<NDJSON
{"serial":"GADT00055092","email":"karim.benali@ccas-villeurbanne.fr"}
{"serial":"GADT00055093","email":"lea.dupont@ccas-villeurbanne.fr"}
{"serial":"GADT00055094","email":"marc.nguyen@ccas-villeurbanne.fr"}
NDJSON
as operator ac-card-link < "$DIR/links.ndjson"
as operator ac-card-link < "$DIR/links.ndjson"

say "Karim logs in with the code his card shows"
as karim ac-login --email karim.benali@ccas-villeurbanne.fr --code "$(card_code "$(seed_of GADT00055092)")"
as karim ac-whoami

say "A wrong code is refused, and says so"
as lea ac-login --email lea.dupont@ccas-villeurbanne.fr --code 000000 || echo "(exit status $?)"

say "Marc leaves the structure: his card goes back to the structure's stock"
as referente ac-aidant-deactivate --email marc.nguyen@ccas-villeurbanne.fr
as referente ac-card-list

say "The auditor exports the journal and verifies it offline"
as operator ac-audit > "$DIR/journal.ndjson"
echo "$(wc -l < "$DIR/journal.ndjson") entries; the last one:"
tail -n 1 "$DIR/journal.ndjson"
printf '\033[2m$ ac-audit --verify < journal.ndjson\033[0m\n'
ac-audit --verify < "$DIR/journal.ndjson"

say "The same export with one entry altered is caught"
sed '3s/"login"/"logout"/; 3s/operateur/operatrice/' "$DIR/journal.ndjson" > "$DIR/altered.ndjson"
ac-audit --verify < "$DIR/altered.ndjson" || echo "(exit status $?)"

say "acd's log: one line per request, no secrets"
tail -n 5 "$DIR/acd.log"
