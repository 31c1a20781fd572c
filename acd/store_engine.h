/* store_engine.h — what an engine gives store.c: one table of functions.
 * Every store, connection and statement begins with its engine's table, so
 * store.c dispatches on the object itself (two engines can be open at once,
 * as a migration from one to the other needs).  Engines only: callers use
 * store.h. */
#ifndef STORE_ENGINE_H
#define STORE_ENGINE_H

#include "store.h"

struct store_engine {
	void (*close)(store *);
	store_conn *(*conn_get)(store *);
	store_conn *(*conn_group)(store *); /* NULL: no group commit (txn_run instead) */
	int (*in_txn)(store_conn *);
	void (*idle)(store_conn *);
	int (*begin)(store_conn *, int write);
	int (*commit)(store_conn *);
	void (*rollback)(store_conn *);
	int (*savepoint)(store_conn *);
	void (*savepoint_release)(store_conn *);
	void (*savepoint_rollback)(store_conn *);
	store_stmt *(*prep)(store_conn *, const char *sql);
	void (*reset)(store_stmt *); /* ends a pending read, keeps the bindings */
	void (*bind_int)(store_stmt *, int idx, int64_t v);
	void (*bind_text)(store_stmt *, int idx, const char *v);
	void (*bind_blob)(store_stmt *, int idx, const void *v, size_t n);
	void (*bind_null)(store_stmt *, int idx);
	int (*step)(store_stmt *);
	int64_t (*col_int)(store_stmt *, int col);
	const char *(*col_text)(store_stmt *, int col);
	const void *(*col_blob)(store_stmt *, int col, size_t *n);
	int (*col_null)(store_stmt *, int col);
	int64_t (*changes)(store_conn *);
	const char *(*errmsg)(store_conn *);
	int (*lost)(store_conn *);
	int (*secure_delete)(store_conn *);
	int (*truncate_log)(store_conn *);
	int (*backup)(store_conn *, const char *to, char *err, size_t errlen);
	int (*integrity)(store_conn *, char *err, size_t errlen);
	int (*tables)(store_conn *, struct store_table *, int max, int *n, char *err, size_t errlen); /* NULL: none */
	int (*notify)(store_conn *, const char *channel);            /* NULL: none */
	int (*listen)(store *, const char *channel, void (*cb)(void)); /* NULL: none */
	void (*listen_stop)(store *);
};

/* The first member of every engine's store, connection and statement. */
struct store { const struct store_engine *e; };
struct store_conn { const struct store_engine *e; };
struct store_stmt { const struct store_engine *e; };

/* The migrations newer than have, each with its schema_version row, run
 * by exec on conn inside the engine's open transaction; a schema newer than
 * this acd's refused.  0, or -1 with err. */
int store_migrate(int have, int (*exec)(void *, const char *, char *, size_t), void *conn,
		  char *err, size_t errlen);

store *store_sqlite_open(const char *path, enum store_mode mode, char *err, size_t errlen);
store *store_pg_open(const char *url, enum store_mode mode, char *err, size_t errlen);

#endif
