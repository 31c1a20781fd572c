# card_helpers.bash — loaded after helpers.bash by the card suites: the people
# of structures 1 (Lyon) and 2 (Brest), cards with fixed seeds, one session
# folder per person so that several are logged in at once.

# Structure 1 has référent ref-a and aidant a1; structure 2 référent ref-b and
# aidants b1, b2 (the operator adds them).
lyon_brest_people() {
	ac-aidant-add >/dev/null <<-'EOF'
	{"structure":1,"email":"ref-a@lyon.fr","first_name":"Rita","last_name":"A","referent":true}
	{"structure":1,"email":"a1@lyon.fr","first_name":"Anne","last_name":"Un"}
	{"structure":2,"email":"ref-b@brest.fr","first_name":"Rob","last_name":"B","referent":true}
	{"structure":2,"email":"b1@brest.fr","first_name":"Bea","last_name":"Un"}
	{"structure":2,"email":"b2@brest.fr","first_name":"Bob","last_name":"Deux"}
	EOF
}

# seed N: a card's 20-byte seed as hex, the same in every test
seed() { printf 'card-%s' "$1" | sha1sum | cut -c1-40; }
# serial N: the physical card GADT<n> (with seed N)
serial() { printf 'GADT%08d' "$1"; }

# as PERSON cmd... : runs cmd with PERSON's session
as() {
	local who=$1
	shift
	XDG_STATE_HOME="$T/st-$who" "$@"
}
# login EMAIL N [offset]: EMAIL logs in with card N (a 60 s step)
login() {
	as "${1%%@*}" ac-login --email "$1" --code "$(totp_hex "$(seed "$2")" 60 "${3:-0}")"
}

# card_people_setup: acd, the operator logged in, Lyon and Brest with their
# référents and aidants — the start of every test of the cards' files.
card_people_setup() {
	acd_start
	op_login
	two_structures
	lyon_brest_people
}
