/* store_pg.c — store.h on PostgreSQL (libpq): one connection per thread,
 * statements prepared once per connection, parameters as text (blobs as
 * binary bytea), results read row by row from the PGresult.
 *
 * What SQLite gives for free and PostgreSQL does not, kept here:
 * - one writer at a time: acd numbers rows MAX(id)+1 and appends the journal's
 *   chain from the head it read, which BEGIN IMMEDIATE makes safe on SQLite.
 *   A write transaction takes pg_advisory_xact_lock(WRITE_KEY) right after
 *   BEGIN, so writers queue on the database whatever acd they run in, and each
 *   statement of a READ COMMITTED transaction then sees every write committed
 *   before the lock was granted: the same meaning as BEGIN IMMEDIATE.
 * - a failed statement leaves the transaction usable (SQLite undoes just that
 *   statement; PostgreSQL aborts the whole transaction): a write inside a
 *   transaction runs under a savepoint of its own (sent with it in one
 *   pipeline: no extra round trip), so that a constraint violation is an
 *   answer the caller may act on (draw another serial, 409).
 * - a lost connection (PQstatus CONNECTION_BAD) is reset on the next
 *   store_conn_get or store_begin; until it comes back the calls answer
 *   STORE_BUSY or NULL, which acd turns into 503 with Retry-After.  A server
 *   that stops answering is a lost connection after ANSWER_MS (await). */
#include "ac.h"
#include "store_engine.h"
#include "store_pg_listen.h"
#include "log.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define CACHE_SLOTS 128
/* the advisory lock keys ('acd' and a number), one space with every other
 * user of the database: write transactions, migrations */
#define WRITE_KEY 0x61636401LL
#define MIGRATE_KEY 0x61636402LL
/* the longest a request's statement may wait for the server's answer: more
 * than lock_timeout (a writer queuing for the lock), less than forever */
#define ANSWER_MS 30000
#define BOOLOID 16
#define BYTEAOID 17

struct pg_stmt {
	store_stmt base;
	struct pg_conn *conn;
	const char *sql;
	char name[16];
	unsigned gen;  /* the connection's generation it was prepared on; 0: never */
	int write;     /* INSERT, UPDATE, DELETE or WITH: under a statement savepoint */
	int want;      /* the parameters the server counted */
	int nparams;   /* the slots below */
	char **vals;   /* owned copies, NULL for NULL */
	int *lens, *fmts;
	PGresult *res; /* the pending result, read row by row */
	int row, done;
	void **blobs;  /* this row's decoded bytea columns */
	int nblobs;
};

struct cache_slot {
	const char *sql; /* identity: the address of the caller's static text */
	struct pg_stmt *stmt;
};

struct pg_conn {
	store_conn base;
	PGconn *pg;
	struct pg *owner;
	unsigned gen;    /* counts connections (and resets): prepared names live in one */
	int in_txn;
	int lost;        /* broke since the last store_conn_get */
	int down;        /* the reset failed: said once, not at every request */
	int64_t changes;
	char err[512];
	struct cache_slot cache[CACHE_SLOTS];
	struct pg_conn *next;
};

struct pg {
	store base;
	char *url;
	pthread_key_t key;
	pthread_mutex_t lock;
	struct pg_conn *all; /* every connection, closed by store_close */
};

static const struct store_engine pg_engine;

static void set_err(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg && *msg ? msg : "unknown error");
	size_t n = strlen(err);
	while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
		err[--n] = 0;
}

/* Session settings of every connection: the busy timeout SQLite has (a
 * writer waits 10 s for the lock, then the request is retried or 503). */
static int setup(PGconn *pg, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, "SET lock_timeout = '10s'; SET client_encoding = 'UTF8';"
				 " SET standard_conforming_strings = on; SET bytea_output = 'hex'");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		set_err(err, errlen, PQerrorMessage(pg));
	PQclear(r);
	return ok ? 0 : -1;
}

/* The server's notices ("already exists, skipping" of a migration's IF NOT
 * EXISTS) are not errors: not written to stderr as libpq would. */
static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

PGconn *store_pg_connect(const char *url, char *err, size_t errlen)
{
	/* a server that does not answer the connection fails it in 5 s rather
	 * than hanging the request (a URL's own connect_timeout, after, wins) */
	const char *keys[] = { "connect_timeout", "dbname", "fallback_application_name", NULL };
	const char *vals[] = { "5", url, "acd", NULL };
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		set_err(err, errlen, pg ? PQerrorMessage(pg) : "out of memory");
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, quiet, NULL);
	if (setup(pg, err, errlen)) {
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

/* One simple-protocol command (or several, ';'-separated); 0 or -1 with err. */
static int simple(PGconn *pg, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok && err)
		set_err(err, errlen, PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r)
								 : PQerrorMessage(pg));
	PQclear(r);
	return ok ? 0 : -1;
}

static int exec_simple(void *pg, const char *sql, char *err, size_t errlen)
{
	return simple(pg, sql, err, errlen);
}

/* The first column of the first row as an integer; dflt without one. */
static long long scalar(PGconn *pg, const char *sql, long long dflt)
{
	PGresult *r = PQexec(pg, sql);
	long long v = dflt;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
		const char *t = PQgetvalue(r, 0, 0);
		v = PQftype(r, 0) == BOOLOID ? *t == 't' : strtoll(t, NULL, 10);
	}
	PQclear(r);
	return v;
}

/* Migrations, once whichever acd starts first: the others wait on the
 * session's advisory lock, then find them done.  schema_version is the same
 * table as on SQLite. */
static int migrate(PGconn *pg, enum store_mode mode, char *err, size_t errlen)
{
	char sql[128];
	/* as long as another acd's migrations take, not the writers' 10 s */
	snprintf(sql, sizeof sql, "SET lock_timeout = 0; SELECT pg_advisory_lock(%lld)", MIGRATE_KEY);
	if (simple(pg, sql, err, errlen))
		return -1;
	int rc = -1;
	long long have_table = scalar(pg, "SELECT to_regclass('schema_version') IS NOT NULL", -1);
	if (have_table < 0) {
		set_err(err, errlen, PQerrorMessage(pg));
		goto out;
	}
	if (mode == STORE_CREATE && have_table) {
		snprintf(err, errlen, "the database already holds an acd schema: refusing to overwrite it");
		goto out;
	}
	if (mode != STORE_CREATE && !have_table) {
		snprintf(err, errlen, "the database holds no acd schema (create it with acd init)");
		goto out;
	}
	if (mode == STORE_AS_IS) {
		rc = 0;
		goto out;
	}
	if (simple(pg, "BEGIN; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
		   err, errlen))
		goto fail;
	int have = (int)scalar(pg, "SELECT COALESCE(MAX(version), 0) FROM schema_version", 0);
	if (store_migrate(have, exec_simple, pg, err, errlen))
		goto fail;
	rc = simple(pg, "COMMIT", err, errlen);
	goto out;
fail:
	simple(pg, "ROLLBACK", NULL, 0);
out:
	snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%lld)", MIGRATE_KEY);
	simple(pg, sql, NULL, 0);
	return rc;
}

store *store_pg_open(const char *url, enum store_mode mode, char *err, size_t errlen)
{
	char why[400];
	PGconn *pg = store_pg_connect(url, why, sizeof why);
	if (!pg) {
		snprintf(err, errlen, "cannot connect to the PostgreSQL database: %s", why);
		return NULL;
	}
	int rc = migrate(pg, mode, err, errlen);
	PQfinish(pg);
	if (rc)
		return NULL;
	struct pg *s = calloc(1, sizeof *s);
	s->base.e = &pg_engine;
	s->url = strdup(url);
	pthread_key_create(&s->key, NULL);
	pthread_mutex_init(&s->lock, NULL);
	return &s->base;
}

static void stmt_clear(struct pg_stmt *s)
{
	for (int i = 0; i < s->nblobs; i++) {
		free(s->blobs[i]);
		s->blobs[i] = NULL;
	}
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->done = 0;
}

static void stmt_unbind(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
	}
}

static void stmt_free(struct pg_stmt *s)
{
	stmt_clear(s);
	stmt_unbind(s);
	free(s->vals);
	free(s->lens);
	free(s->fmts);
	free(s->blobs);
	free(s);
}

static void conn_free(struct pg_conn *c)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->cache[i].stmt)
			stmt_free(c->cache[i].stmt);
	PQfinish(c->pg);
	free(c);
}

static void pg_close(store *s_)
{
	struct pg *s = (struct pg *)s_;
	for (struct pg_conn *c = s->all, *n; c; c = n) {
		n = c->next;
		conn_free(c);
	}
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->lock);
	free(s->url);
	free(s);
}

static void clear_all(struct pg_conn *c)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->cache[i].stmt)
			stmt_clear(c->cache[i].stmt);
}

/* A connection the server closed is seen only when read: read what waits
 * (never blocks), and reset a broken one.  0 when usable. */
static int alive(struct pg_conn *c)
{
	/* a server that went away left its last message, then the end of the
	 * stream: the first read takes the message, the second meets the end */
	for (int i = 0; i < 2 && PQstatus(c->pg) == CONNECTION_OK && !c->in_txn; i++)
		PQconsumeInput(c->pg);
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	clear_all(c);
	c->in_txn = 0;
	PQreset(c->pg);
	char err[256];
	if (PQstatus(c->pg) != CONNECTION_OK || setup(c->pg, err, sizeof err)) {
		set_err(c->err, sizeof c->err, PQerrorMessage(c->pg));
		if (!c->down)
			log_error("store: the PostgreSQL connection is lost: %s", c->err);
		c->down = 1;
		return -1;
	}
	c->gen++; /* the statements prepared before are gone with the old session */
	c->down = 0;
	log_info("store: the PostgreSQL connection is back");
	return 0;
}

static store_conn *pg_conn_get(store *s_)
{
	struct pg *s = (struct pg *)s_;
	struct pg_conn *c = pthread_getspecific(s->key);
	if (c) {
		c->lost = 0;
		return alive(c) ? NULL : &c->base;
	}
	c = calloc(1, sizeof *c);
	char err[400];
	if (!c || !(c->pg = store_pg_connect(s->url, err, sizeof err))) {
		log_error("store: cannot connect to PostgreSQL: %s", c ? err : "out of memory");
		free(c);
		return NULL;
	}
	c->base.e = &pg_engine;
	c->owner = s;
	c->gen = 1;
	pthread_mutex_lock(&s->lock);
	c->next = s->all;
	s->all = c;
	pthread_mutex_unlock(&s->lock);
	pthread_setspecific(s->key, c);
	return &c->base;
}

/* SQLSTATE classes as store.h's codes; the message kept for store_errmsg. */
static int code_of(struct pg_conn *c, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r)
							     : PQerrorMessage(c->pg);
	set_err(c->err, sizeof c->err, msg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		c->lost = 1;
		return STORE_BUSY; /* reset at the next begin or request */
	}
	if (!state)
		return STORE_ERR;
	if (!strncmp(state, "23", 2)) /* unique, foreign key, not null, check */
		return STORE_CONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	    !strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return STORE_BUSY; /* serialization, deadlock, lock timeout, connection, shutdown */
	return STORE_ERR;
}

/* Waits until a result can be read without blocking, ANSWER_MS at most: a
 * server that accepts but never answers (its processes stopped, a network
 * dropping packets) would otherwise hold the request forever.  On timeout
 * the socket is shut down, so libpq sees the connection broken and alive()
 * makes it again at the next request.  0, or -1. */
static int await(struct pg_conn *c)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (PQisBusy(c->pg)) {
		if (PQstatus(c->pg) != CONNECTION_OK)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long left = ANSWER_MS - ((t1.tv_sec - t0.tv_sec) * 1000 +
					 (t1.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = { .fd = PQsocket(c->pg), .events = POLLIN };
		int n = left > 0 ? poll(&p, 1, (int)left) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			log_error("store: PostgreSQL did not answer in %d s: connection given up",
				  ANSWER_MS / 1000);
			shutdown(PQsocket(c->pg), SHUT_RDWR);
			PQconsumeInput(c->pg); /* meets the end: CONNECTION_BAD */
			return -1;
		}
		if (n < 0 || !PQconsumeInput(c->pg))
			return -1;
	}
	return 0;
}

/* The next result of what was sent (NULL after the last, or on timeout). */
static PGresult *next_result(struct pg_conn *c)
{
	return await(c) ? NULL : PQgetResult(c->pg);
}

/* PQexec's answer (the first error, or the last result) to what was sent,
 * within ANSWER_MS; NULL when it was not sent or not answered. */
static PGresult *answer(struct pg_conn *c, int sent)
{
	if (!sent)
		return NULL;
	PGresult *keep = NULL, *r;
	while ((r = next_result(c))) {
		if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
			PQclear(r);
		} else {
			PQclear(keep);
			keep = r;
		}
	}
	return keep;
}

static PGresult *exec_sql(struct pg_conn *c, const char *sql)
{
	return answer(c, PQsendQuery(c->pg, sql));
}

static int run(struct pg_conn *c, const char *sql)
{
	PGresult *r = exec_sql(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? STORE_OK : code_of(c, r);
	if (rc == STORE_OK && !strcmp(PQcmdStatus(r), "ROLLBACK") && !strncmp(sql, "COMMIT", 6)) {
		/* COMMIT of a transaction a failed statement aborted */
		snprintf(c->err, sizeof c->err, "the transaction was aborted: rolled back");
		rc = STORE_ERR;
	}
	if (rc != STORE_OK && rc != STORE_BUSY)
		log_error("store: %s: %s", sql, c->err);
	PQclear(r);
	return rc;
}

static void pg_idle(store_conn *c_) { clear_all((struct pg_conn *)c_); }

static int pg_begin(store_conn *c_, int write)
{
	struct pg_conn *c = (struct pg_conn *)c_;
	clear_all(c);
	if (c->in_txn) { /* left open by a caller: as SQLite would, refuse */
		snprintf(c->err, sizeof c->err, "a transaction is already open");
		return STORE_ERR;
	}
	if (alive(c))
		return STORE_BUSY;
	char sql[160];
	/* reads: one snapshot for the whole transaction (an export, acd check, a
	 * page of figures), as SQLite's read transaction; read only, so they never
	 * fail on serialization.  Writes: see the top of this file. */
	if (write)
		snprintf(sql, sizeof sql, "BEGIN ISOLATION LEVEL READ COMMITTED;"
			 " SELECT pg_advisory_xact_lock(%lld)", WRITE_KEY);
	else
		snprintf(sql, sizeof sql, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	int rc = run(c, sql);
	if (rc != STORE_OK) {
		if (PQstatus(c->pg) == CONNECTION_OK)
			PQclear(exec_sql(c, "ROLLBACK"));
		return rc;
	}
	c->in_txn = 1;
	return STORE_OK;
}

static int pg_commit(store_conn *c_)
{
	struct pg_conn *c = (struct pg_conn *)c_;
	clear_all(c);
	int rc = run(c, "COMMIT");
	c->in_txn = 0; /* committed, or rolled back by the server */
	/* a connection lost during COMMIT leaves it unknown whether it took:
	 * not busy (which txn.c would run again), an error (503 all the same) */
	if (rc == STORE_BUSY && PQstatus(c->pg) != CONNECTION_OK)
		rc = STORE_ERR;
	return rc;
}

static void pg_rollback(store_conn *c_)
{
	struct pg_conn *c = (struct pg_conn *)c_;
	clear_all(c);
	if (c->in_txn && PQstatus(c->pg) == CONNECTION_OK)
		PQclear(exec_sql(c, "ROLLBACK"));
	c->in_txn = 0;
}

static int pg_savepoint(store_conn *c_) { return run((struct pg_conn *)c_, "SAVEPOINT line"); }
static void pg_savepoint_release(store_conn *c_) { run((struct pg_conn *)c_, "RELEASE line"); }
static void pg_savepoint_rollback(store_conn *c_)
{
	run((struct pg_conn *)c_, "ROLLBACK TO line; RELEASE line");
}

static int is_write(const char *sql)
{
	while (*sql == ' ' || *sql == '\t' || *sql == '\n')
		sql++;
	return !strncasecmp(sql, "INSERT", 6) || !strncasecmp(sql, "UPDATE", 6) ||
	       !strncasecmp(sql, "DELETE", 6) || !strncasecmp(sql, "WITH", 4);
}

static store_stmt *pg_prep(store_conn *c_, const char *sql)
{
	struct pg_conn *c = (struct pg_conn *)c_;
	size_t h = ((uintptr_t)sql >> 4) % CACHE_SLOTS;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct cache_slot *slot = &c->cache[(h + i) % CACHE_SLOTS];
		if (slot->sql == sql) {
			stmt_clear(slot->stmt);
			stmt_unbind(slot->stmt);
			return &slot->stmt->base;
		}
		if (!slot->sql) {
			struct pg_stmt *s = calloc(1, sizeof *s);
			s->base.e = &pg_engine;
			s->conn = c;
			s->sql = sql;
			s->write = is_write(sql);
			s->row = -1;
			snprintf(s->name, sizeof s->name, "s%zu", (h + i) % CACHE_SLOTS);
			slot->sql = sql;
			slot->stmt = s;
			return &s->base;
		}
	}
	log_error("store: statement cache full");
	abort();
}

/* Bindings come before the statement is prepared (its count unknown): the
 * slots grow to the highest index bound, or the server's count. */
static void grow(struct pg_stmt *s, int n)
{
	s->vals = realloc(s->vals, (size_t)n * sizeof *s->vals);
	s->lens = realloc(s->lens, (size_t)n * sizeof *s->lens);
	s->fmts = realloc(s->fmts, (size_t)n * sizeof *s->fmts);
	for (int k = s->nparams; k < n; k++) {
		s->vals[k] = NULL;
		s->lens[k] = s->fmts[k] = 0;
	}
	s->nparams = n;
}

/* Prepared on this connection (again after a reset); the parameters' count
 * from the server, so that binding needs no SQL parser of ours. */
static int ensure_prepared(struct pg_stmt *s)
{
	struct pg_conn *c = s->conn;
	if (s->gen == c->gen)
		return STORE_OK;
	PGresult *r = answer(c, PQsendPrepare(c->pg, s->name, s->sql, 0, NULL));
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		int rc = code_of(c, r);
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		PQclear(r);
		if (state && !strncmp(state, "42", 2)) { /* syntax, unknown column: a programming error */
			log_error("store: prepare: %s: %s", c->err, s->sql);
			abort();
		}
		return rc;
	}
	PQclear(r);
	r = answer(c, PQsendDescribePrepared(c->pg, s->name));
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		int rc = code_of(c, r);
		PQclear(r);
		return rc;
	}
	s->want = PQnparams(r);
	PQclear(r);
	if (s->want > s->nparams)
		grow(s, s->want);
	s->gen = c->gen;
	return STORE_OK;
}

static void slot_set(struct pg_stmt *s, int i, char *v, int len, int fmt)
{
	if (i < 1) {
		free(v);
		return;
	}
	if (i > s->nparams)
		grow(s, i);
	free(s->vals[i - 1]);
	s->vals[i - 1] = v;
	s->lens[i - 1] = len;
	s->fmts[i - 1] = fmt;
}

static void pg_bind_int(store_stmt *s_, int i, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	slot_set((struct pg_stmt *)s_, i, strdup(buf), 0, 0);
}
static void pg_bind_text(store_stmt *s_, int i, const char *v)
{
	slot_set((struct pg_stmt *)s_, i, v ? strdup(v) : NULL, 0, 0);
}
static void pg_bind_blob(store_stmt *s_, int i, const void *v, size_t n)
{
	char *copy = malloc(n ? n : 1);
	if (n)
		memcpy(copy, v, n);
	slot_set((struct pg_stmt *)s_, i, copy, (int)n, 1); /* bytea, binary */
}
static void pg_bind_null(store_stmt *s_, int i) { slot_set((struct pg_stmt *)s_, i, NULL, 0, 0); }
static void pg_reset(store_stmt *s_) { stmt_clear((struct pg_stmt *)s_); }

/* A write inside a transaction, under its own savepoint, in one round trip:
 * SAVEPOINT, the statement and RELEASE sent as one pipeline.  The
 * statement's result; *kept: whether the savepoint is still open (the
 * statement failed, so the pipeline skipped the RELEASE). */
static PGresult *exec_guarded(struct pg_stmt *s, int *kept)
{
	struct pg_conn *c = s->conn;
	PGconn *pg = c->pg;
	*kept = 0;
	if (!PQenterPipelineMode(pg))
		return NULL;
	PGresult *out = NULL, *r;
	int sp_ok = 0;
	if (PQsendQueryParams(pg, "SAVEPOINT acd_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	    PQsendQueryPrepared(pg, s->name, s->want, (const char *const *)s->vals, s->lens, s->fmts,
				0) &&
	    PQsendQueryParams(pg, "RELEASE acd_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	    PQpipelineSync(pg)) {
		/* each query's results end with a NULL; then the sync's own result */
		for (int q = 0; q < 3; q++)
			while ((r = next_result(c))) {
				if (q == 0)
					sp_ok = PQresultStatus(r) == PGRES_COMMAND_OK;
				if (q == 1 && !out)
					out = r;
				else
					PQclear(r);
			}
		while ((r = next_result(c))) {
			int sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
			PQclear(r);
			if (sync)
				break;
		}
	}
	PQexitPipelineMode(pg);
	ExecStatusType st = PQresultStatus(out);
	*kept = sp_ok && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK;
	return out;
}

static int execute(struct pg_stmt *s)
{
	struct pg_conn *c = s->conn;
	if (PQstatus(c->pg) != CONNECTION_OK) {
		set_err(c->err, sizeof c->err, PQerrorMessage(c->pg));
		c->lost = 1;
		return STORE_BUSY;
	}
	int rc = ensure_prepared(s);
	if (rc != STORE_OK)
		return rc;
	int kept = 0;
	PGresult *r = s->write && c->in_txn
		? exec_guarded(s, &kept)
		: answer(c, PQsendQueryPrepared(c->pg, s->name, s->want,
						(const char *const *)s->vals, s->lens, s->fmts, 0));
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		if (s->write)
			c->changes = strtoll(PQcmdTuples(r), NULL, 10);
		s->res = r;
		s->row = -1;
		return STORE_OK;
	}
	rc = code_of(c, r);
	PQclear(r);
	if (rc != STORE_CONSTRAINT && rc != STORE_BUSY)
		log_error("store: step: %s", c->err);
	if (kept && PQstatus(c->pg) == CONNECTION_OK) /* the statement undone, the transaction goes on */
		PQclear(exec_sql(c, "ROLLBACK TO acd_stmt; RELEASE acd_stmt"));
	return rc;
}

static int pg_step(store_stmt *s_)
{
	struct pg_stmt *s = (struct pg_stmt *)s_;
	if (s->done)
		return STORE_DONE;
	if (!s->res) {
		int rc = execute(s);
		if (rc != STORE_OK)
			return rc;
	}
	for (int i = 0; i < s->nblobs; i++) {
		free(s->blobs[i]);
		s->blobs[i] = NULL;
	}
	if (++s->row < PQntuples(s->res))
		return STORE_ROW;
	s->done = 1;
	return STORE_DONE;
}

static int64_t pg_col_int(store_stmt *s_, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)s_;
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col >= PQnfields(s->res))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == BOOLOID) /* a comparison: SQLite answers 0 or 1 */
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(store_stmt *s_, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)s_;
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col >= PQnfields(s->res))
		return "";
	return PQgetvalue(s->res, s->row, col); /* "" for NULL */
}

/* A bytea column comes as text "\x" and hex digits: decoded once per row. */
static const void *pg_col_blob(store_stmt *s_, int col, size_t *n)
{
	struct pg_stmt *s = (struct pg_stmt *)s_;
	*n = 0;
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	size_t len = (size_t)PQgetlength(s->res, s->row, col);
	if (PQftype(s->res, col) != BYTEAOID) { /* text read as bytes, as SQLite does */
		*n = len;
		return v;
	}
	if (col >= s->nblobs) {
		int want = PQnfields(s->res);
		s->blobs = realloc(s->blobs, (size_t)want * sizeof *s->blobs);
		for (int i = s->nblobs; i < want; i++)
			s->blobs[i] = NULL;
		s->nblobs = want;
	}
	if (!s->blobs[col]) {
		if (len < 2 || v[0] != '\\' || v[1] != 'x') {
			log_error("store: a bytea column not in hex form");
			return NULL;
		}
		size_t out = (len - 2) / 2;
		unsigned char *b = malloc(out ? out : 1);
		for (size_t i = 0; i < out; i++)
			b[i] = (unsigned char)(ac_hexval(v[2 + 2 * i]) << 4 | ac_hexval(v[3 + 2 * i]));
		s->blobs[col] = b;
	}
	*n = (len - 2) / 2;
	return s->blobs[col];
}

static int pg_col_null(store_stmt *s_, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)s_;
	if (!s->res || s->row < 0 || s->row >= PQntuples(s->res) || col >= PQnfields(s->res))
		return 1;
	return PQgetisnull(s->res, s->row, col);
}

static int64_t pg_changes(store_conn *c_) { return ((struct pg_conn *)c_)->changes; }
static const char *pg_errmsg(store_conn *c_) { return ((struct pg_conn *)c_)->err; }
static int pg_lost(store_conn *c_) { return ((struct pg_conn *)c_)->lost; }
static int pg_in_txn(store_conn *c_)
{
	return PQtransactionStatus(((struct pg_conn *)c_)->pg) != PQTRANS_IDLE;
}

/* PostgreSQL has no switch that zeroes what a delete frees: the purged rows
 * stay in their pages until VACUUM reuses the space (store_truncate_log runs
 * it), and in the write-ahead log until its segments are recycled.  Said in
 * acd(8); the purge itself goes on. */
static int pg_secure_delete(store_conn *c_)
{
	(void)c_;
	log_info("store: PostgreSQL does not zero deleted rows on disk; acd purge runs VACUUM after,"
		 " and the server's WAL keeps them until its segments are recycled");
	return 0;
}

static int pg_truncate_log(store_conn *c_)
{
	struct pg_conn *c = (struct pg_conn *)c_;
	/* acd purge's, outside a transaction: as long as it takes (not ANSWER_MS) */
	PGresult *r = PQexec(c->pg, "VACUUM");
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? STORE_OK : code_of(c, r);
	if (rc != STORE_OK)
		log_error("store: VACUUM: %s", c->err);
	PQclear(r);
	return rc == STORE_OK ? 0 : rc == STORE_BUSY ? STORE_BUSY : STORE_ERR;
}

static int pg_backup(store_conn *c_, const char *to, char *err, size_t errlen)
{
	(void)c_;
	(void)to;
	snprintf(err, errlen, "acd backup copies SQLite databases only; on PostgreSQL use the"
		 " server's tools (pg_dump --format=custom, or pg_basebackup with WAL archiving)");
	return -1;
}

/* What acd can check from a connection: every constraint validated and every
 * index valid (a failed CREATE INDEX CONCURRENTLY leaves one invalid).  The
 * pages themselves are the server's: data checksums and pg_amcheck. */
static int pg_integrity(store_conn *c_, char *err, size_t errlen)
{
	struct pg_conn *c = (struct pg_conn *)c_;
	long long bad_fk = scalar(c->pg, "SELECT COUNT(*) FROM pg_constraint k JOIN pg_namespace n"
				  " ON n.oid = k.connamespace WHERE n.nspname = current_schema()"
				  " AND NOT k.convalidated", -1);
	long long bad_ix = scalar(c->pg, "SELECT COUNT(*) FROM pg_index i JOIN pg_class t"
				  " ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
				  " WHERE n.nspname = current_schema() AND NOT i.indisvalid", -1);
	if (bad_fk < 0 || bad_ix < 0)
		return -1;
	if (bad_fk || bad_ix) {
		snprintf(err, errlen, "%lld constraints not validated, %lld indexes invalid", bad_fk,
			 bad_ix);
		return 1;
	}
	log_info("store: PostgreSQL: constraints and indexes checked; the pages are the server's"
		 " (data checksums, pg_amcheck)");
	return 0;
}

/* NOTIFY channel: sent at COMMIT, to every session listening on it. */
static int pg_notify(store_conn *c_, const char *channel)
{
	static const char q[] = "SELECT pg_notify($1, '')";
	store_stmt *st = pg_prep(c_, q);
	if (!st)
		return STORE_ERR;
	pg_bind_text(st, 1, channel);
	return store_exec(st);
}

static int pg_listen(store *s_, const char *channel, void (*cb)(void))
{
	return pg_listener_start(((struct pg *)s_)->url, channel, cb);
}

static void pg_listen_stop(store *s_)
{
	(void)s_;
	pg_listener_stop();
}

static const struct store_engine pg_engine = {
	.close = pg_close,
	.notify = pg_notify,
	.listen = pg_listen,
	.listen_stop = pg_listen_stop,
	.conn_get = pg_conn_get,
	.idle = pg_idle,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.savepoint = pg_savepoint,
	.savepoint_release = pg_savepoint_release,
	.savepoint_rollback = pg_savepoint_rollback,
	.prep = pg_prep,
	.reset = pg_reset,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.col_null = pg_col_null,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.lost = pg_lost,
	.in_txn = pg_in_txn,
	.secure_delete = pg_secure_delete,
	.truncate_log = pg_truncate_log,
	.backup = pg_backup,
	.integrity = pg_integrity,
};
