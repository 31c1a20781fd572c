/* txn.c — the transaction runner and the journal's append. */
#include "txn.h"
#include "log.h"
#include "server.h"
#include "ac.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ATTEMPTS 20

static struct txn txn_of(struct req *r, store_conn *db)
{
	return (struct txn){ .r = r, .db = db, .now = r->now,
			     .actor = r->who.token ? r->who.actor
				     : r->who.account ? r->who.email : "anonymous" };
}

static void pause_before(int attempt) { usleep(1000u << (attempt < 6 ? attempt : 6)); }

int txn_run(struct req *r, int write, int (*work)(struct txn *, void *), void *arg)
{
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		struct txn t = txn_of(r, r->db);
		int rc = store_begin(r->db, write);
		if (rc == STORE_BUSY) {
			pause_before(attempt);
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

/* Group commit.  A request that waits for the shared commit parks its
 * connection (MHD suspend) instead of blocking its server thread: that
 * thread serves its other connections meanwhile, and one thread, the
 * committer, takes the whole queue as one batch.  (Blocked server threads
 * made batches small: MHD keeps a connection on one pool thread, and two
 * logins of one thread could never share a commit.) */
struct gwrite {
	struct req *r;
	int (*work)(struct txn *, void *);
	void *arg;
	int rc;                 /* the committer's (read after the resumption,
				 * under g_lock): 1 to run, then 0 committed,
				 * -1 work failed, -2 busy */
	struct gwrite *next;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_work = PTHREAD_COND_INITIALIZER;
static struct gwrite *g_head, **g_tail = &g_head;
static int g_started, g_stop;
static pthread_t g_thread;

/* The journal head as the batch's works leave it: each entry chains from
 * the one before it in the same transaction, and a rolled-back work's
 * entries are forgotten with it. */
struct head {
	int have;
	int64_t seq;
	uint8_t chain[32];
};

/* Runs the works not done yet, each under a savepoint; 0 when committed,
 * else STORE_BUSY or STORE_ERR (every work's part rolled back). */
static int batch_once(store_conn *db, struct gwrite *b)
{
	int rc = store_begin(db, 1);
	if (rc != STORE_OK)
		return rc;
	struct head h = { 0 };
	for (struct gwrite *g = b; g; g = g->next) {
		if (g->rc < 0)
			continue; /* failed in an earlier attempt: its answer stands */
		if (store_savepoint(db) != STORE_OK)
			goto lost;
		struct txn t = txn_of(g->r, db);
		t.have_head = h.have;
		t.head_seq = h.seq;
		memcpy(t.head_chain, h.chain, 32);
		if (g->work(&t, g->arg) != 0) {
			g->rc = -1;
			if (!store_in_txn(db))
				goto lost; /* it took the others' parts with it: run them again */
			store_savepoint_rollback(db);
			continue;
		}
		store_savepoint_release(db);
		h.have = t.have_head;
		h.seq = t.head_seq;
		memcpy(h.chain, t.head_chain, 32);
	}
	if (!store_in_txn(db))
		goto lost;
	rc = store_commit(db);
	if (rc == STORE_OK)
		return 0;
	store_rollback(db);
	return rc;
lost:
	store_rollback(db);
	return STORE_BUSY;
}

static void batch_run(store_conn *db, struct gwrite *b)
{
	int rc = STORE_BUSY;
	for (int attempt = 0; attempt < ATTEMPTS && rc == STORE_BUSY; attempt++) {
		rc = batch_once(db, b);
		if (rc == STORE_BUSY)
			pause_before(attempt);
	}
	for (struct gwrite *g = b; g; g = g->next)
		if (g->rc > 0)
			g->rc = rc == STORE_OK ? 0 : -2;
}

static void *committer(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&g_lock);
	for (;;) {
		while (!g_head && !g_stop)
			pthread_cond_wait(&g_work, &g_lock);
		if (!g_head)
			break; /* stopping, and nothing left to commit */
		struct gwrite *b = g_head;
		g_head = NULL;
		g_tail = &g_head;
		pthread_mutex_unlock(&g_lock);
		for (struct gwrite *g = b; g; g = g->next)
			g->rc = 1;
		store_conn *db = store_conn_group(srv.db);
		if (db)
			batch_run(db, b);
		else
			for (struct gwrite *g = b; g; g = g->next)
				g->rc = -2;
		pthread_mutex_lock(&g_lock);
		for (struct gwrite *g = b, *n; g; g = n) {
			n = g->next; /* g may be gone once resumed */
			MHD_resume_connection(g->r->mc);
		}
	}
	pthread_mutex_unlock(&g_lock);
	return NULL;
}

/* Parks the request in the queue: 1, or 0 when no committer can run. */
static int park(struct req *r, int (*work)(struct txn *, void *), void *arg)
{
	struct gwrite *g = calloc(1, sizeof *g);
	if (!g)
		return 0;
	*g = (struct gwrite){ .r = r, .work = work, .arg = arg };
	pthread_mutex_lock(&g_lock);
	if (!g_started && !g_stop)
		g_started = pthread_create(&g_thread, NULL, committer, NULL) == 0;
	if (!g_started || g_stop) {
		pthread_mutex_unlock(&g_lock);
		free(g);
		return 0;
	}
	/* suspended before the committer can see it, so never resumed first */
	MHD_suspend_connection(r->mc);
	r->suspended = 1;
	r->group = g;
	*g_tail = g;
	g_tail = &g->next;
	pthread_cond_signal(&g_work);
	pthread_mutex_unlock(&g_lock);
	return 1;
}

int txn_run_grouped(struct req *r, int (*work)(struct txn *, void *), void *arg)
{
	if (!r->group) {
		if (store_groups(srv.db) && park(r, work, arg))
			return TXN_PARKED;
		return txn_run(r, 1, work, arg);
	}
	/* resumed: the committer is done with it */
	struct gwrite *g = r->group;
	pthread_mutex_lock(&g_lock);
	int rc = g->rc;
	pthread_mutex_unlock(&g_lock);
	free(g);
	r->group = NULL;
	if (rc == -2)
		reply_error(r, 503, "busy", "the database is busy; retry in a moment");
	return rc == 0 ? 0 : -1;
}

void txn_groups_stop(void)
{
	pthread_mutex_lock(&g_lock);
	g_stop = 1;
	pthread_cond_signal(&g_work);
	int started = g_started;
	pthread_mutex_unlock(&g_lock);
	if (started)
		pthread_join(g_thread, NULL);
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
