#!/usr/bin/env bats
# The mandate tools on their own: what they check and refuse before asking acd
# (usage 64, no session 77), their help, their man pages.  The mandate flows
# against acd are in the end-to-end tests.

load helpers

bats_require_minimum_version 1.5.0

MANDATE_TOOLS="ac-mandate-new ac-mandate-list ac-mandate-show ac-mandate-renew ac-mandate-revoke
ac-mandate-attestation ac-usager-list ac-usager-show ac-structure-set"

# refused CODE TEXT CMD...: exits CODE and says TEXT, without asking acd (an
# acd out of reach would make it 69) and without writing on stdout.
refused() {
	local code=$1 text=$2
	shift 2
	AC_URL=http://127.0.0.1:1 AC_TOKEN=not-a-token run --separate-stderr "$@" < /dev/null
	[ "$status" -eq "$code" ] || { echo "exit $status, not $code: $* -> $stderr"; return 1; }
	[[ $stderr == *"$text"* ]] || { echo "\"$text\" not in: $stderr"; return 1; }
	[ -z "$output" ] || { echo "stdout not empty: $output"; return 1; }
}

@test "--help shows each mandate tool's usage and options" {
	for t in $MANDATE_TOOLS; do
		run "$t" --help
		assert_success
		assert_line --partial "usage: $t"
	done
	run ac-mandate-new --help
	assert_output --partial "--demarches LIST"
	assert_output --partial "--confirm-consent"
	assert_output --partial "--send-link EMAIL"
	run ac-mandate-attestation --help
	assert_output --partial "--revocation RID"
	run ac-mandate-list --list-options
	assert_output "$(printf '%s\n' --usager= --status= --expiring-within= --structure= --aidant= --all --csv --token-file= --help --version)"
}

@test "--demarches: unknown, repeated or empty items are refused with the valid codes (64)" {
	refused 64 'unknown démarche "foo"; give one or more of papiers, famille, social, travail, logement, transports, argent, justice, etranger, loisirs' \
		ac-mandate-new --demarches papiers,foo --duration long --confirm-consent
	refused 64 '"papiers" is given twice' ac-mandate-new --demarches papiers,logement,papiers --duration long --confirm-consent
	refused 64 'item 2 of the list is empty' ac-mandate-new --demarches papiers, --duration long --confirm-consent
	refused 64 'item 2 of the list is empty' ac-mandate-renew --usager 1 --demarches papiers,,social --duration long --code 123456
	refused 64 'unknown démarche "Papiers"' ac-mandate-revoke 12 --demarches Papiers
	refused 64 'unknown démarche "everything"' ac-structure-set 3 --demarches everything
	refused 64 '--demarches needs a value' ac-structure-set 3 --demarches ''
}

@test "--duration, --status, ids and codes are checked before any request (64)" {
	refused 64 '--duration must be one of: short (1 day), month (31 days), semester (182 days), long (365 days)' \
		ac-mandate-new --demarches papiers --duration year --confirm-consent
	refused 64 '--duration must be one of' ac-mandate-renew --usager 1 --demarches papiers --duration 365 --code 123456
	refused 64 '--status must be one of: active, expired, revoked' ac-mandate-list --status pending
	refused 64 '--expiring-within: expected a whole number' ac-mandate-list --expiring-within soon
	refused 64 '--usager: expected a whole number' ac-mandate-list --usager me
	refused 64 '--code: a one-time code is 6 or 8 digits' ac-mandate-new --demarches papiers --duration long --confirm-consent --code 12345
	refused 64 '--code: a one-time code is 6 or 8 digits' ac-mandate-renew --usager 1 --demarches papiers --duration long --code 12ab56
	refused 64 '--send-link "not-an-email" is not an email address' \
		ac-mandate-new --demarches papiers --duration long --confirm-consent --send-link not-an-email
	refused 64 'ID: expected an id (a whole number from 1), not "abc"' ac-mandate-show abc
	refused 64 'ID: expected an id' ac-usager-show 0
	refused 64 'ID: expected an id' ac-mandate-revoke -- -4
	refused 64 '--usager: expected an id' ac-mandate-renew --usager x --demarches papiers --duration long --code 123456
	refused 64 '--structure: expected an id' ac-mandate-new --demarches papiers --duration long --structure 1.5 --confirm-consent
	refused 64 '--revocation: expected an id' ac-mandate-attestation --revocation r1 -o x.pdf
}

@test "missing and misplaced operands and options are usage errors (64)" {
	refused 64 'which mandate?' ac-mandate-show
	refused 64 'which usager?' ac-usager-show
	refused 64 'unexpected argument "13"' ac-mandate-show 12 13
	refused 64 'which structure?' ac-structure-set --demarches papiers
	refused 64 'nothing to change: give --demarches, --name' ac-structure-set 3
	refused 64 '--demarches is required' ac-mandate-new --duration long --confirm-consent
	refused 64 '--duration is required' ac-mandate-new --demarches papiers --confirm-consent
	refused 64 '--usager is required' ac-mandate-renew --demarches papiers --duration long --code 123456
	refused 64 '-o FILE is required' ac-mandate-attestation 12
	refused 64 'which attestation?' ac-mandate-attestation -o x.pdf
	refused 64 'not both' ac-mandate-attestation 12 --revocation 4 -o x.pdf
	refused 64 '--demarches goes with one mandate' ac-mandate-revoke --demarches papiers
	refused 64 '--attestation goes with one mandate' ac-mandate-revoke --attestation r.pdf
	refused 64 '--csv reads stdin' ac-mandate-revoke 12 --csv
	refused 64 'unexpected argument' ac-mandate-list 12
}

@test "ac-mandate-new without a terminal asks for --confirm-consent (64), before any draft" {
	# setsid: no controlling terminal, as under cron or in CI
	refused 64 'no terminal to ask for the usager'"'"'s consent on' \
		setsid -w ac-mandate-new --demarches papiers --duration long
	refused 64 'pass --confirm-consent' setsid -w ac-mandate-new --demarches papiers --duration long --code 123456
}

@test "ac-mandate-renew without --code and without a terminal is refused (64)" {
	refused 64 'no terminal to ask the one-time code on: give it with --code' \
		ac-mandate-renew --usager 1 --demarches papiers --duration long
}

@test "attestation files: a folder that is missing or is a folder is refused before the request (64)" {
	d="$BATS_TEST_TMPDIR/pdf"
	mkdir "$d"
	refused 64 'cannot write in /nonexistent' ac-mandate-new --demarches papiers --duration long --confirm-consent \
		--attestation /nonexistent/mandat.pdf
	refused 64 'give a file name, not a folder' ac-mandate-renew --usager 1 --demarches papiers --duration long \
		--code 123456 --attestation "$d"
	refused 64 'cannot write in' ac-mandate-revoke 12 --attestation "$d/no/r.pdf"
	refused 64 'cannot write in' ac-mandate-attestation 12 -o "$d/no/m.pdf"
	[ -z "$(ls -A "$d")" ]
}

@test "ac-mandate-attestation -o - will not write a PDF to a terminal (64)" {
	AC_URL=http://127.0.0.1:1 AC_TOKEN=x script -qec "ac-mandate-attestation 12 -o -" "$BATS_TEST_TMPDIR/tty" > /dev/null || true
	grep -q "standard output is a terminal" "$BATS_TEST_TMPDIR/tty"
	grep -q 'COMMAND_EXIT_CODE="64"' "$BATS_TEST_TMPDIR/tty"
}

@test "not logged in: every mandate tool exits 77 and says to log in, asking acd nothing" {
	acd_start
	n=$(journal_count)
	printf '{"id":12}\n' > "$T/revoke.ndjson"
	for cmd in "ac-mandate-new --demarches papiers --duration long --confirm-consent" \
		"ac-mandate-list --status active" "ac-mandate-show 12" \
		"ac-mandate-renew --usager 1 --demarches papiers --duration long --code 123456" \
		"ac-mandate-revoke 12" "ac-mandate-attestation 12 -o $T/m.pdf" \
		"ac-mandate-attestation --revocation 4 -o -" "ac-usager-list" "ac-usager-show 5" \
		"ac-structure-set 1 --demarches papiers"; do
		run --separate-stderr $cmd < /dev/null
		[ "$status" -eq 77 ] || { echo "$cmd: exit $status: $stderr"; return 1; }
		[[ $stderr == *"log in first (ac-login)"* ]] || { echo "$cmd: $stderr"; return 1; }
		[ -z "$output" ]
	done
	run ac-mandate-revoke < "$T/revoke.ndjson"
	assert_failure 77
	[ ! -e "$T/m.pdf" ]
	[ "$(journal_count)" = "$n" ]
	acd_stop
}

@test "ac dispatches the mandate and usager tools" {
	run ac mandate
	assert_failure 64
	assert_output --partial "needs a verb: new, list, show, renew, revoke, attestation"
	run ac usager
	assert_failure 64
	assert_output --partial "needs a verb: list, show"
	run ac mandate attestation --help
	assert_success
	assert_line --partial "usage: ac-mandate-attestation"
	run ac structure set --help
	assert_line --partial "usage: ac-structure-set"
	run ac help
	assert_output --partial "mandate-revoke"
}

@test "the completions know the démarches, durations and statuses" {
	root="$BATS_TEST_DIRNAME/.."
	run bash -c "source '$root/completions/ac.bash'; COMP_WORDS=(ac-mandate-new --demarches papiers,lo); COMP_CWORD=2; _ac_tool ac-mandate-new; echo \"\${COMPREPLY[*]}\""
	assert_output "papiers,logement papiers,loisirs"
	run bash -c "source '$root/completions/ac.bash'; COMP_WORDS=(ac mandate list --status ''); COMP_CWORD=4; _ac; echo \"\${COMPREPLY[*]}\""
	assert_output "active expired revoked"
	run bash -c "source '$root/completions/ac.bash'; COMP_WORDS=(ac-mandate-renew --duration s); COMP_CWORD=2; _ac_tool ac-mandate-renew; echo \"\${COMPREPLY[*]}\""
	assert_output "short semester"
	grep -q "papiers famille social travail logement transports argent justice etranger loisirs" "$root/completions/_ac"
	grep -q "papiers famille social travail logement transports argent justice etranger loisirs" "$root/completions/ac.fish"
}

@test "man pages: one per tool, rendered without a warning" {
	root="$BATS_TEST_DIRNAME/.."
	for t in $MANDATE_TOOLS; do
		[ -f "$root/man/$t.1" ] || { echo "no man/$t.1"; return 1; }
	done
	for page in "$root"/man/*.[178]; do
		out=$(groff -k -man -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$out" ] || { echo "$page: $out"; return 1; }
	done
	for t in $MANDATE_TOOLS; do
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT '"EXIT STATUS"' ENVIRONMENT EXAMPLES '"SEE ALSO"'; do
			grep -q "^\.SH $s\$" "$root/man/$t.1" || { echo "$t.1 has no $s"; return 1; }
		done
		grep -qF "(\\fB${t//-/\\-}\\fR(1))" "$root/man/ac.1" || { echo "ac(1) does not list $t"; return 1; }
	done
	grep -q '^\.SH MANDATES$' "$root/man/ac.7"
}
