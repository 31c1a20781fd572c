/* maintain.c — "acd backup" and "acd check", the commands an administrator
 * runs beside a serving acd: a consistent copy of the database, and the proof
 * that a database (the live one, or a backup about to be restored) is whole:
 * the engine's integrity, a schema this acd knows, the journal's chain
 * recomputed from the rows themselves, and every sealed secret opening under
 * the key file. */
#include "maintain.h"
#include "crypto.h"
#include "journal_line.h"
#include "server.h"
#include "ac.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The database as it is: no migration, no backfill. */
static int open_as_is(const char *db)
{
	char err[512];
	if (!store_is_pg(db) && access(db, F_OK) != 0) {
		fprintf(stderr, "acd: %s: no such database\n", db);
		return 78;
	}
	srv.db = store_open(db, STORE_AS_IS, err, sizeof err);
	if (!srv.db) {
		fprintf(stderr, "acd: %s\n", err);
		return 78;
	}
	return 0;
}

int cmd_backup(const char *db, const char *to)
{
	if (!to) {
		fprintf(stderr, "acd: backup needs --to FILE\n");
		return 64;
	}
	int rc = open_as_is(db);
	if (rc)
		return rc;
	store_conn *c = store_conn_get(srv.db);
	char err[512] = "cannot open the database";
	rc = c && store_backup(c, to, err, sizeof err) == 0 ? 0 : 74;
	if (rc) {
		fprintf(stderr, "acd: backup: %s; %s is unchanged\n", err, to);
	} else {
		static const char q[] = "SELECT COUNT(*) FROM journal";
		int64_t entries = store_int_or(store_prep(c, q), -1);
		json_t *out = json_pack("{s:s,s:I}", "backup", to, "journal_entries", (json_int_t)entries);
		ac_print(out);
		json_decref(out);
	}
	store_close(srv.db);
	return rc ? rc : ac_finish(0);
}

/* Every journal row, as exported, through libac's verifier. */
json_t *check_journal(store_conn *c, int *bad)
{
	static const char q[] = "SELECT " JOURNAL_COLUMNS " FROM journal ORDER BY seq";
	struct ac_chain_check k = { 0 };
	store_stmt *st = store_prep(c, q);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		json_t *line = journal_line(st);
		int broken = ac_chain_verify_line(line, &k);
		json_decref(line);
		if (broken)
			break;
	}
	json_t *out;
	if (rc != STORE_DONE) {
		*bad = 1;
		if (rc != STORE_ROW)
			snprintf(k.why, sizeof k.why, "the journal cannot be read after entry %lld",
				 (long long)k.seq);
		out = json_pack("{s:b,s:I,s:s}", "ok", 0, "broken_at",
				(json_int_t)(rc == STORE_ROW ? k.broken_at : k.seq + 1), "reason", k.why);
		fprintf(stderr, "acd: check: the journal does not verify: %s\n", k.why);
		return out;
	}
	char head[65] = "";
	if (k.entries)
		sodium_bin2hex(head, sizeof head, k.chain, sizeof k.chain);
	char runs[4096];
	out = json_pack("{s:b,s:I,s:s,s:I}", "ok", 1, "entries", (json_int_t)k.entries, "head",
			head, "erased", (json_int_t)k.erased);
	if (k.erased)
		json_object_set_new(out, "erased_seq",
				    json_string(ac_chain_erased_runs(&k, runs, sizeof runs)));
	return out;
}

/* Sealed blobs of one column: how many, and how many this key cannot open.
 * A card's seed must also match its MAC (the seed the card was imported
 * with, not merely one sealed under this key). */
static json_t *check_sealed(store_conn *c, const char *sql, int is_seed, int *bad)
{
	int64_t n = 0, unreadable = 0;
	store_stmt *st = store_prep(c, sql);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		size_t len, maclen;
		const uint8_t *box = store_col_blob(st, 1, &len);
		n++;
		if (is_seed) {
			uint8_t seed[SEED_MAX], mac[32];
			const void *want = store_col_blob(st, 2, &maclen);
			int sl = crypto_open(box, len, seed);
			if (sl >= 0)
				crypto_seed_mac(seed, (size_t)sl, mac);
			sodium_memzero(seed, sizeof seed);
			if (sl < 0 || maclen != sizeof mac || sodium_memcmp(mac, want, sizeof mac)) {
				if (!unreadable)
					fprintf(stderr, "acd: check: card %s does not open with this key file\n",
						store_col_text(st, 0));
				unreadable++;
			}
		} else {
			size_t sl;
			char *secret = crypto_open_blob(box, len, &sl);
			if (!secret) {
				if (!unreadable)
					fprintf(stderr, "acd: check: %s does not open with this key file\n",
						store_col_text(st, 0));
				unreadable++;
			}
			crypto_free_blob(secret);
		}
	}
	if (rc != STORE_DONE)
		unreadable = n = -1;
	*bad |= unreadable != 0;
	return json_pack("{s:I,s:I}", "sealed", (json_int_t)n, "unreadable", (json_int_t)unreadable);
}

void check_secrets(store_conn *c, json_t *out, int *bad)
{
	static const char cards[] = "SELECT serial, seed_box, seed_mac FROM cards";
	static const char keys[] = "SELECT 'signing key ' || kid, private_box FROM signing_keys";
	static const char clients[] = "SELECT 'client ' || client_id, secret_box FROM oidc_clients"
				      " WHERE secret_box IS NOT NULL";
	json_object_set_new(out, "cards", check_sealed(c, cards, 1, bad));
	json_object_set_new(out, "signing_keys", check_sealed(c, keys, 0, bad));
	json_object_set_new(out, "client_secrets", check_sealed(c, clients, 0, bad));
}

int cmd_check(const char *db, const char *key_file)
{
	char err[512];
	if (!store_is_pg(db) && access(db, F_OK) != 0) {
		fprintf(stderr, "acd: %s: no such database\n", db);
		return 78;
	}
	if (crypto_key_load(key_file, err, sizeof err)) {
		fprintf(stderr, "acd: %s\n", err);
		return 78;
	}
	int rc = open_as_is(db);
	if (rc)
		return rc;
	store_conn *c = store_conn_get(srv.db);
	if (!c || store_begin(c, 0) != STORE_OK) { /* one snapshot for every check */
		fprintf(stderr, "acd: check: cannot read %s\n", db);
		store_close(srv.db);
		return 70;
	}
	int bad = 0;
	json_t *out = json_object();

	int sound = store_integrity(c, err, sizeof err);
	json_object_set_new(out, "integrity", json_string(sound == 0 ? "ok" : sound > 0 ? err
										 : "cannot run"));
	if (sound) {
		bad = 1;
		fprintf(stderr, "acd: check: %s\n", sound > 0 ? err : "the integrity checks cannot run");
	}

	static const char ver[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
	int64_t have = store_int_or(store_prep(c, ver), -1);
	int known = store_schema_known();
	json_object_set_new(out, "schema", json_pack("{s:I,s:i}", "version", (json_int_t)have,
						     "known", known));
	if (have != known) {
		bad = 1;
		fprintf(stderr, "acd: check: schema version %lld, this acd knows %d%s\n",
			(long long)have, known,
			have < known ? " (acd serve applies the missing migrations)" : "");
	}

	json_object_set_new(out, "journal", check_journal(c, &bad));
	check_secrets(c, out, &bad);
	store_rollback(c);

	json_object_set_new(out, "ok", json_boolean(!bad));
	ac_print(out);
	json_decref(out);
	store_close(srv.db);
	return ac_finish(bad ? 1 : 0);
}
