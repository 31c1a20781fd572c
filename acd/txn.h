/* txn.h — one state change = one transaction: BEGIN, the work, its journal
 * entries, COMMIT; retried when the database is busy.  Bulk requests run every
 * line in one transaction, each line under a savepoint. */
#ifndef TXN_H
#define TXN_H

#include "req.h"

struct txn {
	struct req *r;
	store_conn *db;
	time_t now;
	const char *actor;      /* journal actor: the caller's email by default,
				 * "token:ID" for an API token */
	int64_t usager;         /* an usager acting in their own space ("usager:ID"
				 * as actor), not an account: 0 by default */
	const char *revocation_reason; /* set by a structure's deactivation (an operator's
				 * act): mandate_revoke then needs no aidant */
	int have_head;          /* the journal head, cached across appends */
	int64_t head_seq;
	uint8_t head_chain[32];
};

/* work returns 0 to commit, non-zero to roll back.  txn_run returns 0 when
 * committed.  When work failed it returns -1 and leaves the reply to the
 * caller (work knows why); it replies 503 itself when the database stayed
 * busy.  A handler that replies nothing gets http.c's 500. */
int txn_run(struct req *r, int write, int (*work)(struct txn *, void *), void *arg);

/* A write like txn_run(r, 1, work, arg), whose commit is shared with the
 * writes of other requests waiting at the same moment.  The request is
 * parked (its connection suspended; its server thread goes on serving
 * others) and txn_run_grouped returns TXN_PARKED: the handler returns at
 * once.  The committer thread runs every parked request's work in one
 * transaction, each under its own savepoint (a failed work rolls back only
 * its own part), commits once (one fsync for all), and only then resumes
 * each connection: the handler runs again, calls txn_run_grouped again with
 * the same arguments and gets txn_run's return value.  So an acknowledged
 * write is as durable as with txn_run.  arg must live in the request (it is
 * used after the handler returned); work runs on the committer's thread and
 * connection: it must use t->db (never t->r->db) and must not reply.
 * Without groups (PostgreSQL) it is txn_run. */
#define TXN_PARKED 1
int txn_run_grouped(struct req *r, int (*work)(struct txn *, void *), void *arg);
/* Lets the committer finish what is parked, then stops it (at shutdown,
 * before MHD_stop_daemon; later grouped writes are txn_run's). */
void txn_groups_stop(void);

/* Appends a journal entry in t's transaction; details is stolen (may be NULL).
 * structure 0 means none.  Returns 0, or -1 (the transaction must roll back). */
int journal_append(struct txn *t, const char *action, int64_t structure, const char *subject,
		   json_t *details);

/* One item of a single or bulk request: fills out (an object) or f. */
typedef int (*item_fn)(struct txn *t, json_t *in, json_t *out, struct fail *f);

/* Runs fn over the body: one JSON object (reply: the object, or the error) or
 * NDJSON lines (reply: one result line per input line, in order). */
int run_items(struct req *r, const struct field *spec, item_fn fn);
/* The same, with after(result) on each item done, once committed (its mails),
 * before the reply. */
int run_items_then(struct req *r, const struct field *spec, item_fn fn, void (*after)(json_t *));

/* The lines one bulk body of the pipeline's routes (applications,
 * habilitation requests, trainings) holds at most. */
#define BULK_LINES_MAX 10000
/* Whether an NDJSON body has more than max lines, then refused whole with
 * 413 too_many_lines before any change (the reply made). */
int req_lines_over(struct req *r, size_t max);

#endif
