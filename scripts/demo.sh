#!/bin/bash
# make demo: a whole day on a fresh database in a temporary folder — acd init,
# the operator and a référent at work, cards imported and linked, an aidant
# logging in with its card, a mandate signed through FranceConnect (the local
# stand-in, the usager's browser driven headless), its attestation, a renewal,
# a partial revocation; then the mandate used: a démarche site registered as a
# client of acd's identity provider gets the usager's identity through the
# aidant (headless browser), the journal shows the use, the usager revokes the
# mandate from her own space, and the same démarche is refused; a signature at
# a distance, its link and its attestation read from the usager's mailbox (an
# SMTP sink); a departure, and the journal verified; last, a cron job's view:
# a token, the statistics by région, reminders sent once, the /stats page.
# DB=pg (make demo DB=pg): the same day on PostgreSQL, a throwaway cluster
# in the demo's folder (initdb, a Unix socket), stopped by its PID.
set -euo pipefail
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/$B/bin:$PATH"
DIR=$(mktemp -d /tmp/ac-demo.XXXXXX)
DB=${DB:-sqlite}
PG_DIR=
ACD_PID=
FC_PID=
RELAY_PID=
SMTP_PID=
stop() {
	[ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null
	[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null && wait "$RELAY_PID" 2>/dev/null
	[ -n "$ACD_PID" ] && kill "$ACD_PID" 2>/dev/null && wait "$ACD_PID" 2>/dev/null
	[ -n "$FC_PID" ] && kill "$FC_PID" 2>/dev/null && wait "$FC_PID" 2>/dev/null
	[ -n "$PG_DIR" ] && pg_cluster_stop
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

case $DB in
sqlite)
	DB_URL=$DIR/ac.db
	DBARGS=(--db "$DB_URL")
	;;
pg)
	# shellcheck source=tests/pg_helpers.bash
	. "$ROOT/tests/pg_helpers.bash"
	pg_cluster_start
	say "PostgreSQL: a throwaway cluster (initdb in $PG_DIR, a Unix socket only) and an empty database (createdb)"
	as_pg "$PGBIN/createdb" -h "$PG_SOCK" -U postgres aidants
	DB_URL="postgresql://postgres@/aidants?host=$PG_SOCK"
	DBARGS=(--db "$DB_URL" --key-file "$DIR/ac.key")
	;;
*)
	echo "demo: DB=$DB: sqlite or pg" >&2
	exit 64
	;;
esac

say "acd init: a new database, its key file, the first operator (an authenticator app)"
printf '\033[2m$ acd init'
printf ' %s' "${DBARGS[@]}"
printf ' --operator operateur@anct.gouv.fr\033[0m\n'
acd init "${DBARGS[@]}" --operator operateur@anct.gouv.fr | tee "$DIR/init.json"
ls -l "$DIR"

say "The FranceConnect stand-in (oidc-provider, on loopback), an SMTP sink (the usagers' mailboxes), and acd serve, connected to both"
# every server binds a port itself and writes it to its ready file
wait_ready() {
	for _ in $(seq 200); do
		[ -s "$1" ] && { cat "$1"; return 0; }
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	echo "demo: $1 never came" >&2
	return 1
}
od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$DIR/fc.secret"
# a loopback redirect URI without a port: acd's callback on the port it binds (RFC 8252 §7.3)
node "$ROOT/tests/fc/provider.mjs" --port 0 --client-id aidants-connect --client-secret "$(cat "$DIR/fc.secret")" \
	--redirect-uri "http://127.0.0.1/fc/callback" --ready-file "$DIR/fc.ready" 2> "$DIR/fc.log" &
FC_PID=$!
fc_issuer=$(wait_ready "$DIR/fc.ready" "$FC_PID") || { cat "$DIR/fc.log"; exit 1; }
echo "FranceConnect stand-in: $fc_issuer"
mkdir -p "$DIR/mail/tmp" "$DIR/mail/new" "$DIR/mail/cur"
/usr/bin/python3 "$ROOT/tests/smtp-sink.py" "$DIR/mail" "$DIR/smtp.ready" 2> "$DIR/smtp.log" &
SMTP_PID=$!
smtp=$(wait_ready "$DIR/smtp.ready" "$SMTP_PID") || { cat "$DIR/smtp.log"; exit 1; }
echo "SMTP sink: $smtp (maildir $DIR/mail)"
acd serve "${DBARGS[@]}" --listen 127.0.0.1:0 --ready-file "$DIR/acd.ready" --fc-issuer "$fc_issuer" \
	--fc-client-id aidants-connect --fc-client-secret-file "$DIR/fc.secret" --smtp-url "smtp://$smtp" \
	2> "$DIR/acd.log" &
ACD_PID=$!
addr=$(wait_ready "$DIR/acd.ready" "$ACD_PID") || { cat "$DIR/acd.log"; exit 1; }
export AC_URL="http://$addr"
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

say "She cannot add an aidant who was never trained: the aidant role comes from a habilitation"
as referente ac-aidant-add --structure "$S" --email nouvel.aidant@ccas-villeurbanne.fr \
	--first-name Nouvel --last-name Aidant || echo "(exit status $?)"

say "Her three aidants were trained before this service: the operator imports them (journaled as an import)"
cat > "$DIR/aidants.ndjson" <<NDJSON
{"structure":$S,"email":"karim.benali@ccas-villeurbanne.fr","first_name":"Karim","last_name":"Benali","profession":"conseiller numérique"}
{"structure":$S,"email":"lea.dupont@ccas-villeurbanne.fr","first_name":"Léa","last_name":"Dupont","profession":"travailleuse sociale"}
{"structure":$S,"email":"marc.nguyen@ccas-villeurbanne.fr","first_name":"Marc","last_name":"Nguyen","profession":"agent d'accueil"}
NDJSON
as operator ac-aidant-add < "$DIR/aidants.ndjson"

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

say "Karim opens a mandate with an usager at his desk: papers and housing, 12 months"
# Karim's login used this minute's code; the confirmation takes the next one
next_code() { oathtool --totp -s 60 "$(seed_of GADT00055092)" --now "@$(( $(date +%s) + 60 * $1 ))"; }
XDG_STATE_HOME="$DIR/karim" ac-mandate-new --demarches papiers,logement --duration long \
	--confirm-consent --code "$(next_code 1)" --attestation "$DIR/mandat.pdf" \
	> "$DIR/mandate.json" 2> "$DIR/mandate-new.err" &
TOOL_PID=$!
for _ in $(seq 100); do
	url=$(grep -o 'http://[^ ]*/sign/[0-9a-f]*' "$DIR/mandate-new.err" || true)
	[ -n "$url" ] && break
	sleep 0.05
done
printf '\033[2m[karim]$ ac-mandate-new --demarches papiers,logement --duration long --confirm-consent --code ****** --attestation mandat.pdf\033[0m\n'
cat "$DIR/mandate-new.err"

say "The usager opens the link in a browser (headless here) and identifies with FranceConnect"
node "$ROOT/tests/browser/sign.mjs" "$url" --login angela --shots "$DIR/screens" | sed -n '/Identité/,/fermer/p'
wait "$TOOL_PID"
sed -n '4,$p' "$DIR/mandate-new.err"
jq -c . "$DIR/mandate.json"
echo "screenshots of the pages: $DIR/screens/"

say "The paper attestation, printed for the usager to keep"
pdfinfo "$DIR/mandat.pdf" | grep -E '^(Title|Pages|Page size)'
pdftotext "$DIR/mandat.pdf" - | sed -n '1,3p;/^Objet/,/^Logement/p'
hash=$(jq -r .attestation_hash "$DIR/mandate.json")
echo "anyone can check it: $AC_URL/v1/attestations/$hash"
curl -fsS "$AC_URL/v1/attestations/$hash"

say "Later, the mandate is renewed with one more démarche (no FranceConnect step: a fresh code)"
as karim ac-mandate-renew --usager 1 --demarches papiers,logement,social --duration long \
	--code "$("$ROOT/tests/fresh_code.sh" "$DB_URL" GADT00055092 "$(seed_of GADT00055092)")" \
	--attestation "$DIR/renouvellement.pdf" | tee "$DIR/renewed.json" | jq -c '{id, renewal_of, demarches, status}'
M=$(jq .id "$DIR/renewed.json")

say "The usager gives up one démarche: a partial revocation, with its own attestation"
as karim ac-mandate-revoke "$M" --demarches social --attestation "$DIR/revocation.pdf"
pdftotext "$DIR/revocation.pdf" - | grep -A2 'Je soussign' | head -3

say "The operator registers a démarche site as a client of acd's identity provider"
# the site's address, held by tests/relay.py; rp.mjs serves it on the Unix socket behind
/usr/bin/python3 "$ROOT/tests/relay.py" "$DIR/rp.ready" "$DIR/rp.sock" 2> "$DIR/relay.log" &
RELAY_PID=$!
rpaddr=$(wait_ready "$DIR/rp.ready" "$RELAY_PID") || { cat "$DIR/relay.log"; exit 1; }
rpport=${rpaddr##*:}
as operator ac-client-new --name "Demande de logement social (site de démonstration)" \
	--redirect-uri "http://127.0.0.1:$rpport/callback" --signing RS256 > "$DIR/client.json"
jq -c '.client_secret = "<shown this once: handed to the site, not kept>"' "$DIR/client.json"
as operator ac-client-list
echo "what the site reads first: $AC_URL/.well-known/openid-configuration"
curl -fsS "$AC_URL/.well-known/openid-configuration" |
	jq -c '{issuer, authorization_endpoint, token_endpoint, userinfo_endpoint, id_token_signing_alg_values_supported}'

say "On the site, Karim picks \"Aidants Connect\": acd's pages ask his card's code, the usager, the démarche; the site gets her identity"
# rp [rp.mjs options]: the démarche site (tests/oidc/rp.mjs, openid-client) with
# Karim in a headless browser; a fresh code of his card is read when asked
rp() {
	node "$ROOT/tests/oidc/rp.mjs" --client-id "$(jq -r .client_id "$DIR/client.json")" \
		--client-secret "$(jq -r .client_secret "$DIR/client.json")" \
		--redirect-uri "http://127.0.0.1:$rpport/callback" --email karim.benali@ccas-villeurbanne.fr \
		--code-cmd "$ROOT/tests/fresh_code.sh '$DB_URL' GADT00055092 $(seed_of GADT00055092)" \
		--usager DUBOIS --demarche logement --listen-unix "$DIR/rp.sock" "$@"
}
printf '\033[2m[site]$ node tests/oidc/rp.mjs --client-id ac_… --usager DUBOIS --demarche logement --shots oidc/\033[0m\n'
rp --shots "$DIR/oidc" > "$DIR/rp.json" || { cat "$DIR/rp.json"; exit 1; }
jq -r '.steps[] | "  acd page \"\(.h1)\" (\(.status))"
	+ ([.buttons[] | select(.[0] == "usager" or .[0] == "demarche") | .[2] | split("\n")[0]]
	   | if length > 0 then ": " + join(" | ") else "" end)' \
	"$DIR/rp.json"
echo "the ID token ($(jq -r .id_token_header.alg "$DIR/rp.json"), checked by the site against acd's JWKS):"
jq -c '.id_token_claims | {iss, aud, sub: (.sub[:12] + "…"), acr, rep_scope}' "$DIR/rp.json"
echo "userinfo:"
jq -c '.userinfo | {given_name, family_name, birthdate, birthplace, gender}' "$DIR/rp.json"
echo "screenshots of the pages: $DIR/oidc/"

say "The journal records the use of the mandate, with the steps that led to it"
as operator ac-audit | jq -c 'select(.action | IN("token_code", "token_issue", "autorisation_use"))
	| {seq, action, actor, subject, details}'

say "The usager opens her own space (/usager), identifies with FranceConnect, and revokes the mandate herself"
printf '\033[2m[usager] chromium at %s/usager, then "Révoquer" on mandate %s\033[0m\n' "$AC_URL" "$M"
node "$ROOT/tests/browser/usager.mjs" "$AC_URL" --login angela --revoke "Révoquer tout le mandat" \
	--mandate "$M" --shots "$DIR/usager" > "$DIR/usager.txt" || { cat "$DIR/usager.txt"; exit 1; }
sed '/^--- after revoke/,$d' "$DIR/usager.txt" | grep -v '^\s*$' | sed 's/^/  | /'
echo "after the revocation (what changed):"
sed '1,/^--- after revoke/d' "$DIR/usager.txt" | grep -E 'Révocation enregistrée|^Mandat n°|révoquée' | sed 's/^/  | /'
echo "screenshots of her space: $DIR/usager/"
as karim ac-mandate-list --all | jq -c '{id, status, demarches, autorisations: [.autorisations[] | "\(.demarche):\(.status)"]}'
as operator ac-audit | jq -c 'select(.action | IN("autorisation_revoke", "mandate_revoke")) | {seq, action, actor, subject}' | tail -n 3

say "The same démarche, tried again on the site: refused, nothing is given"
printf '\033[2m[site]$ node tests/oidc/rp.mjs --client-id ac_… --usager DUBOIS --demarche logement\033[0m\n'
rc=0
rp --shots "$DIR/oidc-refused" > "$DIR/rp-refused.json" || rc=$?
if [ "$rc" != 1 ]; then
	echo "(not refused as it should be: exit status $rc)"
	cat "$DIR/rp-refused.json"
	exit 1
fi
jq -r 'if .page then "  acd shows \"\(.page.h1)\" (status \(.page.status)): " + (.page.text | gsub("\\s*\n\\s*"; " / ") | .[:300])
	else "  the site got: \(.error) (\(.error_description))" end' "$DIR/rp-refused.json"
as karim ac-usager-list

say "At a distance: Karim mails Pierre a signing link; Pierre signs on his own device"
# the mails of the sink, oldest first: headers, text; attachments saved in $DIR/att
mails() {
	/usr/bin/python3 - "$DIR/mail" "$DIR/att" <<'PY'
import email, email.policy, os, sys
d, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
files = sorted((os.path.join(d, "new", f) for f in os.listdir(os.path.join(d, "new"))),
               key=lambda p: (os.stat(p).st_mtime_ns, p))
for path in files:
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    print(f"To: {msg['To']}\nSubject: {msg['Subject']}")
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            print(part.get_content().rstrip("\n"))
    for part in msg.iter_attachments():
        with open(os.path.join(out, part.get_filename()), "wb") as f:
            f.write(part.get_content())
        print(f"[attached: {part.get_filename()}, {part.get_content_type()}]")
    print("--")
PY
}
printf '\033[2m[karim]$ ac-mandate-new --demarches social --duration semester --send-link pierre.mercier@example.fr --no-credentials-kept --confirm-consent --code ******\033[0m\n'
XDG_STATE_HOME="$DIR/karim" ac-mandate-new --demarches social --duration semester \
	--send-link pierre.mercier@example.fr --no-credentials-kept --confirm-consent \
	--code "$("$ROOT/tests/fresh_code.sh" "$DB_URL" GADT00055092 "$(seed_of GADT00055092)")" \
	> "$DIR/remote.json" 2> "$DIR/remote.err" &
TOOL_PID=$!
for _ in $(seq 100); do
	[ -n "$(ls "$DIR/mail/new")" ] && grep -q "link sent" "$DIR/remote.err" 2>/dev/null && break
	sleep 0.05
done
sed -n '/link sent/p' "$DIR/remote.err"
echo "Pierre's mailbox:"
mails | sed 's/^/  | /'
link=$(mails | grep -o 'http://[^ ]*/sign/[0-9a-f]*' | tail -n 1)
node "$ROOT/tests/browser/sign.mjs" "$link" --login pierre --shots "$DIR/remote-screens" | sed -n '/Identité/,/fermer/p'
wait "$TOOL_PID"
jq -c '{id, remote, no_credentials_kept, attestation_sent, template, usager: .usager.family_name}' "$DIR/remote.json"
echo "The attestation in Pierre's mailbox (the second mail):"
mails | sed -n '/l.attestation de votre mandat/,/^--$/p' | sed 's/^/  | /'
R=$(jq .id "$DIR/remote.json")
pdftotext "$DIR/att/mandat-$R.pdf" - | sed -n '/Il est adress/,/conserve/p;/^Signature à distance/,/mandant\.$/p' | sed 's/^/  | /'
echo "screenshots of Pierre's pages: $DIR/remote-screens/"

say "The auditor exports the journal and verifies it offline"
as operator ac-audit > "$DIR/journal.ndjson"
echo "$(wc -l < "$DIR/journal.ndjson") entries; the last one:"
tail -n 1 "$DIR/journal.ndjson"
printf '\033[2m$ ac-audit --verify < journal.ndjson\033[0m\n'
ac-audit --verify < "$DIR/journal.ndjson"

say "The same export with one entry altered is caught"
# the use of the mandate rewritten: another démarche than the one carried out
sed '/"autorisation_use"/s/"demarche":"logement"/"demarche":"papiers"/' "$DIR/journal.ndjson" > "$DIR/altered.ndjson"
cmp -s "$DIR/journal.ndjson" "$DIR/altered.ndjson" && { echo "(nothing altered)"; exit 1; }
diff "$DIR/journal.ndjson" "$DIR/altered.ndjson" | grep '^>' | cut -c1-160 || true
rc=0
ac-audit --verify < "$DIR/altered.ndjson" || rc=$?
[ "$rc" != 0 ] || { echo "(the altered journal was not caught)"; exit 1; }
echo "(exit status $rc)"

say "A cron job's view: a token that can read statistics and send reminders, nothing else"
(umask 077; as operator ac-token-new --name "cron quotidien" --scopes stats:read,reminders:send |
	jq -r .token > "$DIR/cron.token")
printf '\033[2m$ ac-stats --token-file cron.token --by region | jq ... | column -t\033[0m\n'
ac-stats --token-file "$DIR/cron.token" --by region |
	jq -r '[.region_name, .demarches, .usagers, .mandates_created, .mandates_active, .aidants_habilites] | @tsv' |
	{ printf 'région\tdémarches\tusagers\tmandats\tactifs\taidants\n'; cat; } | column -t -s $'\t'
printf '\033[2m$ ac-reminders-send --token-file cron.token --within 365   # twice: the second sends nothing\033[0m\n'
ac-reminders-send --token-file "$DIR/cron.token" --within 365
echo "(again:)"
ac-reminders-send --token-file "$DIR/cron.token" --within 365
echo "(nothing more to send)"
mkdir -p "$DIR/stats"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,1500 \
	--screenshot="$DIR/stats/stats.png" "$AC_URL/stats" > /dev/null 2>&1 ||
	{ echo "(chromium could not take the /stats screenshot)"; exit 1; }
echo "the public page $AC_URL/stats, screenshot: $DIR/stats/stats.png"

say "A habilitation wave: a mairie applies (JSON from a partner), the applicant confirms by the mailed link"
cat > "$DIR/application.json" <<'JSON'
{"applicant":{"email":"claire.petit@mairie-vaulx.fr","first_name":"Claire","last_name":"Petit"},
 "structure":{"siret":"21690256800015","name":"Mairie de Vaulx-en-Velin","type":"mairie",
   "address":"Place de la Nation","zipcode":"69120","city":"Vaulx-en-Velin"},
 "referent":{"email":"paul.roux@mairie-vaulx.fr","first_name":"Paul","last_name":"Roux",
   "profession":"Responsable de l'accueil","aidant":false},
 "aidants":[{"email":"lea.blanc@mairie-vaulx.fr","first_name":"Léa","last_name":"Blanc","profession":"Agente d'accueil"},
   {"email":"omar.said@mairie-vaulx.fr","first_name":"Omar","last_name":"Saïd","profession":"Conseiller numérique"},
   {"email":"ines.moreau@mairie-vaulx.fr","first_name":"Inès","last_name":"Moreau","profession":"Médiatrice"}],
 "declarations":{"cgu":true,"not_free":true,"dpo":true,"professionals_only":true,"without_elected":true}}
JSON
ac-structure-apply < "$DIR/application.json"
for _ in $(seq 100); do mails | grep -q '/habilitation/[0-9a-f]\{64\}' && break; sleep 0.05; done
link=$(mails | grep -o 'http://[^ ]*/habilitation/[0-9a-f]\{64\}' | tail -n 1)
echo "the confirmation link: ${link%/*}/…"
csrf=$(curl -sS -c "$DIR/jar" -b "$DIR/jar" "$link" | grep -oE 'name="csrf" value="[0-9a-f]{64}"' | grep -oE '[0-9a-f]{64}')
curl -sS -c "$DIR/jar" -b "$DIR/jar" --data-urlencode "csrf=$csrf" "$link" | grep -o 'Demande envoyée' | head -n 1

say "ANCT accepts the submitted applications: the structure, its référent, one habilitation request per aidant (eligible)"
as operator ac-structure-request-list --status submitted | jq -c '{id, status, aidants: (.aidants | length)}'
printf '\033[2m[operator]$ ac-structure-request-list --status submitted | ac-structure-request-set --stdin --status accepted\033[0m\n'
XDG_STATE_HOME="$DIR/operator" ac-structure-request-list --status submitted |
	XDG_STATE_HOME="$DIR/operator" ac-structure-request-set --stdin --status accepted
as operator ac-habilitation-list --status eligible | jq -c '{id, email, status, departement, region}'

say "ANCT schedules a training session; Paul, the new référent, gets his card and registers his three aidants"
start=$(TZ=Europe/Paris date -d '+2 days' +%Y-%m-%dT09:00)
as operator ac-training-new --start "$start" --hours 7 --place "Maison France services, Vaulx-en-Velin" \
	--capacity 12 --organisation "Formateurs du Rhône" | tee "$DIR/training.json"
TR=$(jq .id "$DIR/training.json")
echo '{"serial":"GADT00055095","email":"paul.roux@mairie-vaulx.fr"}' | as operator ac-card-link
as paul ac-login --email paul.roux@mairie-vaulx.fr --code "$(card_code "$(seed_of GADT00055095)")"
printf '\033[2m[paul]$ ac-habilitation-list --status eligible | ac-training-register --training %s\033[0m\n' "$TR"
XDG_STATE_HOME="$DIR/paul" ac-habilitation-list --status eligible |
	XDG_STATE_HOME="$DIR/paul" ac-training-register --training "$TR"
as paul ac-training-list --open | jq -c '{id, start, capacity, registered, seats_left}'

say "Three days later (acd restarted under libfaketime): the session took place"
kill "$ACD_PID" && wait "$ACD_PID" || true
later=$(( $(date +%s) + 3 * 86400 ))
rm -f "$DIR/acd.ready"
env FAKETIME=+3d FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 \
	acd serve "${DBARGS[@]}" --listen 127.0.0.1:0 --ready-file "$DIR/acd.ready" --fc-issuer "$fc_issuer" \
	--fc-client-id aidants-connect --fc-client-secret-file "$DIR/fc.secret" --smtp-url "smtp://$smtp" \
	2>> "$DIR/acd.log" &
ACD_PID=$!
addr=$(wait_ready "$DIR/acd.ready" "$ACD_PID") || { cat "$DIR/acd.log"; exit 1; }
export AC_URL="http://$addr"
as operator ac-login --email operateur@anct.gouv.fr --code "$(oathtool --totp -b "$secret" --now "@$later")"
printf 'email\nlea.blanc@mairie-vaulx.fr\nomar.said@mairie-vaulx.fr\nines.moreau@mairie-vaulx.fr\n' > "$DIR/attended.csv"
echo "the training body's attendance list, then the PIX results file:"
sed 's/^/  | /' "$DIR/attended.csv"
as operator ac-training-attend --training "$TR" --csv < "$DIR/attended.csv" | jq -c '{email, trained_on, changed}'
printf 'email,structure,pix_passed,pix_score\nlea.blanc@mairie-vaulx.fr,2,true,512\nomar.said@mairie-vaulx.fr,2,true,468\nines.moreau@mairie-vaulx.fr,2,true,530\n' > "$DIR/pix.csv"
sed 's/^/  | /' "$DIR/pix.csv"
as operator ac-habilitation-set --stdin --csv < "$DIR/pix.csv" | jq -c '{email, ok, changed}'

say "ANCT validates the trained, PIX-passed requests of the session: a pipeline of the list and set tools"
printf '\033[2m[operator]$ ac-habilitation-list --training %s --status eligible | ac-habilitation-set --stdin --status validated\033[0m\n' "$TR"
XDG_STATE_HOME="$DIR/operator" ac-habilitation-list --training "$TR" --status eligible |
	XDG_STATE_HOME="$DIR/operator" ac-habilitation-set --stdin --status validated | jq -c '{email, status, account, changed}'
echo "Léa's mailbox:"
mails | awk '/^To: lea.blanc@mairie-vaulx.fr/,/^--$/' | sed 's/^/  | /'

say "Léa gets a card from the stock and logs in: an aidant, trained and habilitated"
cseed=$(hexseed)
printf 'serial,seed,step\nGADT00055096,%s,60\n' "$cseed" | as operator ac-card-import --csv
echo '{"serial":"GADT00055096","email":"lea.blanc@mairie-vaulx.fr"}' | as operator ac-card-link
as lea-blanc ac-login --email lea.blanc@mairie-vaulx.fr --code "$(oathtool --totp -s 60 "$cseed" --now "@$later")"
as lea-blanc ac-whoami
as operator ac-audit > "$DIR/journal.ndjson"
echo "the journal of the wave:"
jq -r 'select(.action | test("^(structure_|habilitation_|training_)")) | .action' "$DIR/journal.ndjson" | sort | uniq -c
ac-audit --verify < "$DIR/journal.ndjson"

say "acd's log: one line per request, no secrets"
tail -n 5 "$DIR/acd.log"
