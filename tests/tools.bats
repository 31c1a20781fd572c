#!/usr/bin/env bats
# What every tool shares: --help, --version, usage errors (64), the dispatcher.

load helpers

tools() {
	local d; d=$(dirname "$(command -v ac-login)")
	for t in "$d"/ac-*; do basename "$t"; done
}

@test "every tool answers --help (exit 0, a usage line) and --version" {
	for t in $(tools); do
		run "$t" --help
		assert_success
		assert_line --partial "usage: $t"
		run "$t" --version
		assert_success
		assert_output --regexp "^$t [0-9]+\.[0-9]+\.[0-9]+$"
	done
}

@test "every tool refuses an unknown option with exit 64" {
	for t in $(tools); do
		run "$t" --no-such-option
		assert_failure 64
		assert_output --partial "unknown option"
	done
}

@test "every tool lists its options for the completions, and the completions know every tool" {
	for t in $(tools); do
		run "$t" --list-options
		assert_success
		assert_line "--help"
		grep -q -- "$t" "$BATS_TEST_DIRNAME/../completions/ac.bash"
		grep -q -- "${t#ac-}" "$BATS_TEST_DIRNAME/../completions/ac.fish"
		grep -q -- "${t#ac-}" "$BATS_TEST_DIRNAME/../completions/_ac"
		[ -f "$BATS_TEST_DIRNAME/../man/$t.1" ]
	done
}

@test "ac dispatches: 'ac structure list' runs ac-structure-list; 'ac help' lists the tools" {
	run ac help
	assert_success
	assert_output --partial "card-link"
	run ac structure list --help
	assert_success
	assert_line --partial "usage: ac-structure-list"
	run ac card nonsense
	assert_failure 64
	assert_output --partial "not an ac command"
	run ac card
	assert_failure 64
	assert_output --partial "needs a verb: import, list, link, unlink, check, enroll"
	run ac
	assert_failure 64
}

@test "acd: usage errors, bad settings and a missing database are refused clearly" {
	run acd
	assert_failure 64
	run acd serve
	assert_failure 64
	assert_output --partial "--db"
	run acd serve --db "$BATS_TEST_TMPDIR/none.db"
	assert_failure 78
	run acd serve --db x --threads zero
	assert_failure 64
	run acd init --db "$BATS_TEST_TMPDIR/a.db" --operator "not an email"
	assert_failure 64
	[ ! -e "$BATS_TEST_TMPDIR/a.db" ]
}

@test "acd init: key file 0600, refuses to overwrite, seeds never in clear" {
	run acd init --db "$BATS_TEST_TMPDIR/a.db" --operator Op@Example.org
	assert_success
	jq -e '.email == "op@example.org" and (.totp_secret | length) == 32
		and (.otpauth_uri | startswith("otpauth://totp/"))' <<<"$output"
	secret=$(jq -r .totp_secret <<<"$output")
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/a.db.key")" = 600 ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/a.db.key")" = 32 ]
	run acd init --db "$BATS_TEST_TMPDIR/a.db" --operator other@example.org
	assert_failure
	assert_output --partial "refusing to overwrite"
	hex=$(oathtool -v --totp -b "$secret" | sed -n 's/^Hex secret: //p')
	! grep -qi "$hex" "$BATS_TEST_TMPDIR/a.db" || false
	! grep -q "$secret" "$BATS_TEST_TMPDIR/a.db" || false
	# the raw bytes too (grep cannot be given a pattern holding a newline or a NUL)
	/usr/bin/python3 -c 'import sys; sys.exit(bytes.fromhex(sys.argv[1]) in open(sys.argv[2], "rb").read())' \
		"$hex" "$BATS_TEST_TMPDIR/a.db"
}

@test "acd serve: a key file readable by others is refused" {
	acd init --db "$BATS_TEST_TMPDIR/a.db" --operator op@example.org >/dev/null
	chmod 644 "$BATS_TEST_TMPDIR/a.db.key"
	run acd serve --db "$BATS_TEST_TMPDIR/a.db" --listen 127.0.0.1:0
	assert_failure 78
	assert_output --partial "chmod 600"
}

@test "acd serve --listen 127.0.0.1:0 --ready-file: the bound address, written once acd answers, gone at stop" {
	acd_start
	addr=$(cat "$T/acd.ready")
	[[ $addr =~ ^127\.0\.0\.1:[0-9]+$ ]]
	[ "$AC_URL" = "http://$addr" ]
	curl -sf "http://$addr/v1/health" | jq -e '.status == "ok"'
	grep -q "listening on http://$addr/" "$T/acd.log"
	[ ! -e "$T/acd.ready.tmp" ]
	acd_stop
	[ ! -e "$T/acd.ready" ]
}

@test "acd serve: a ready file that cannot be written stops acd (73) with the reason" {
	acd init --db "$BATS_TEST_TMPDIR/a.db" --operator op@example.org >/dev/null
	run timeout 10 acd serve --db "$BATS_TEST_TMPDIR/a.db" --listen 127.0.0.1:0 \
		--ready-file "$BATS_TEST_TMPDIR/no/such/dir/ready"
	assert_failure 73
	assert_output --partial "--ready-file"
	assert_output --partial "No such file or directory"
}

@test "acd --config: keys as the flags; an unknown key is refused" {
	acd init --db "$BATS_TEST_TMPDIR/a.db" --operator op@example.org >/dev/null
	printf 'threads = 0\n' > "$BATS_TEST_TMPDIR/acd.conf"
	run acd serve --db "$BATS_TEST_TMPDIR/a.db" --config "$BATS_TEST_TMPDIR/acd.conf"
	assert_failure 78
	assert_output --partial "threads"
	printf 'colour = blue\n' > "$BATS_TEST_TMPDIR/acd.conf"
	run acd serve --db "$BATS_TEST_TMPDIR/a.db" --config "$BATS_TEST_TMPDIR/acd.conf"
	assert_failure 78
	assert_output --partial 'unknown key "colour"'
}

@test "acd stops cleanly on SIGTERM: the database is closed and consistent" {
	acd_start
	op_login
	ac-structure-new --name S --siret "$SIRET_A" --zipcode 69001 --city Lyon >/dev/null
	kill -TERM "$ACD_PID"
	wait "$ACD_PID"
	grep -q stopped "$T/acd.log"
	[ "$AC_DB" = pg ] || [ "$(sqlite3 "$T/ac.db" 'PRAGMA integrity_check')" = ok ]
	[ "$(sql 'SELECT COUNT(*) FROM structures')" = 1 ]
}

@test "make install puts binaries, man pages and completions under DESTDIR/PREFIX" {
	root="$BATS_TEST_DIRNAME/.."
	make -s -C "$root" install DESTDIR="$BATS_TEST_TMPDIR/inst" PREFIX=/usr > /dev/null
	d="$BATS_TEST_TMPDIR/inst/usr"
	[ -x "$d/sbin/acd" ]
	[ -x "$d/bin/ac" ]
	[ -x "$d/bin/ac-card-link" ]
	[ -f "$d/share/man/man1/ac-card-link.1" ]
	[ -f "$d/share/man/man7/ac.7" ]
	[ -f "$d/share/man/man8/acd.8" ]
	[ -f "$d/share/bash-completion/completions/ac" ]
	[ ! -L "$d/share/bash-completion/completions/ac" ]
	run bash -c "source '$d/share/bash-completion/completions/ac-card-link' && complete -p ac-card-link"
	assert_success
	[ -f "$d/share/zsh/site-functions/_ac" ]
	[ -f "$d/share/fish/vendor_completions.d/ac.fish" ]
	[ ! -L "$d/share/fish/vendor_completions.d/ac.fish" ]
	[ -L "$d/share/fish/vendor_completions.d/ac-card-link.fish" ]
}

@test "make install: acd.service hardened, the cron jobs' timers; systemd-analyze verify passes" {
	root="$BATS_TEST_DIRNAME/.."
	# installed where the units' commands really are, so verify finds them
	p="$BATS_TEST_TMPDIR/usr"
	make -s -C "$root" install PREFIX="$p" > /dev/null
	u="$p/lib/systemd/system"
	for f in acd.service acd-purge.service acd-purge.timer ac-reminders.service ac-reminders.timer \
		ac-inactive.service ac-inactive.timer; do
		[ -f "$u/$f" ] || { echo "no $f"; return 1; }
	done
	grep -q "^ExecStart=$p/sbin/acd serve --config /etc/acd/acd.conf$" "$u/acd.service"
	grep -q "^ExecStart=$p/bin/ac-reminders-send --token-file" "$u/ac-reminders.service"
	for k in User=acd ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes StateDirectory=acd \
		StateDirectoryMode=0700 UMask=0077; do
		grep -qx "$k" "$u/acd.service" || { echo "acd.service lacks $k"; return 1; }
	done
	grep -q '^u acd ' "$p/lib/sysusers.d/acd.conf"
	grep -q '^db = /var/lib/acd/ac.db$' "$p/share/doc/aidants-connect/acd.conf.example"
	# verify warns on stderr and still exits 0: nothing may be printed
	run systemd-analyze verify --man=no "$u"/*.service "$u"/*.timer
	assert_success
	assert_output ""
	run systemd-analyze security --offline=yes "$u/acd.service"
	assert_success
	level=$(echo "$output" | sed -n 's/.*Overall exposure level for acd.service: \([0-9.]*\).*/\1/p')
	awk -v l="$level" 'BEGIN { exit !(l != "" && l < 2.0) }' || { echo "exposure $level"; return 1; }
}

@test "acd(8) lists every error code acd can answer" {
	root="$BATS_TEST_DIRNAME/.."
	codes=$(grep -ohE '(fail_set|reply_error)\([^,]+, [0-9]+, "[a-z_]+"' "$root"/acd/*.c |
		grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
	[ -n "$codes" ]
	for c in $codes; do
		grep -q "fB$c\\\\fR" "$root/man/acd.8" || { echo "acd(8) lacks $c"; return 1; }
	done
}

@test "the completions offer exactly each tool's options (bash, zsh, fish)" {
	root="$BATS_TEST_DIRNAME/.."
	for t in $(tools); do
		want=$("$t" --list-options | sort | tr '\n' ' ')
		got=$(bash -c "source '$root/completions/ac.bash'; _ac_options $t" | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
		[ "$want" = "$got" ] || { echo "bash, $t: [$got] but the tool has [$want]"; return 1; }
		for o in $("$t" --list-options | grep -v -e "^--help$" -e "^--version$" -e "^--token-file=$" | sed 's/=$//; s/^--//'); do
			grep -q -- "--$o" "$root/completions/_ac" || { echo "zsh lacks $t --$o"; return 1; }
			grep -qE -- "__ac_opt ${t#ac-} $o( |$)" "$root/completions/ac.fish" || { echo "fish lacks $t --$o"; return 1; }
		done
	done
}

@test "acd's request log cannot be forged: control bytes and invalid UTF-8 in a path are escaped" {
	acd_start
	curl -s -o /dev/null "$AC_URL/v1/x%0a2026-01-01T00:00:00Z%20acd:%20GET%20/v1/forged%20200%201us%ff"
	acd_stop
	grep -qF 'GET /v1/x\x0a2026-01-01T00:00:00Z\x20acd:\x20GET\x20/v1/forged\x20200\x201us\xff 404' "$T/acd.log"
	! grep -q '^2026-01-01T00:00:00Z' "$T/acd.log"
}
