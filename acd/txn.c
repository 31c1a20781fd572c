/* txn.c — the transaction runner and the journal's append. */
#include "txn.h"
#include "log.h"
#include "ac.h"

#include <string.h>
#include <unistd.h>

int txn_run(struct req *r, int write, int (*work)(struct txn *, void *), void *arg)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		struct txn t = { .r = r, .db = r->db, .now = r->now,
				 .actor = r->who.token ? r->who.actor
					 : r->who.account ? r->who.email : "anonymous" };
		int rc = store_begin(r->db, write);
		if (rc == STORE_BUSY) {
			usleep(1000u << (attempt < 6 ? attempt : 6));
			continue;
		}
		if (rc != STORE_OK)
			break;
		if (work(&t, arg) != 0) {
			store_rollback(r->db);
			return -1;
		}
		rc = store_commit(r->db);
		if (rc == STORE_OK)
			return 0;
		store_rollback(r->db);
		if (rc != STORE_BUSY)
			break;
	}
	reply_error(r, 503, "busy", "the database is busy; retry in a moment");
	return -1;
}

int journal_append(struct txn *t, const char *action, int64_t structure, const char *subject,
		   json_t *details)
{
	static const char head[] = "SELECT seq, chain FROM journal ORDER BY seq DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO journal (seq, time, action, actor, structure_id, subject, details,"
		" digest, chain) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
	if (!t->have_head) {
		store_stmt *st = store_prep(t->db, head);
		memset(t->head_chain, 0, sizeof t->head_chain);
		t->head_seq = 0;
		if (store_step(st) == STORE_ROW) {
			size_t n;
			const void *c = store_col_blob(st, 1, &n);
			t->head_seq = store_col_int(st, 0);
			if (n == 32)
				memcpy(t->head_chain, c, 32);
		}
		t->have_head = 1;
	}
	if (!details)
		details = json_object();
	char when[32];
	iso_time(t->now, when);
	int64_t seq = t->head_seq + 1;
	json_t *entry = ac_journal_entry(seq, when, action, t->actor, structure, subject, details);
	uint8_t digest[32], chain[32];
	ac_journal_digest(entry, digest);
	ac_chain_next(t->head_chain, digest, chain);
	char *dtxt = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(entry);
	json_decref(details);

	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, seq);
	store_bind_text(st, 2, when);
	store_bind_text(st, 3, action);
	store_bind_text(st, 4, t->actor);
	if (structure)
		store_bind_int(st, 5, structure);
	else
		store_bind_null(st, 5);
	store_bind_text(st, 6, subject ? subject : "");
	store_bind_text(st, 7, dtxt);
	store_bind_blob(st, 8, digest, 32);
	store_bind_blob(st, 9, chain, 32);
	int rc = store_exec(st);
	free(dtxt);
	if (rc != STORE_DONE) {
		log_error("journal: cannot append %s: %s", action, store_errmsg(t->db));
		return -1;
	}
	t->head_seq = seq;
	memcpy(t->head_chain, chain, 32);
	return 0;
}
