#!/usr/bin/env bats
# The paper attestations as their reader gets them: the PDFs that the unit
# test writes when ATT_OUT is set, read back with pdftotext and pdfinfo.  No
# acd needed.

load helpers

HASH=5d41402abc4b2a76b9719d911017c592aa1f1e2b9c6d0f2e8a3b4c5d6e7f8091
URL=http://127.0.0.1:8080/v1/attestations/$HASH

setup_file() {
	# the build whose tools tests/run.sh put on PATH, else build/
	local acd b
	acd=$(command -v acd || true)
	b=${acd:+$(dirname "$(dirname "$acd")")}
	local unit=${b:-$BATS_TEST_DIRNAME/../build}/unit/attestation
	[ -x "$unit" ] || { echo "$unit is missing: make unit first" >&2; return 1; }
	ATT_OUT=$BATS_FILE_TMPDIR "$unit" > "$BATS_FILE_TMPDIR/tap"
}

# The text of a PDF on one line: runs of spaces, line breaks and non-breaking
# spaces made one space, so a phrase is found wherever the lines broke.
text() {
	pdftotext "$BATS_FILE_TMPDIR/$1" - | sed 's/\xc2\xa0/ /g' | tr -s ' \n' ' '
}

@test "mandate: the usager, the structure, the démarches, the law, the place and date, the hash" {
	run text mandate.pdf
	assert_success
	for s in "DUBOIS" "Angela Claire Louise" "24 août 1962" "CCAS de Lyon" \
		"1 place de la Comédie" "Papiers – Citoyenneté – Élections" "Logement" \
		"Allocations logement" "12 mois, du 25 novembre 2026 au 25 novembre 2027" \
		"articles 1984 et suivants du Code civil" "aucune mesure de protection juridique" \
		"Fait à Lyon, le 25 novembre 2026" "Signature du mandant" \
		"Signature de l'aidant pour la structure" "$HASH" "$URL" "mandat-2" \
		"Il est remis au mandant, qui le conserve."; do
		assert_output --partial "$s"
	done
	refute_output --partial "Justice"
	refute_output --partial "à distance"
	refute_output --partial "ni conservé aucun identifiant"
}

@test "mandate signed at a distance: mailed, not handed over, and the aidant's declaration" {
	run text mandate-remote.pdf
	assert_success
	for s in "Il est adressé par courrier électronique au mandant, qui le conserve." \
		"Signature à distance" "aucun aidant n'était auprès du mandant" \
		"s'est identifié lui-même avec FranceConnect, sur son propre appareil" \
		"L'aidant déclare n'avoir reçu ni conservé aucun identifiant, mot de passe ou code du mandant." \
		"DUBOIS" "$HASH" "mandat-2"; do
		assert_output --partial "$s"
	done
	refute_output --partial "Il est remis au mandant"
}

@test "mandat-1, the released text, reads as it always did" {
	run text mandate-v1.pdf
	assert_success
	assert_output --partial "ci-dessous. Il est remis au mandant, qui le conserve."
	assert_output --partial "mandat-1"
	refute_output --partial "à distance"
}

@test "mandate: a one-day mandate gives its hours, an unknown birthplace is left out" {
	run text mandate-all.pdf
	assert_success
	assert_output --partial "24 heures, du 25 novembre 2026 à 11 h 00 au 26 novembre 2026 à 11 h 00"
	assert_output --partial "Loisirs – Sport – Culture"
	refute_output --partial "Code du lieu de naissance"
	assert_output --partial "Page 1/"
}

@test "revocation: Je soussigné(e) ... souhaite révoquer, the démarches revoked, what is left" {
	run text revocation.pdf
	assert_success
	for s in "Je soussigné(e) Angela Claire Louise DUBOIS, né(e) le 24 août 1962" \
		"souhaite révoquer le mandat conclu le 25 novembre 2026" \
		"Papiers – Citoyenneté – Élections" "reste en vigueur" \
		"Fait à Lyon, le 4 janvier 2027" "$HASH" "revocation-1"; do
		assert_output --partial "$s"
	done
	refute_output --partial "Logement"
	refute_output --partial "Page 1/"
	run text revocation-whole.pdf
	assert_output --partial "Logement"
	assert_output --partial "le mandat prend fin"
	refute_output --partial "reste en vigueur"
}

@test "every attestation is A4 and says who made it" {
	for f in mandate mandate-all mandate-remote mandate-v1 revocation revocation-whole; do
		run pdfinfo "$BATS_FILE_TMPDIR/$f.pdf"
		assert_success
		assert_output --regexp "Page size: +595.28 x 841.89 pts \(A4\)"
		assert_output --regexp "Author: +Aidants Connect"
	done
}

@test "the QR code of the last page decodes to the verification address" {
	local pdf=$BATS_FILE_TMPDIR/mandate.pdf n
	n=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
	pdftoppm -png -r 100 -f "$n" -l "$n" "$pdf" "$BATS_TEST_TMPDIR/p"
	run zbarimg -q --raw "$BATS_TEST_TMPDIR"/p*.png
	assert_output --partial "$URL"
}
