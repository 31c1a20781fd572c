#!/usr/bin/env bats
# acd backup while acd serves and writes, a restore from it, and acd check:
# what it proves (integrity, schema, the journal's chain from the rows, the
# key file against the sealed secrets) and what it catches.

load helpers

setup() { acd_start; op_login; }
teardown() { acd_stop; }

cards() {
	seq "$1" "$2" | awk '{ printf "{\"serial\":\"GADT%08d\",\"seed\":\"%040x\"}\n", $1, $1 * 7919 }'
}

@test "a backup taken under load restores to a database that checks whole and serves" {
	two_structures
	cards 1 3000 > "$T/cards.ndjson"
	# imports (three requests of 1000) while the backup is taken
	ac-card-import < "$T/cards.ndjson" > "$T/import.out" &
	job=$!
	run acd backup --db "$T/ac.db" --to "$T/backup.db"
	assert_success
	wait "$job"
	jq -e '.backup and .journal_entries > 0' <<<"$output"
	[ "$(stat -c %a "$T/backup.db")" = 600 ]
	[ ! -e "$T/backup.db-wal" ]
	# a snapshot: whole requests only, and its journal matches its rows
	n=$(sqlite3 "$T/backup.db" "SELECT COUNT(*) FROM cards WHERE kind <> 'app'")
	(( n % 1000 == 0 ))
	[ "$(sqlite3 "$T/backup.db" "SELECT COUNT(*) FROM journal WHERE action = 'card_import'")" = "$n" ]

	# restored elsewhere, with the key file kept beside it
	mkdir "$T/restore"
	cp "$T/backup.db" "$T/restore/ac.db"
	cp "$T/ac.db.key" "$T/restore/ac.db.key"
	run acd check --db "$T/restore/ac.db"
	assert_success
	jq -e '.ok and .integrity == "ok" and .journal.ok and .cards.unreadable == 0
		and .cards.sealed == '$(( n + 1 ))' and .signing_keys.unreadable == 0
		and .schema.version == .schema.known' <<<"$output"
	acd_stop
	acd_serve_ready --db "$T/restore/ac.db"
	ac-whoami > /dev/null    # the session in the backup still opens
	ac-structure-list | jq -s -e 'length == 2' > /dev/null
	ac-audit | ac-audit --verify | jq -e .ok > /dev/null
	# what the backup missed can be imported again on the restored one
	ac-card-import < "$T/cards.ndjson" > "$T/again.out"
	[ "$(jq -c 'select(.ok and .changed == false)' "$T/again.out" | wc -l)" = "$n" ]
	[ "$(sqlite3 "$T/restore/ac.db" "SELECT COUNT(*) FROM cards WHERE kind <> 'app'")" = 3000 ]

	# a second backup to the same name replaces it whole
	run acd backup --db "$T/restore/ac.db" --to "$T/backup.db"
	assert_success
	[ "$(sqlite3 "$T/backup.db" "SELECT COUNT(*) FROM cards WHERE kind <> 'app'")" = 3000 ]
	[ -z "$(ls "$T" | grep '\.tmp$')" ]
}

@test "acd check catches an altered or removed journal entry, a foreign key file, a newer schema" {
	ac-structure-new --name "CCAS de Lyon" --siret "$SIRET_A" --zipcode 69001 --city Lyon > /dev/null
	cards 1 3 | ac-card-import > /dev/null
	acd_stop
	cp "$T/ac.db" "$T/good.db"
	run acd check --db "$T/ac.db"
	assert_success

	# an entry's details edited behind acd's back
	sqlite3 "$T/ac.db" "UPDATE journal SET details = '{\"name\":\"CCAS de Paris\"}' WHERE action = 'structure_create'"
	seq=$(sql "SELECT seq FROM journal WHERE action = 'structure_create'")
	run acd check --db "$T/ac.db"
	assert_failure 1
	jq -e '.ok == false and .journal.ok == false and .journal.broken_at == '"$seq" <<<"${lines[-1]}"
	assert_output --partial "does not match its digest"

	# an entry removed
	cp "$T/good.db" "$T/ac.db"
	sqlite3 "$T/ac.db" "DELETE FROM journal WHERE seq = 3"
	run acd check --db "$T/ac.db"
	assert_failure 1
	jq -e '.journal.ok == false and .journal.broken_at == 3' <<<"${lines[-1]}"

	# another installation's key file: no seed opens
	cp "$T/good.db" "$T/ac.db"
	cp "$T/ac.db.key" "$T/good.key"
	head -c 32 /dev/urandom > "$T/ac.db.key"
	run acd check --db "$T/ac.db"
	assert_failure 1
	jq -e '.cards.unreadable == 4 and .signing_keys.unreadable == 2 and .journal.ok' <<<"${lines[-1]}"
	assert_output --partial "does not open with this key file"
	cp "$T/good.key" "$T/ac.db.key"

	# a schema newer than this acd: check says so, serve refuses to start
	sqlite3 "$T/ac.db" "INSERT INTO schema_version VALUES (999)"
	run acd check --db "$T/ac.db"
	assert_failure 1
	jq -e '.schema.version == 999 and .ok == false' <<<"${lines[-1]}"
	run acd serve --db "$T/ac.db" --listen 127.0.0.1:0
	assert_failure 78
	assert_output --partial "newer than this acd knows"
	[ "$(sql "SELECT MAX(version) FROM schema_version")" = 999 ]
}

@test "acd backup and check: usage, a missing database, an unwritable target; nothing half-written" {
	run acd backup --db "$T/ac.db"
	assert_failure 64
	assert_output --partial "needs --to FILE"
	run acd backup --db "$T/none.db" --to "$T/b.db"
	assert_failure 78
	run acd check --db "$T/none.db"
	assert_failure 78
	run acd backup --db "$T/ac.db" --to "$T/no/such/dir/b.db"
	assert_failure 74
	assert_output --partial "unchanged"
	[ ! -e "$T/no" ]
	# a key file others may read is refused, as by acd serve
	chmod 644 "$T/ac.db.key"
	run acd check --db "$T/ac.db"
	assert_failure 78
	chmod 600 "$T/ac.db.key"
}
