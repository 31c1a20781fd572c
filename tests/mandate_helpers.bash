# mandate_helpers.bash — loaded after helpers.bash by the mandate tests: acd
# connected to the FranceConnect stand-in and an SMTP sink, two structures with
# one aidant each (cards with 60 s steps), the aidant of Lyon logged in, and
# the signature flow driven by ac-mandate-new and headless chromium.

SEED_A=3132333435363738393031323334353637383930   # aidant@lyon.fr, structure 1
SEED_B=4142434445464748494a4b4c4d4e4f5051525354   # aidant@brest.fr, structure 2

# The code of the Lyon aidant's card N steps from now.  A code serves once:
# the login takes step -1, a confirmation step 0, a renewal step 1.
aidant_code() { totp_hex "$SEED_A" 60 "${1:-0}"; }

# A code of the Lyon aidant's card that acd accepts now (tests/fresh_code.sh).
fresh_code() { "$REPO/tests/fresh_code.sh" "${ACD_DB[1]}" GADT00000001 "$SEED_A"; }

# The stand-in's sub for a test login (tests/fc/provider.mjs derives it so).
fc_sub() { printf 'aidants-connect fc stand-in:%s' "$1" | sha256sum | cut -d' ' -f1; }

# acd_serve [flags]: acd serve on the existing database, on a port it picks
# (AC_URL follows), connected to the stand-in at $FC_ISSUER and to the SMTP sink.
acd_serve() {
	acd_serve_ready "${ACD_DB[@]}" --fc-issuer "$FC_ISSUER" --fc-client-id "$FC_CLIENT_ID" \
		--fc-client-secret-file "$FC_SECRET_FILE" --smtp-url "$SMTP_URL" "$@"
}

mandate_setup() {
	export T="$BATS_TEST_TMPDIR"
	# no port: the stand-in takes acd's callback on whatever port acd binds
	export FC_REDIRECT="http://127.0.0.1/fc/callback"
	fc_start
	smtp_start
	acd_start --fc-issuer "$FC_ISSUER" --fc-client-id "$FC_CLIENT_ID" \
		--fc-client-secret-file "$FC_SECRET_FILE" --smtp-url "$SMTP_URL"
	export XDG_STATE_HOME="$T/operator"
	op_login
	two_structures
	ac-aidant-add --structure 1 --email aidant@lyon.fr --first-name Marie --last-name Martin > /dev/null
	ac-aidant-add --structure 2 --email aidant@brest.fr --first-name Yann --last-name Le\ Gall > /dev/null
	printf '%s\n' "{\"serial\":\"GADT00000001\",\"seed\":\"$SEED_A\"}" \
		"{\"serial\":\"GADT00000002\",\"seed\":\"$SEED_B\"}" | ac-card-import > /dev/null
	printf '%s\n' '{"serial":"GADT00000001","email":"aidant@lyon.fr"}' \
		'{"serial":"GADT00000002","email":"aidant@brest.fr"}' | ac-card-link > /dev/null
	export XDG_STATE_HOME="$T/aidant"
	# the code of the previous step is two steps old if a minute ends between
	# here and acd's check (then refused as a drift): log in well inside one
	while [ $(( $(date +%s) % 60 )) -ge 50 ]; do sleep 1; done
	ac-login --email aidant@lyon.fr --code "$(aidant_code -1)" > /dev/null
	jq -n --arg t "$(cat "$T/aidant/ac/session")" '{token: $t}' > "$T/aidant-session.json"
}

# ac_as WHO CMD...: CMD with another saved session (operator, aidant...).
ac_as() {
	local who=$1; shift
	XDG_STATE_HOME="$T/$who" "$@"
}

# code_pipe: a pipe on fd 7 for a tool's standard input, where wait_tool
# writes the aidant's code once the usager has identified, as an aidant types
# it then.  A code computed when the tool starts could be a minute old by the
# time it is checked: the signature in chromium takes that long on a busy
# machine.
code_pipe() {
	rm -f "$T/code.fifo"
	mkfifo "$T/code.fifo"
	exec 7<>"$T/code.fifo" # read-write: opening it never blocks
}

# open_draft DEMARCHES DURATION [ac-mandate-new options]: starts ac-mandate-new
# in the background (consent given; its code through code_pipe unless --code
# is passed), waits for the signing link it prints, saves it in $T/url.
open_draft() {
	local d=$1 dur=$2; shift 2
	code_pipe
	# emptied here, not by the background job's redirection: that one may
	# come after the first look, which would find the previous draft's link
	: > "$T/new.err"
	rm -f "$T/url"
	ac-mandate-new --demarches "$d" --duration "$dur" --confirm-consent "$@" \
		> "$T/mandate.json" 2> "$T/new.err" <&7 &
	TOOL_PID=$!
	local i
	for i in $(seq 100); do
		grep -o 'http://[^ ]*/sign/[0-9a-f]\{64\}' "$T/new.err" > "$T/url" 2>/dev/null && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "no signing link:" >&2
	cat "$T/new.err" >&2
	return 1
}

# wait_tool: waits for ac-mandate-new; its exit status in TOOL_STATUS.
wait_tool() {
	TOOL_STATUS=0
	# the code, if the tool asks for it (else it stays unread in the pipe)
	[ -p "$T/code.fifo" ] && kill -0 "$TOOL_PID" 2>/dev/null && fresh_code >&7
	wait "$TOOL_PID" || TOOL_STATUS=$?
}

kill_tool() {
	kill "$TOOL_PID" 2>/dev/null || true
	wait "$TOOL_PID" 2>/dev/null || true
}

# sign_mandate DEMARCHES DURATION [options]: the whole signature, as Angela
# Claire Louise DUBOIS; the mandate's JSON in $T/mandate.json.
sign_mandate() {
	open_draft "$@"
	node "$REPO/tests/browser/sign.mjs" "$(cat "$T/url")" --shots "$T/shots" > "$T/browser.out" ||
		{ cat "$T/browser.out" "$T/new.err" >&2; return 1; }
	wait_tool
	[ "$TOOL_STATUS" -eq 0 ] || { cat "$T/new.err" >&2; return 1; }
}

# restart_fc [--tamper MODE]: a new stand-in (new port, new secret), and acd
# restarted on the same database to use it.
restart_fc() {
	acd_stop
	fc_start "$@"
	acd_serve
}

mandate_teardown() {
	[ -n "${TOOL_PID:-}" ] && kill_tool
	stop_all
}
