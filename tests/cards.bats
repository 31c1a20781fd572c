#!/usr/bin/env bats
# ac-card-import, -list, -link, -unlink, -enroll, and logging in with cards.
# Structure 1 (Lyon) has référent ref-a and aidant a1; structure 2 (Brest)
# has référent ref-b and aidants b1, b2.  Each person keeps its own session
# folder, so several can be logged in at once: `as ref-a ac-card-list`.

bats_require_minimum_version 1.5.0
load helpers
load card_helpers

setup() {
	card_people_setup
}
teardown() { acd_stop; }

# import SERIAL... : physical cards GADT<n> with seed n, as the operator
import() {
	local n
	for n in "$@"; do printf '{"serial":"GADT%08d","seed":"%s"}\n' "$n" "$(seed "$n")"; done |
		ac-card-import >/dev/null
}

# The référent of Lyon, with card 100 linked by the operator, logged in.
referent_a() {
	import 100
	ac-card-link --serial "$(serial 100)" --email ref-a@lyon.fr >/dev/null
	login ref-a@lyon.fr 100 >/dev/null
}
# Codes of a 60 s card must not straddle a minute boundary in the tests that
# count steps: wait for a fresh minute when less than 12 s are left.
fresh_step() {
	local s=$(( $(date +%s) % 60 ))
	[ "$s" -lt 48 ] || sleep $(( 61 - s ))
}
# db_has HEX: whether the database files contain these bytes (on
# PostgreSQL, its dump: a bytea is written there as hex)
db_has() {
	/usr/bin/python3 - "$1" $(db_files) <<-'EOF'
	import sys
	needle = bytes.fromhex(sys.argv[1])
	sys.exit(0 if any(needle in b or needle.hex().encode() in b.lower()
	                  for b in (open(p, 'rb').read() for p in sys.argv[2:])) else 1)
	EOF
}

@test "every card tool has --help and --version; a usage error exits 64" {
	for t in ac-card-import ac-card-list ac-card-link ac-card-unlink ac-card-enroll; do
		run $t --help
		assert_success
		assert_output --partial "usage: $t"
		run $t --version
		assert_success
		run $t --no-such-option
		assert_failure 64
	done
	run ac-card-unlink --serial X --reason stolen
	assert_failure 64
	run ac-card-list --state lent
	assert_failure 64
	run ac-card-link --serial X
	assert_failure 64
	run ac-card-import --csv --pskc /dev/null
	assert_failure 64
}

@test "import NDJSON: one result per line, bad lines refused, re-run changes nothing" {
	s1=$(seed 1) s2=$(seed 2)
	b32=$(xxd -r -p <<<"$(seed 3)" | base32 | tr -d '=')
	cat > "$T/cards.ndjson" <<-EOF
	{"serial":"GADT00000001","seed":"$s1"}
	{"serial":"GADT00000002","seed":"${s2^^}","digits":8,"step":30,"algorithm":"sha256"}
	{"serial":"GADT00000003","seed_base32":"$b32"}
	{"serial":"GADT00000004","seed":"not hex at all"}
	{"serial":"GADT00000005","seed":"$s1","seed_base32":"$b32"}
	{"serial":"GADT00000006"}
	{"serial":"GADT00000007","seed":"$s1","digits":7}
	{"serial":"GADT00000008","seed":"$s1","step":"60"}
	{"serial":"GADT00000009","seed":"$s1","algorithm":"md5"}
	{"serial":"GADT00000010","seed":"$s1","colour":"blue"}
	{"serial":"GADT00000011","seed":
	{"serial":"GADT00000001","seed":"$s2"}
	EOF
	run ac-card-import < "$T/cards.ndjson"
	assert_failure 1
	assert_equal "${#lines[@]}" 12
	for i in 0 1 2; do jq -e ".line == $((i + 1)) and .ok and .changed == true" <<<"${lines[$i]}"; done
	jq -e '.serial == "GADT00000001"' <<<"${lines[0]}"
	jq -e '.error.code == "bad_seed"' <<<"${lines[3]}"
	jq -e '.error.code == "bad_seed"' <<<"${lines[4]}"
	jq -e '.error.code == "bad_seed"' <<<"${lines[5]}"
	jq -e '.error.code == "bad_digits"' <<<"${lines[6]}"
	jq -e '.error.code == "wrong_type"' <<<"${lines[7]}"
	jq -e '.error.code == "bad_algorithm"' <<<"${lines[8]}"
	jq -e '.error.code == "unknown_field"' <<<"${lines[9]}"
	jq -e '.line == 11 and .ok == false' <<<"${lines[10]}"
	jq -e '.line == 12 and .error.code == "seed_mismatch"' <<<"${lines[11]}"
	[ "$(sql "SELECT COUNT(*) FROM cards WHERE kind = 'physical' AND state = 'stock'")" = 3 ]
	[ "$(sql "SELECT CAST(digits AS TEXT) || step || algorithm FROM cards WHERE serial = 'GADT00000002'")" = 830sha256 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_import'")" = 3 ]
	# no error message echoes a seed
	refute_output --partial "$s1"
	before=$(state_digest) n=$(journal_count)
	head -3 "$T/cards.ndjson" | ac-card-import > "$T/again"
	[ "$(jq -s 'map(select(.ok and .changed == false)) | length' "$T/again")" = 3 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "import CSV; a single JSON object is accepted by the route too" {
	printf 'serial,seed,digits,step\nGADT00000001,%s,6,60\nGADT00000002,%s,8,30\nGADT00000003,zz,6,60\n' \
		"$(seed 1)" "$(seed 2)" > "$T/cards.csv"
	run ac-card-import --csv < "$T/cards.csv"
	assert_failure 1
	jq -e '.ok and .changed' <<<"${lines[1]}"
	jq -e '.error.code == "bad_seed"' <<<"${lines[2]}"
	[ "$(sql "SELECT digits || '/' || step FROM cards WHERE serial = 'GADT00000002'")" = 8/30 ]
	token=$(cat "$XDG_STATE_HOME/ac/session")
	run curl -s -H "Authorization: Bearer $token" -X POST "$AC_URL/v1/cards" \
		-d "{\"serial\":\"GADT00000009\",\"seed\":\"$(seed 9)\"}"
	jq -e '.serial == "GADT00000009" and .changed == true' <<<"$output"
}

@test "import a PSKC file (RFC 6030)" {
	b64=$(xxd -r -p <<<"$(seed 7)" | base64)
	cat > "$T/cards.pskc" <<-EOF
	<?xml version="1.0" encoding="UTF-8"?>
	<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
	  <KeyPackage>
	    <DeviceInfo><Manufacturer>Maker</Manufacturer><SerialNo>GADT00000007</SerialNo></DeviceInfo>
	    <Key Id="k7" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
	      <AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
	      <Data>
	        <Secret><PlainValue>$b64</PlainValue></Secret>
	        <TimeInterval><PlainValue>60</PlainValue></TimeInterval>
	      </Data>
	    </Key>
	  </KeyPackage>
	</KeyContainer>
	EOF
	run ac-card-import --pskc "$T/cards.pskc"
	assert_success
	jq -e '.line == 1 and .serial == "GADT00000007" and .changed == true' <<<"$output"
	# the same card again as NDJSON: the seeds agree
	run ac-card-import <<<"{\"serial\":\"GADT00000007\",\"seed\":\"$(seed 7)\"}"
	assert_success
	jq -e '.changed == false' <<<"$output"
	echo "not xml" > "$T/bad.pskc"
	run ac-card-import --pskc "$T/bad.pskc"
	assert_failure 65
	run ac-card-import --pskc "$T/missing.pskc"
	assert_failure 65
}

@test "a malformed PSKC file: refused by its line number, its seed never echoed" {
	# libxml2 prints the line of a parse error, which here holds the seed
	# (found by tests/fuzz/pskc.c)
	b64=$(xxd -r -p <<<"$(seed 9)" | base64)
	printf '<?xml version="1.0"?>\n<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"><KeyPackage><Key Id="k9"><Data><Secret><PlainValue>%s</PlainValue></Secret></Data></Key></KeyPackage <\n' \
		"$b64" > "$T/broken.pskc"
	run --separate-stderr ac-card-import --pskc "$T/broken.pskc"
	assert_failure 65
	[[ "$stderr" == *"not a PSKC file: malformed XML at line 2"* ]]
	[[ "$stderr" != *"$b64"* && "$stderr" != *PlainValue* ]]
	[ -z "$output" ]
}

@test "TOTP seeds are never in clear in the database, its journal or the log" {
	b32=$(xxd -r -p <<<"$(seed 3)" | base32 | tr -d '=')
	import 1 2
	ac-card-import <<<"{\"serial\":\"GADT00000003\",\"seed_base32\":\"$b32\"}" >/dev/null
	for n in 1 2 3; do
		s=$(seed "$n")
		run db_has "$s"                                        # the raw bytes
		assert_failure
		run db_has "$(printf %s "$s" | xxd -p | tr -d '\n')"   # the hex text
		assert_failure
		run grep -qai "$s" $(db_files) "$T/acd.log"
		assert_failure
	done
	run grep -qa "$b32" $(db_files) "$T/acd.log"
	assert_failure
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE details LIKE '%seed%'")" = 0 ]
}

@test "only operators import: a référent gets 77 and nothing changes" {
	referent_a
	before=$(state_digest) n=$(journal_count)
	run as ref-a ac-card-import <<<"{\"serial\":\"GADT00000001\",\"seed\":\"$(seed 1)\"}"
	assert_failure 77
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "operator bulk link: linked, active at the first login, idempotent, one card each way" {
	import 1 2 3 4
	cat > "$T/links.ndjson" <<-EOF
	{"serial":"$(serial 1)","email":"a1@lyon.fr"}
	{"serial":"$(serial 2)","email":"B1@Brest.fr"}
	{"serial":"$(serial 1)","email":"b2@brest.fr"}
	{"serial":"$(serial 3)","email":"a1@lyon.fr"}
	{"serial":"GADT99999999","email":"b2@brest.fr"}
	{"serial":"$(serial 4)","email":"nobody@brest.fr"}
	{"serial":"$(serial 4)","email":"not an email"}
	EOF
	run ac-card-link < "$T/links.ndjson"
	assert_failure 1
	jq -e '.ok and .state == "linked" and .structure == 1 and .changed' <<<"${lines[0]}"
	jq -e '.ok and .email == "b1@brest.fr" and .structure == 2' <<<"${lines[1]}"
	jq -e '.error.code == "card_taken"' <<<"${lines[2]}"
	jq -e '.error.code == "aidant_has_card"' <<<"${lines[3]}"
	jq -e '.error.code == "not_found"' <<<"${lines[4]}"
	jq -e '.error.code == "not_found"' <<<"${lines[5]}"
	jq -e '.error.code == "bad_email"' <<<"${lines[6]}"
	[ "$(sql "SELECT state || structure_id FROM cards WHERE serial = '$(serial 1)'")" = linked1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_link'")" = 2 ]
	before=$(state_digest)
	head -2 "$T/links.ndjson" | ac-card-link > "$T/again"
	[ "$(jq -s 'map(select(.ok and .changed == false)) | length' "$T/again")" = 2 ]
	[ "$(state_digest)" = "$before" ]
	# CSV works the same
	printf 'serial,email\n%s,b2@brest.fr\n' "$(serial 4)" | ac-card-link --csv >/dev/null
	[ "$(sql "SELECT state FROM cards WHERE serial = '$(serial 4)'")" = linked ]
	run login a1@lyon.fr 1
	assert_success
	[ "$(sql "SELECT state FROM cards WHERE serial = '$(serial 1)'")" = active ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_validate' AND subject = '$(serial 1)'")" = 1 ]
}

@test "a référent links with a current code: active at once; the code cannot be replayed" {
	referent_a
	import 1
	# the code of this step, and below the next one's, both from the same instant:
	# a minute boundary passed meanwhile would otherwise look like a drift
	t0=$(date +%s)
	code=$(oathtool --totp -s 60 "$(seed 1)" --now "@$t0")
	run as ref-a ac-card-link --serial "$(serial 1)" --email a1@lyon.fr
	assert_failure 65
	assert_output --partial "code"
	run as ref-a ac-card-link --serial "$(serial 1)" --email a1@lyon.fr --code 000000
	assert_failure 1
	[ "$(sql "SELECT state FROM cards WHERE serial = '$(serial 1)'")" = stock ]
	run as ref-a ac-card-link --serial "$(serial 1)" --email a1@lyon.fr --code "$code"
	assert_success
	jq -e '.state == "active" and .structure == 1 and .changed' <<<"$output"
	[ "$(sql "SELECT action FROM journal WHERE subject = '$(serial 1)' ORDER BY seq" | tr '\n' ' ')" = "card_import card_link card_validate " ]
	run as a1 ac-login --email a1@lyon.fr --code "$code"
	assert_failure 77
	assert_output --partial "already used"
	sleep 2 # the throttle after a failure: at least one full second
	run as a1 ac-login --email a1@lyon.fr --code "$(oathtool --totp -s 60 "$(seed 1)" --now "@$((t0 + 60))")"
	assert_success
}

@test "ac-card-list: operators all, référents their structures, aidants their own" {
	referent_a
	import 1 2 3
	ac-card-link --serial "$(serial 1)" --email a1@lyon.fr >/dev/null
	ac-card-link --serial "$(serial 2)" --email b1@brest.fr >/dev/null
	run ac-card-list
	assert_success
	assert_equal "${#lines[@]}" 5 # and the operator's app
	run ac-card-list --state stock
	jq -e '.serial == "GADT00000003" and .kind == "physical" and .email == null and .structure == null
		and .digits == 6 and .step == 60 and .algorithm == "sha1"' <<<"$output"
	run ac-card-list --structure 2
	jq -e '.email == "b1@brest.fr" and .state == "linked"' <<<"$output"
	run as ref-a ac-card-list
	assert_success
	[ "$(jq -s -c 'map(.serial) | sort' <<<"$output")" = '["GADT00000001","GADT00000100"]' ]
	run as ref-a ac-card-list --structure 2
	assert_failure 1
	assert_output --partial "no such structure"
	run as ref-a ac-card-list --structure 99
	assert_failure 1
	login a1@lyon.fr 1 >/dev/null
	run as a1 ac-card-list
	assert_success
	jq -e '.serial == "GADT00000001" and .state == "active" and .email == "a1@lyon.fr"' <<<"$output"
	assert_equal "${#lines[@]}" 1
}

@test "unlink reasons: lost never works again, lost and departure keep the structure, error clears it" {
	import 1 2 3 4
	ac-card-link >/dev/null <<-EOF
	{"serial":"$(serial 1)","email":"a1@lyon.fr"}
	{"serial":"$(serial 2)","email":"b1@brest.fr"}
	{"serial":"$(serial 3)","email":"b2@brest.fr"}
	EOF
	run ac-card-unlink --serial "$(serial 1)" --reason lost
	assert_success
	jq -e '.state == "lost" and .changed' <<<"$output"
	cat > "$T/unlinks.ndjson" <<-EOF
	{"serial":"$(serial 2)","reason":"departure"}
	{"serial":"$(serial 3)","reason":"error"}
	{"serial":"$(serial 4)","reason":"broken"}
	{"serial":"GADT99999999","reason":"lost"}
	{"serial":"$(serial 1)","reason":"found"}
	EOF
	run ac-card-unlink < "$T/unlinks.ndjson"
	assert_failure 1
	jq -e '.ok and .state == "stock"' <<<"${lines[0]}"
	jq -e '.error.code == "not_found"' <<<"${lines[3]}"
	jq -e '.error.code == "bad_reason"' <<<"${lines[4]}"
	[ "$(sql "SELECT serial, state, account_id, structure_id FROM cards WHERE serial LIKE 'GADT0%' ORDER BY id" | tr '\n' ' ')" = \
	  "GADT00000001|lost||1 GADT00000002|stock||2 GADT00000003|stock|| GADT00000004|broken|| " ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_lost'")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_unlink' AND details LIKE '%departure%'")" = 1 ]
	# again: nothing changes; a lost card cannot come back
	before=$(state_digest)
	run ac-card-unlink --serial "$(serial 1)" --reason lost
	jq -e '.changed == false' <<<"$output"
	head -2 "$T/unlinks.ndjson" | ac-card-unlink > "$T/again"
	[ "$(jq -s 'map(select(.ok and .changed == false)) | length' "$T/again")" = 2 ]
	run ac-card-link --serial "$(serial 1)" --email b2@brest.fr
	assert_failure 1
	assert_output --partial "lost"
	[ "$(state_digest)" = "$before" ]
	# the stock card of structure 2 goes to another aidant
	run ac-card-link --serial "$(serial 2)" --email b2@brest.fr
	assert_success
}

@test "login refuses a lost card and a code from another aidant's card" {
	import 1 2
	ac-card-link >/dev/null <<-EOF
	{"serial":"$(serial 1)","email":"a1@lyon.fr"}
	{"serial":"$(serial 2)","email":"b1@brest.fr"}
	EOF
	run login a1@lyon.fr 2
	assert_failure 77
	assert_output --partial "login refused"
	[ "$(sql "SELECT COUNT(*) FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = 'a1@lyon.fr'")" = 0 ]
	ac-card-unlink --serial "$(serial 2)" --reason lost >/dev/null
	run login b1@brest.fr 2
	assert_failure 77
	assert_output --partial "login refused"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND subject = 'b1@brest.fr' AND details LIKE '%no_card%'")" = 1 ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND subject = 'a1@lyon.fr' AND details LIKE '%wrong_code%'")" = 1 ]
}

@test "a card 5 steps ahead: ac-login asks for the next code, two codes resynchronize it" {
	import 1
	ac-card-link --serial "$(serial 1)" --email a1@lyon.fr >/dev/null
	fresh_step
	s=$(seed 1)
	# the first code is 5 steps ahead: ac-login reads the next one from stdin
	run as a1 ac-login --email a1@lyon.fr --code "$(totp_hex "$s" 60 5)" \
		< <(printf '%s\n' "$(totp_hex "$s" 60 6)")
	assert_success
	assert_output --partial "drifted"
	[ "$(sql "SELECT drift FROM cards WHERE serial = '$(serial 1)'")" = 6 ]
	[ "$(sql "SELECT state FROM cards WHERE serial = '$(serial 1)'")" = active ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND details LIKE '%card_drift%'")" = 1 ]
	# a normal code of the drifted card now works on its own
	run as a1 ac-login --email a1@lyon.fr --code "$(totp_hex "$s" 60 7)" </dev/null
	assert_success
	[ "$(sql "SELECT drift FROM cards WHERE serial = '$(serial 1)'")" = 7 ]
	# one far code alone never lets anyone in
	run as a1 ac-login --email a1@lyon.fr --code "$(totp_hex "$s" 60 -2)" </dev/null
	assert_failure
}

@test "enroll an app: pending until its first code, then it logs in; an active app is kept" {
	referent_a
	run as ref-a ac-card-enroll --email a1@lyon.fr </dev/null
	assert_failure 64
	assert_output --partial "not active"
	line=$(head -1 <<<"$output")
	serial=$(jq -r .serial <<<"$line") secret=$(jq -r .totp_secret <<<"$line")
	[[ $serial =~ ^APP-[0-9a-f]{8}$ ]]
	jq -e '.otpauth_uri | startswith("otpauth://totp/") and contains("period=30")' <<<"$line"
	[ "$(sql "SELECT kind || state || step || digits || algorithm FROM cards WHERE serial = '$serial'")" = applinked306sha1 ]
	# a pending app cannot log in
	run as a1 ac-login --email a1@lyon.fr --code "$(totp_b32 "$secret")"
	assert_failure 77
	sleep 2 # the throttle after a failure: at least one full second
	run as ref-a ac-card-enroll --serial "$serial" --code 000000
	assert_failure 1
	run as ref-a ac-card-enroll --serial "$serial" --code "$(totp_b32 "$secret")"
	assert_success
	[ "$(sql "SELECT state FROM cards WHERE serial = '$serial'")" = active ]
	[ "$(sql "SELECT action FROM journal WHERE subject = '$serial' ORDER BY seq" | tr '\n' ' ')" = "card_enroll card_validate " ]
	run as a1 ac-login --email a1@lyon.fr --code "$(totp_b32 "$secret" 1)"
	assert_success
	# a second app is refused while this one is active
	run as ref-a ac-card-enroll --email a1@lyon.fr </dev/null
	assert_failure 1
	assert_output --partial "unlink it first"
	run as ref-a ac-card-unlink --serial "$serial" --reason lost
	jq -e '.state == "retired"' <<<"$output"
}

@test "enroll by the aidant itself, answering the code prompt from a script" {
	import 1
	ac-card-link --serial "$(serial 1)" --email a1@lyon.fr >/dev/null
	login a1@lyon.fr 1 >/dev/null
	first=$(as a1 ac-card-enroll --email a1@lyon.fr </dev/null 2>/dev/null | jq -r .serial)
	mkfifo "$T/in"
	as a1 ac-card-enroll --email a1@lyon.fr < "$T/in" > "$T/out" 2> "$T/err" &
	pid=$!
	exec 7> "$T/in"
	for i in $(seq 100); do [ -s "$T/out" ] && break; sleep 0.05; done
	secret=$(jq -r .totp_secret "$T/out")
	totp_b32 "$secret" >&7
	exec 7>&-
	wait "$pid"
	grep -q "is active" "$T/err"
	[ "$(sql "SELECT COUNT(*) FROM cards WHERE kind = 'app' AND state = 'active' AND account_id = (SELECT id FROM accounts WHERE email = 'a1@lyon.fr')")" = 1 ]
	# the first, never activated, was replaced
	[ "$(sql "SELECT state FROM cards WHERE serial = '$first'")" = retired ]
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'card_unlink' AND subject = '$first' AND details LIKE '%replaced%'")" = 1 ]
	# an aidant cannot enroll someone else
	run as a1 ac-card-enroll --email b1@brest.fr </dev/null
	assert_failure 1
	assert_output --partial "no such"
}

@test "authorization: the référent of Lyon against Brest's aidants and cards gets 404, nothing changes" {
	referent_a
	import 1 2 3 4
	ac-card-link >/dev/null <<-EOF
	{"serial":"$(serial 2)","email":"b1@brest.fr"}
	{"serial":"$(serial 3)","email":"b2@brest.fr"}
	EOF
	ac-card-unlink --serial "$(serial 3)" --reason departure >/dev/null  # Brest's stock
	pending=$(ac-card-enroll --email b2@brest.fr </dev/null 2>/dev/null | jq -r .serial)
	before=$(state_digest) n=$(journal_count)
	c2=$(totp_hex "$(seed 2)") c3=$(totp_hex "$(seed 3)") c1=$(totp_hex "$(seed 1)")
	run as ref-a ac-card-link --serial "$(serial 2)" --email b1@brest.fr --code "$c2"
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-link --serial "$(serial 3)" --email a1@lyon.fr --code "$c3"
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-link --serial "$(serial 1)" --email b2@brest.fr --code "$c1"
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-link --serial "$(serial 2)" --email a1@lyon.fr --code "$c2"
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-unlink --serial "$(serial 2)" --reason lost
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-unlink --serial "$(serial 3)" --reason error
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-enroll --email b1@brest.fr </dev/null
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-enroll --serial "$pending" --code 123456
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-list --structure 2
	assert_failure 1; assert_output --partial "no such"
	run as ref-a ac-card-list
	! grep -q "brest\|$(serial 2)\|$(serial 3)\|$pending" <<<"$output" || false
	# the answers for a foreign object and for a missing one are the same
	run as ref-a ac-card-unlink --serial GADT99999999 --reason lost
	missing=$output
	run as ref-a ac-card-unlink --serial "$(serial 2)" --reason lost
	assert_equal "$output" "$missing"
	# in bulk too
	run as ref-a ac-card-unlink <<-EOF
	{"serial":"$(serial 2)","reason":"lost"}
	{"serial":"$(serial 3)","reason":"departure"}
	EOF
	assert_failure 1
	[ "$(jq -s 'map(select(.error.code == "not_found")) | length' <<<"$output")" = 2 ]
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "an aidant may not link or unlink cards; bad bodies to the card routes are 400" {
	import 1 2
	ac-card-link --serial "$(serial 1)" --email a1@lyon.fr >/dev/null
	login a1@lyon.fr 1 >/dev/null
	before=$(state_digest) n=$(journal_count)
	run as a1 ac-card-link --serial "$(serial 2)" --email a1@lyon.fr --code "$(totp_hex "$(seed 2)")"
	assert_failure 77
	# their own card lost is theirs to declare (card_support.bats); not a departure
	run as a1 ac-card-unlink --serial "$(serial 1)" --reason departure
	assert_failure 77
	token=$(cat "$XDG_STATE_HOME/ac/session")
	for path in cards cards/link cards/unlink cards/enroll cards/activate; do
		for body in '{"serial":' '[]' '{"serial":1}' '{"bogus":"x"}'; do
			run curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" -X POST "$AC_URL/v1/$path" -d "$body"
			assert_equal "${lines[1]}" 400
			jq -e '.error.code and .error.message' <<<"${lines[0]}"
		done
	done
	run curl -s -o /dev/null -w '%{http_code}' -X POST "$AC_URL/v1/cards" -d '{}'
	assert_output 401
	[ "$(state_digest)" = "$before" ]
	[ "$(journal_count)" = "$n" ]
}

@test "a bulk link cannot try every code of a card: after ten wrong codes the rest is refused" {
	referent_a
	import 1
	for c in $(seq 100000 100014); do
		printf '{"serial":"%s","email":"a1@lyon.fr","code":"%s"}\n' "$(serial 1)" "$c"
	done > "$T/guesses.ndjson"
	run as ref-a ac-card-link < "$T/guesses.ndjson"
	assert_failure 1
	[ "$(jq -r .error.code <<<"$output" | sort | uniq -c | awk '{print $2 "=" $1}' | sort | tr '\n' ' ')" = "too_many_wrong_codes=5 wrong_code=10 " ]
	[ "$(sql "SELECT state FROM cards WHERE serial = '$(serial 1)'")" = stock ]
}

@test "a departed aidant: session ended, card back in stock, login refused and journaled" {
	import 1
	ac-card-link --serial "$(serial 1)" --email a1@lyon.fr >/dev/null
	fresh_step
	login a1@lyon.fr 1 >/dev/null
	as a1 ac-whoami >/dev/null
	run ac-aidant-deactivate --email a1@lyon.fr
	assert_success
	run as a1 ac-whoami
	assert_failure 77
	[ "$(sql "SELECT state || '|' || COALESCE(CAST(account_id AS TEXT), '') || '|' || structure_id FROM cards WHERE serial = '$(serial 1)'")" = "stock||1" ]
	run login a1@lyon.fr 1 1
	assert_failure 77
	assert_output --partial "login refused"
	[ "$(sql "SELECT COUNT(*) FROM journal WHERE action = 'login_failed' AND subject = 'a1@lyon.fr' AND details LIKE '%inactive%'")" = 1 ]
}
