/* store.c — store.h's calls, sent to the engine of the object they are given:
 * SQLite for a path, PostgreSQL for a postgresql:// or postgres:// URL. */
#include "store_engine.h"

#include <stdio.h>
#include <string.h>

int store_is_pg(const char *db)
{
	return db && (!strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11));
}

store *store_open(const char *db, enum store_mode mode, char *err, size_t errlen)
{
	return store_is_pg(db) ? store_pg_open(db, mode, err, errlen)
			       : store_sqlite_open(db, mode, err, errlen);
}

int store_schema_known(void)
{
	int v = 0;
	for (const struct migration *m = migrations; m->sql; m++)
		v = m->version > v ? m->version : v;
	return v;
}

void store_close(store *s)
{
	if (s)
		s->e->close(s);
}

store_conn *store_conn_get(store *s) { return s->e->conn_get(s); }
int store_groups(store *s) { return s->e->conn_group != NULL; }
store_conn *store_conn_group(store *s) { return s->e->conn_group(s); }
int store_in_txn(store_conn *c) { return c->e->in_txn(c); }
void store_idle(store_conn *c) { c->e->idle(c); }
int store_begin(store_conn *c, int write) { return c->e->begin(c, write); }
int store_commit(store_conn *c) { return c->e->commit(c); }
void store_rollback(store_conn *c) { c->e->rollback(c); }
int store_savepoint(store_conn *c) { return c->e->savepoint(c); }
void store_savepoint_release(store_conn *c) { c->e->savepoint_release(c); }
void store_savepoint_rollback(store_conn *c) { c->e->savepoint_rollback(c); }
store_stmt *store_prep(store_conn *c, const char *sql) { return c->e->prep(c, sql); }
void store_bind_int(store_stmt *s, int i, int64_t v) { s->e->bind_int(s, i, v); }
void store_bind_text(store_stmt *s, int i, const char *v) { s->e->bind_text(s, i, v); }
void store_bind_blob(store_stmt *s, int i, const void *v, size_t n) { s->e->bind_blob(s, i, v, n); }
void store_bind_null(store_stmt *s, int i) { s->e->bind_null(s, i); }
int store_step(store_stmt *s) { return s->e->step(s); }
int64_t store_col_int(store_stmt *s, int col) { return s->e->col_int(s, col); }
const char *store_col_text(store_stmt *s, int col) { return s->e->col_text(s, col); }
const void *store_col_blob(store_stmt *s, int col, size_t *n) { return s->e->col_blob(s, col, n); }
int store_col_null(store_stmt *s, int col) { return s->e->col_null(s, col); }
int64_t store_changes(store_conn *c) { return c->e->changes(c); }
const char *store_errmsg(store_conn *c) { return c->e->errmsg(c); }
int store_lost(store_conn *c) { return c->e->lost ? c->e->lost(c) : 0; }
int store_secure_delete(store_conn *c) { return c->e->secure_delete(c); }
int store_truncate_log(store_conn *c) { return c->e->truncate_log(c); }
int store_backup(store_conn *c, const char *to, char *err, size_t errlen)
{
	return c->e->backup(c, to, err, errlen);
}
int store_integrity(store_conn *c, char *err, size_t errlen) { return c->e->integrity(c, err, errlen); }

int store_notify(store_conn *c, const char *channel)
{
	return c->e->notify ? c->e->notify(c, channel) : STORE_DONE;
}
int store_listen(store *s, const char *channel, void (*cb)(void))
{
	return s->e->listen ? s->e->listen(s, channel, cb) : 1;
}
void store_listen_stop(store *s)
{
	if (s && s->e->listen_stop)
		s->e->listen_stop(s);
}

int store_exec(store_stmt *s)
{
	int rc = store_step(s);
	while (rc == STORE_ROW)
		rc = store_step(s);
	s->e->reset(s);
	return rc;
}

int64_t store_int_or(store_stmt *s, int64_t dflt)
{
	int64_t v = store_step(s) == STORE_ROW && !store_col_null(s, 0) ? store_col_int(s, 0) : dflt;
	s->e->reset(s);
	return v;
}

int store_tables(store_conn *c, struct store_table *out, int max, int *n, char *err, size_t errlen)
{
	if (!c->e->tables) {
		snprintf(err, errlen, "this engine's tables are not listed (the source of a migration is SQLite)");
		return -1;
	}
	return c->e->tables(c, out, max, n, err, errlen);
}

int store_migrate(int have, int (*exec)(void *, const char *, char *, size_t), void *conn,
		  char *err, size_t errlen)
{
	if (have > store_schema_known()) {
		snprintf(err, errlen, "the database's schema (version %d) is newer than this acd knows"
			 " (%d): run the acd that made it, or a newer one", have, store_schema_known());
		return -1;
	}
	for (const struct migration *m = migrations; m->sql; m++) {
		if (m->version <= have)
			continue;
		char ver[64];
		snprintf(ver, sizeof ver, "INSERT INTO schema_version VALUES (%d)", m->version);
		if (exec(conn, m->sql, err, errlen) || exec(conn, ver, err, errlen)) {
			size_t n = strlen(err);
			snprintf(err + n, errlen - n, " (migration %s)", m->name);
			return -1;
		}
	}
	return 0;
}
