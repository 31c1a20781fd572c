/* store.h — the database behind acd, engine-neutral.
 *
 * One connection per server thread (opened on first use), prepared statements
 * cached per connection by the address of their SQL text, so callers write
 *     static const char q[] = "SELECT ... WHERE id = $1";
 *     store_stmt *st = store_prep(c, q);
 * SQL uses $1..$n placeholders (numbered in order of first use): both SQLite
 * and PostgreSQL read them.  Nothing engine-specific leaves store_<engine>.c. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

struct migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct migration migrations[]; /* generated from acd/sql/ */

typedef struct store store;
typedef struct store_conn store_conn;
typedef struct store_stmt store_stmt;

enum { STORE_OK = 0, STORE_ROW = 1, STORE_DONE = 2, STORE_BUSY = -2, STORE_ERR = -1,
       STORE_CONSTRAINT = -3 };

/* How store_open treats the database: STORE_EXISTING opens and migrates it,
 * STORE_CREATE makes a new one (refusing an existing file), STORE_AS_IS opens
 * it without touching its schema (acd backup, acd check).  A database whose
 * schema is newer than this acd's migrations is refused in every mode but
 * STORE_AS_IS: old code never runs on a new schema. */
enum store_mode { STORE_EXISTING = 0, STORE_CREATE = 1, STORE_AS_IS = 2 };
/* db: a file path (SQLite), or a postgresql:// or postgres:// connection URL
 * (PostgreSQL).  With PostgreSQL, STORE_CREATE refuses a database that
 * already holds a schema, and the others one that holds none. */
store *store_open(const char *db, enum store_mode mode, char *err, size_t errlen);
/* Whether db names a PostgreSQL database rather than a file. */
int store_is_pg(const char *db);
/* The newest migration compiled in. */
int store_schema_known(void);
void store_close(store *);
/* This thread's connection; NULL on failure (logged). */
store_conn *store_conn_get(store *);
/* The connection of grouped writes (txn_run_grouped), used by one thread at
 * a time (the leader of the moment): its page cache stays warm from one
 * batch to the next, where a thread's own is dropped whenever another
 * connection wrote.  NULL on failure (logged). */
store_conn *store_conn_group(store *);
/* 1 when the engine has such a connection (SQLite); PostgreSQL has many
 * writers' connections and no single page cache to keep warm, and its
 * writers take the advisory lock each: there a grouped write is txn_run. */
int store_groups(store *);

/* Ends every pending read of this connection (after each request). */
void store_idle(store_conn *);

/* Transactions: write != 0 takes the write lock at once (no upgrade deadlock). */
int store_begin(store_conn *, int write);
int store_commit(store_conn *);
void store_rollback(store_conn *);
/* 1 while a transaction is open: an error such as a full disk may end it
 * before ROLLBACK (then every savepoint's work in it is gone). */
int store_in_txn(store_conn *);
int store_savepoint(store_conn *);          /* per bulk line, per grouped write */
void store_savepoint_release(store_conn *);
void store_savepoint_rollback(store_conn *);

store_stmt *store_prep(store_conn *, const char *sql); /* cached, reset, unbound */
void store_bind_int(store_stmt *, int idx, int64_t v);
void store_bind_text(store_stmt *, int idx, const char *v); /* NULL binds NULL */
void store_bind_blob(store_stmt *, int idx, const void *v, size_t n);
void store_bind_null(store_stmt *, int idx);
int store_step(store_stmt *);               /* STORE_ROW, STORE_DONE or an error */
int64_t store_col_int(store_stmt *, int col);
const char *store_col_text(store_stmt *, int col); /* "" for NULL */
const void *store_col_blob(store_stmt *, int col, size_t *n);
int store_col_null(store_stmt *, int col);
int64_t store_changes(store_conn *);
const char *store_errmsg(store_conn *);
/* Whether the connection to the database broke since this thread's last
 * store_conn_get (PostgreSQL; never on SQLite): an error answered meanwhile
 * was the outage's, not the request's. */
int store_lost(store_conn *);

/* Runs a statement that returns no row; STORE_DONE or an error. */
int store_exec(store_stmt *);
/* First column of the first row as an integer, or dflt when there is no row. */
int64_t store_int_or(store_stmt *, int64_t dflt);

/* Retention (acd purge): what this connection deletes or overwrites from now
 * on is zeroed in the file, not left in free space; 0 or -1. */
int store_secure_delete(store_conn *);
/* After a purge: the write-ahead log copied into the database and emptied,
 * so no page from before is left in it; 0, STORE_BUSY while a reader holds
 * an old snapshot (after the busy timeout), or STORE_ERR. */
int store_truncate_log(store_conn *);
/* Change notifications between the acd of one database.  store_notify, in a
 * write transaction, tells every acd listening on channel once the
 * transaction commits (PostgreSQL's NOTIFY; nothing on SQLite, whose one
 * process wakes its own waiters).  store_listen calls cb, from a thread of
 * its own, at each such notification and after each reconnection; 1 when
 * the engine has none (SQLite), 0 listening, -1 failed. */
int store_notify(store_conn *, const char *channel); /* STORE_DONE or an error */
int store_listen(store *, const char *channel, void (*cb)(void));
void store_listen_stop(store *);

/* acd backup: a consistent copy of the whole database, taken while others
 * write, written to a temporary file beside to, made durable, then renamed
 * over to (a reader of to never sees half a copy); 0, or -1 with err. */
int store_backup(store_conn *, const char *to, char *err, size_t errlen);
/* acd check: the engine's own consistency checks (pages, indexes, foreign
 * keys); 0 when sound, 1 with the first problem in err, -1 when they could
 * not run. */
int store_integrity(store_conn *, char *err, size_t errlen);

/* acd migrate: the tables of a database, parents before the tables that
 * refer to them (so rows copied in this order satisfy every foreign key).
 * kind: 'i' an integer column, 't' text, 'b' a blob.  order: the primary
 * key's column, "" when none (rows of a table referring to itself, such as a
 * renewal to its mandate, come older first).  0 with *n set, or -1 with err.
 * SQLite only, the source of a migration; PostgreSQL answers -1. */
#define STORE_COLS_MAX 48
#define STORE_TABLES_MAX 64
struct store_table {
	char name[64];
	char order[64];
	int ncols;
	struct { char name[64]; char kind; } cols[STORE_COLS_MAX];
};
int store_tables(store_conn *, struct store_table *out, int max, int *n, char *err, size_t errlen);

#endif
