# matrix_helpers.bash — the callers and objects of tests/authz_matrix.tsv:
# structures A (1, CCAS de Lyon) and B (2, France services Brest), an aidant
# of A, a référent (and aidant) of A and of B, the operator, an usager in
# their space, and one API token of each scope made by the operator (so that
# only the scope limits it).  Mandate 1 is A's (usager 1), 2 and 3 are B's
# (usager 2; 3 revoked, revocation 1).  Structure request 1 is submitted.
# Habilitation requests 1 and 2 are B's, eligible; training session 1 is to
# come (request 1 registered), session 2 began yesterday (request 1 too).

SEED_AIDANT_A=3132333435363738393031323334353637383930
SEED_REF_A=4142434445464748494a4b4c4d4e4f5051525354
SEED_REF_B=6162636465666768696a6b6c6d6e6f7071727374
SEED_STOCK=0102030405060708090a0b0c0d0e0f1011121314
USAGER_TOKEN=7573616765722d73657373696f6e2d666f722d7468652d6d61747269782d2d31
MATRIX_CALLERS="anon aidant_a ref_a ref_b operator usager stats reminders journal aidants cards habilitations mandates"

# login_as WHO EMAIL SEED: a session of its own for WHO, its token in $T/tok/WHO
login_as() {
	XDG_STATE_HOME="$T/state-$1" ac-login --email "$2" --code "$(totp_hex "$3")" > /dev/null
	cp "$T/state-$1/ac/session" "$T/tok/$1"
}

matrix_setup() {
	acd_start
	op_login
	mkdir -p "$T/tok"
	cp "$XDG_STATE_HOME/ac/session" "$T/tok/operator"
	two_structures
	ac-aidant-add --structure 1 --email aidant.a@lyon.fr --first-name Marie --last-name Martin > /dev/null
	ac-aidant-add --structure 1 --email ref.a@lyon.fr --first-name Rose --last-name Durand --referent > /dev/null
	ac-aidant-add --structure 2 --email ref.b@brest.fr --first-name Yann --last-name Le\ Gall --referent > /dev/null
	ac-aidant-add --structure 2 --email aidant.b@brest.fr --first-name Anne --last-name Kerouac > /dev/null
	printf '%s\n' "{\"serial\":\"GADT00000001\",\"seed\":\"$SEED_AIDANT_A\"}" \
		"{\"serial\":\"GADT00000002\",\"seed\":\"$SEED_REF_A\"}" \
		"{\"serial\":\"GADT00000003\",\"seed\":\"$SEED_REF_B\"}" \
		"{\"serial\":\"GADT00000004\",\"seed\":\"$SEED_STOCK\"}" | ac-card-import > /dev/null
	printf '%s\n' '{"serial":"GADT00000001","email":"aidant.a@lyon.fr"}' \
		'{"serial":"GADT00000002","email":"ref.a@lyon.fr"}' \
		'{"serial":"GADT00000003","email":"ref.b@brest.fr"}' | ac-card-link > /dev/null
	login_as aidant_a aidant.a@lyon.fr "$SEED_AIDANT_A"
	login_as ref_a ref.a@lyon.fr "$SEED_REF_A"
	login_as ref_b ref.b@brest.fr "$SEED_REF_B"
	for s in stats:read reminders:send journal:read aidants:write cards:write habilitations:write mandates:read; do
		ac-token-new --name "matrix ${s%%:*}" --scopes "$s" | jq -r .token > "$T/tok/${s%%:*}"
	done
	ac-client-new --name "Site" --redirect-uri https://rp.example/cb --signing RS256 > /dev/null
	local hash now soon past
	hash=$(printf %s "$USAGER_TOKEN" | sha256sum | cut -c1-64)
	now=$(date +%s)
	soon=$(( now / 60 * 60 + 30 * 86400 )) past=$(( now / 60 * 60 - 86400 ))
	# the mandates as a signature leaves them, and the usager's own session
	db_write <<SQL
BEGIN;
INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, created_at, updated_at)
  VALUES (1, randomblob(32), 'Angela Claire', 'DUBOIS', '1962-08-24', $now, $now),
         (2, randomblob(32), 'Pierre', 'MERCIER', '1969-03-17', $now, $now);
INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration, created_at,
    expires_at, revoked_at, template, attestation_hash)
  VALUES (1, 1, 1, (SELECT id FROM accounts WHERE email = 'aidant.a@lyon.fr'), 'papiers', 'long',
          $now, $now + 365 * 86400, NULL, 'mandat-2', 'aa$(printf '%062d' 1)'),
         (2, 2, 2, (SELECT id FROM accounts WHERE email = 'ref.b@brest.fr'), 'social', 'long',
          $now, $now + 365 * 86400, NULL, 'mandat-2', 'bb$(printf '%062d' 2)'),
         (3, 2, 2, (SELECT id FROM accounts WHERE email = 'ref.b@brest.fr'), 'travail', 'long',
          $now - 86400, $now + 364 * 86400, $now, 'mandat-2', 'cc$(printf '%062d' 3)');
INSERT INTO revocations (id, mandate_id, demarches, whole, revoked_at, account_id, template,
    attestation_hash)
  VALUES (1, 3, 'travail', 1, $now, (SELECT id FROM accounts WHERE email = 'ref.b@brest.fr'),
          'revocation-1', 'dd$(printf '%062d' 4)');
INSERT INTO autorisations (id, mandate_id, demarche, revoked_at, revocation_id)
  VALUES (1, 1, 'papiers', NULL, NULL), (2, 2, 'social', NULL, NULL), (3, 3, 'travail', $now, 1);
INSERT INTO usager_sessions (token_hash, usager_id, created_at, expires_at)
  VALUES (X'$hash', 1, $now, $now + 1800);
INSERT INTO structure_requests (id, status, applicant_email, siret, name, zipcode, departement,
    region, application, created_at, updated_at, submitted_at)
  VALUES (1, 'submitted', 'demande@vaulx.fr', '21690256800015', 'Mairie de Vaulx', '69120', '69',
          '84', '{"applicant":{"email":"demande@vaulx.fr","first_name":"Claire","last_name":"Petit"},'
          || '"structure":{"siret":"21690256800015","name":"Mairie de Vaulx","type":"mairie",'
          || '"address":"Place","zipcode":"69120","city":"Vaulx"},"referent":{"email":"r@vaulx.fr",'
          || '"first_name":"Paul","last_name":"Roux","profession":"Accueil","aidant":false},"aidants":[],'
          || '"declarations":{"cgu":true,"not_free":true,"dpo":true,"professionals_only":true,'
          || '"without_elected":true}}', $now, $now, $now);
INSERT INTO habilitation_requests (id, structure_id, email, first_name, last_name, profession, status,
    created_at, updated_at)
  VALUES (1, 2, 'forme.b@brest.fr', 'Loïc', 'Tanguy', 'Accueil', 'eligible', $now, $now),
         (2, 2, 'autre.b@brest.fr', 'Nolwenn', 'Guivarch', 'Accueil', 'eligible', $now, $now);
INSERT INTO trainings (id, start_local, starts_at, hours, place, remote, capacity, registered, kind,
    organisation, created_at)
  VALUES (1, '$(TZ=Europe/Paris date -d "@$soon" +%Y-%m-%dT%H:%M)', $soon, 7, 'Brest', 0, 5, 1,
          'classic', '', $now),
         (2, '$(TZ=Europe/Paris date -d "@$past" +%Y-%m-%dT%H:%M)', $past, 7, '', 1, 5, 1,
          'classic', '', $now);
INSERT INTO training_registrations (training_id, request_id, attended, created_at)
  VALUES (1, 1, 0, $now), (2, 1, 0, $now);
COMMIT;
SQL
	# the state every cell starts from when the one before it changed something
	acd_stop
	db_save golden
	acd_serve_ready "${ACD_DB[@]}"
}

# matrix_restore: acd on a fresh copy of the golden database.
matrix_restore() {
	acd_stop
	db_restore golden
	acd_serve_ready "${ACD_DB[@]}"
}

# matrix_call WHO METHOD PATH BODY: the HTTP status WHO gets.
matrix_call() {
	local who=$1 method=$2 path=$3 body=$4 args=()
	case $who in
	anon) ;;
	usager) args+=(-H "Cookie: ac_usager=$USAGER_TOKEN") ;;
	*) args+=(-H "Authorization: Bearer $(cat "$T/tok/$who")") ;;
	esac
	if [ "$body" != - ]; then
		case $body in
		'{'*|'['*) args+=(-H 'Content-Type: application/json') ;;
		*) args+=(-H 'Content-Type: application/x-www-form-urlencoded') ;;
		esac
		args+=(--data-binary "$body")
	fi
	curl -s -o "$T/cell.out" -w '%{http_code}' -X "$method" "${args[@]}" "$AC_URL$path"
}
