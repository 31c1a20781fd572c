/* store_sqlite.c — store.h on SQLite: WAL, synchronous=FULL (an acknowledged
 * change survives a power loss), foreign keys on, busy timeout, migrations. */
#include "store_engine.h"
#include "log.h"

#include <sqlite3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>

#define CACHE_SLOTS 128

struct sq_stmt {
	store_stmt base;
	sqlite3_stmt *st;
	struct sq_conn *conn;
};

struct cache_slot {
	const char *sql; /* identity: the address of the caller's static text */
	struct sq_stmt stmt;
};

struct sq_conn {
	store_conn base;
	sqlite3 *db;
	struct sq *owner;
	struct cache_slot cache[CACHE_SLOTS];
	int writing; /* holds owner->writer */
	struct sq_conn *next;
};

struct sq {
	store base;
	char *path;
	/* writers queue here rather than in SQLite's busy handler, which sleeps
	 * in steps of milliseconds: one process, one writer at a time anyway */
	pthread_mutex_t writer;
	pthread_key_t key;
	pthread_mutex_t lock;
	struct sq_conn *all; /* every connection, closed by store_close */
	struct sq_conn *group; /* store_conn_group's */
};

static const struct store_engine sqlite_engine;

static int open_db(const char *path, int flags, sqlite3 **out)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_error("store: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 0);
	const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: %s: %s", path, msg);
		sqlite3_free(msg);
		sqlite3_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : "unknown error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}
static int exec_migration(void *db, const char *sql, char *err, size_t errlen)
{
	return exec_sql(db, sql, err, errlen);
}

static int migrate(sqlite3 *db, char *err, size_t errlen)
{
	if (exec_sql(db, "BEGIN IMMEDIATE", err, errlen))
		return -1;
	if (exec_sql(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
		     err, errlen))
		goto fail;
	sqlite3_stmt *st;
	int have = 0;
	if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			have = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (store_migrate(have, exec_migration, db, err, errlen))
		goto fail;
	return exec_sql(db, "COMMIT", err, errlen);
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

store *store_sqlite_open(const char *path, enum store_mode mode, char *err, size_t errlen)
{
	int create = mode == STORE_CREATE;
	struct stat sb;
	if (create && stat(path, &sb) == 0) {
		snprintf(err, errlen, "%s already exists: refusing to overwrite a database", path);
		return NULL;
	}
	if (!create && stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: no such database (create it with acd init)", path);
		return NULL;
	}
	sqlite3 *db;
	if (open_db(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), &db)) {
		snprintf(err, errlen, "cannot open %s", path);
		return NULL;
	}
	if (create)
		chmod(path, 0600);
	if (mode != STORE_AS_IS && migrate(db, err, errlen)) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_close(db);
	struct sq *s = calloc(1, sizeof *s);
	s->base.e = &sqlite_engine;
	s->path = strdup(path);
	pthread_key_create(&s->key, NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->writer, NULL);
	return &s->base;
}

static void conn_free(struct sq_conn *c)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->cache[i].stmt.st)
			sqlite3_finalize(c->cache[i].stmt.st);
	sqlite3_close(c->db);
	free(c);
}

static void sq_close(store *s_)
{
	struct sq *s = (struct sq *)s_;
	if (!s)
		return;
	for (struct sq_conn *c = s->all, *n; c; c = n) {
		n = c->next;
		conn_free(c);
	}
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->writer);
	free(s->path);
	free(s);
}

static struct sq_conn *conn_new(struct sq *s)
{
	struct sq_conn *c = calloc(1, sizeof *c);
	if (!c || open_db(s->path, SQLITE_OPEN_READWRITE, &c->db)) {
		free(c);
		return NULL;
	}
	c->base.e = &sqlite_engine;
	c->owner = s;
	pthread_mutex_lock(&s->lock);
	c->next = s->all;
	s->all = c;
	pthread_mutex_unlock(&s->lock);
	return c;
}

static store_conn *sq_conn_group(store *s_)
{
	struct sq *s = (struct sq *)s_;
	pthread_mutex_lock(&s->lock);
	struct sq_conn *c = s->group;
	pthread_mutex_unlock(&s->lock);
	if (c)
		return &c->base;
	/* only the leader comes here: no second one races to open it */
	c = conn_new(s);
	if (!c)
		return NULL;
	pthread_mutex_lock(&s->lock);
	s->group = c;
	pthread_mutex_unlock(&s->lock);
	return &c->base;
}

static store_conn *sq_conn_get(store *s_)
{
	struct sq *s = (struct sq *)s_;
	struct sq_conn *c = pthread_getspecific(s->key);
	if (c)
		return &c->base;
	c = conn_new(s);
	if (!c)
		return NULL;
	pthread_setspecific(s->key, c);
	return &c->base;
}

static int code_of(int rc)
{
	switch (rc) {
	case SQLITE_OK: return STORE_OK;
	case SQLITE_ROW: return STORE_ROW;
	case SQLITE_DONE: return STORE_DONE;
	case SQLITE_BUSY: case SQLITE_LOCKED: return STORE_BUSY;
	case SQLITE_CONSTRAINT: return STORE_CONSTRAINT;
	default: return STORE_ERR;
	}
}

static int run(struct sq_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_error("store: %s: %s", sql, sqlite3_errmsg(c->db));
	return rc == SQLITE_OK ? STORE_OK : code_of(rc);
}

static void reset_all(struct sq_conn *c);

/* A statement left mid-result would keep the transaction's snapshot alive. */
static void sq_idle(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	reset_all(c);
}

static void reset_all(struct sq_conn *c)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(c->db, NULL); st; st = sqlite3_next_stmt(c->db, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
}

static void release_writer(struct sq_conn *c)
{
	if (c->writing) {
		c->writing = 0;
		pthread_mutex_unlock(&c->owner->writer);
	}
}

static int sq_begin(store_conn *c_, int write)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	/* a pending read would pin an old snapshot, and the write lock on a stale
	 * snapshot is refused as busy forever */
	reset_all(c);
	if (!write)
		return run(c, "BEGIN");
	pthread_mutex_lock(&c->owner->writer);
	c->writing = 1;
	int rc = run(c, "BEGIN IMMEDIATE"); /* still needed: other processes may write */
	if (rc != STORE_OK)
		release_writer(c);
	return rc;
}

static int sq_commit(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	reset_all(c);
	int rc = run(c, "COMMIT");
	if (rc == STORE_OK)
		release_writer(c);
	return rc;
}

static void sq_rollback(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	reset_all(c);
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	release_writer(c);
}

static int sq_in_txn(store_conn *c_)
{
	return !sqlite3_get_autocommit(((struct sq_conn *)c_)->db);
}

/* Savepoints of one name nest (ROLLBACK TO and RELEASE take the innermost),
 * so a bulk line's savepoint inside a grouped write's is sound. */
static int sq_savepoint(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	return run(c, "SAVEPOINT line");
}
static void sq_savepoint_release(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	run(c, "RELEASE line");
}
static void sq_savepoint_rollback(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	run(c, "ROLLBACK TO line");
	run(c, "RELEASE line");
}

/* ACD_SQL_LOG=FILE appends every statement acd prepares, one a line: the
 * statements the tests exercised, to be checked on PostgreSQL
 * (scripts/check-pg.sh) without an SQL parser of our own. */
static void log_sql(const char *sql)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const char *path = getenv("ACD_SQL_LOG");
	if (!path || !*path)
		return;
	pthread_mutex_lock(&lock);
	FILE *f = fopen(path, "a");
	if (f) {
		fprintf(f, "%s\n", sql);
		fclose(f);
	}
	pthread_mutex_unlock(&lock);
}

/* SQLite numbers "$N" parameters by first appearance, not by N (PostgreSQL
 * by N): a statement whose $2 comes before its $1 would bind wrongly on one
 * engine only.  Refused at its first use, as any bad statement. */
static void params_in_order(const char *sql, sqlite3_stmt *st)
{
	int n = sqlite3_bind_parameter_count(st);
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		char want[16];
		snprintf(want, sizeof want, "$%d", i);
		if (!name || strcmp(name, want)) {
			log_error("store: parameter %d is %s, not %s (number them in order): %s", i,
				  name ? name : "?", want, sql);
			abort();
		}
	}
}

static store_stmt *sq_prep(store_conn *c_, const char *sql)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	/* open addressing on the text's address: cheap and collision-tolerant */
	size_t h = ((uintptr_t)sql >> 4) % CACHE_SLOTS;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct cache_slot *slot = &c->cache[(h + i) % CACHE_SLOTS];
		if (slot->sql == sql) {
			sqlite3_reset(slot->stmt.st);
			sqlite3_clear_bindings(slot->stmt.st);
			return &slot->stmt.base;
		}
		if (!slot->sql) {
			if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					       &slot->stmt.st, NULL) != SQLITE_OK) {
				log_error("store: prepare: %s: %s", sqlite3_errmsg(c->db), sql);
				abort(); /* a bad statement is a programming error */
			}
			params_in_order(sql, slot->stmt.st);
			slot->sql = sql;
			slot->stmt.base.e = &sqlite_engine;
			slot->stmt.conn = c;
			log_sql(sql);
			return &slot->stmt.base;
		}
	}
	log_error("store: statement cache full");
	abort();
}

static void sq_bind_int(store_stmt *s_, int i, int64_t v)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	sqlite3_bind_int64(s->st, i, v);
}
static void sq_bind_text(store_stmt *s_, int i, const char *v)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	if (v)
		sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s->st, i);
}
static void sq_bind_blob(store_stmt *s_, int i, const void *v, size_t n)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	sqlite3_bind_blob64(s->st, i, v, n, SQLITE_TRANSIENT);
}
static void sq_bind_null(store_stmt *s_, int i)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	sqlite3_bind_null(s->st, i);
}

static int sq_step(store_stmt *s_)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	int rc = sqlite3_step(s->st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT && rc != SQLITE_BUSY)
		log_error("store: step: %s", sqlite3_errmsg(s->conn->db));
	return code_of(rc);
}

static int64_t sq_col_int(store_stmt *s_, int col)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	return sqlite3_column_int64(s->st, col);
}
static const char *sq_col_text(store_stmt *s_, int col)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	const unsigned char *t = sqlite3_column_text(s->st, col);
	return t ? (const char *)t : "";
}
static const void *sq_col_blob(store_stmt *s_, int col, size_t *n)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	const void *p = sqlite3_column_blob(s->st, col);
	*n = (size_t)sqlite3_column_bytes(s->st, col);
	return p;
}
static int sq_col_null(store_stmt *s_, int col)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}
static int64_t sq_changes(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	return sqlite3_changes64(c->db);
}
static const char *sq_errmsg(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	return sqlite3_errmsg(c->db);
}

static void sq_reset(store_stmt *s_)
{
	struct sq_stmt *s = (struct sq_stmt *)s_;
	sqlite3_reset(s->st);
}

static int sq_secure_delete(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	return sqlite3_exec(c->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int sq_truncate_log(store_conn *c_)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	int log = 0, done = 0;
	/* TRUNCATE waits (busy timeout) for readers of older snapshots */
	int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return STORE_BUSY;
	return rc == SQLITE_OK ? 0 : STORE_ERR;
}

static int sq_backup(store_conn *c_, const char *to, char *err, size_t errlen)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", to, (long)getpid());
	unlink(tmp);
	sqlite3 *dst;
	int rc = -1;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, dst ? sqlite3_errmsg(dst) : "out of memory");
		sqlite3_close(dst);
		return -1;
	}
	chmod(tmp, 0600); /* what it holds is as secret as the database */
	sqlite3_busy_timeout(dst, 10000);
	/* one step copies every page under one read transaction: a snapshot, and
	 * in WAL mode the writers of the database are not stopped meanwhile */
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
	if (!b) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst));
	} else {
		int st = sqlite3_backup_step(b, -1);
		sqlite3_backup_finish(b);
		if (st != SQLITE_DONE)
			snprintf(err, errlen, "copying: %s", sqlite3_errstr(st));
		else if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
			snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(dst));
		else
			rc = 0;
	}
	if (sqlite3_close(dst) != SQLITE_OK && rc == 0) {
		snprintf(err, errlen, "%s: cannot close", tmp);
		rc = -1;
	}
	/* durable before it takes the name, and the name durable in its folder */
	int fd = rc == 0 ? open(tmp, O_RDONLY) : -1;
	if (rc == 0 && (fd < 0 || fsync(fd) != 0 || rename(tmp, to) != 0)) {
		snprintf(err, errlen, "%s: %s", to, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	if (rc == 0) {
		char dir[4200];
		snprintf(dir, sizeof dir, "%s", to);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = 0;
		int d = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
		if (d >= 0) {
			fsync(d);
			close(d);
		}
	} else {
		unlink(tmp);
	}
	return rc;
}

/* The first row of a check pragma: "ok" (integrity) or no row (foreign keys). */
static int pragma_first(sqlite3 *db, const char *sql, char *out, size_t n, int *rows)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	*rows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!(*rows)++) {
			int cols = sqlite3_column_count(st);
			out[0] = 0;
			for (int i = 0; i < cols; i++) {
				const char *v = (const char *)sqlite3_column_text(st, i);
				size_t len = strlen(out);
				snprintf(out + len, n - len, "%s%s", i ? " " : "", v ? v : "NULL");
			}
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_integrity(store_conn *c_, char *err, size_t errlen)
{
	struct sq_conn *c = (struct sq_conn *)c_;
	char first[512] = "";
	int rows;
	if (pragma_first(c->db, "PRAGMA integrity_check", first, sizeof first, &rows))
		return -1;
	if (rows != 1 || strcmp(first, "ok")) {
		snprintf(err, errlen, "integrity_check: %s", first);
		return 1;
	}
	if (pragma_first(c->db, "PRAGMA foreign_key_check", first, sizeof first, &rows))
		return -1;
	if (rows) {
		/* table, rowid, parent table, constraint index */
		snprintf(err, errlen, "foreign_key_check: %d rows, first: %s", rows, first);
		return 1;
	}
	return 0;
}


/* One table's columns and the tables it refers to, from SQLite's pragmas. */
static int table_of(sqlite3 *db, struct store_table *t, char refs[][64], int *nrefs)
{
	sqlite3_stmt *st;
	t->ncols = 0;
	t->order[0] = 0;
	if (sqlite3_prepare_v2(db, "SELECT name, upper(type), pk FROM pragma_table_info(?1) ORDER BY cid",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (t->ncols == STORE_COLS_MAX) {
			sqlite3_finalize(st);
			return -1;
		}
		const char *type = (const char *)sqlite3_column_text(st, 1);
		snprintf(t->cols[t->ncols].name, sizeof t->cols[0].name, "%s", sqlite3_column_text(st, 0));
		t->cols[t->ncols].kind = strstr(type, "INT") ? 'i' : strstr(type, "BYTEA") || strstr(type, "BLOB") ? 'b' : 't';
		if (sqlite3_column_int(st, 2) == 1)
			snprintf(t->order, sizeof t->order, "%s", t->cols[t->ncols].name);
		t->ncols++;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	*nrefs = 0;
	while (sqlite3_step(st) == SQLITE_ROW && *nrefs < STORE_TABLES_MAX)
		snprintf(refs[(*nrefs)++], 64, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

static int sq_tables(store_conn *c_, struct store_table *out, int max, int *n, char *err, size_t errlen)
{
	sqlite3 *db = ((struct sq_conn *)c_)->db;
	struct store_table *all = calloc(STORE_TABLES_MAX, sizeof *all);
	char (*refs)[STORE_TABLES_MAX][64] = calloc(STORE_TABLES_MAX, sizeof *refs);
	int nrefs[STORE_TABLES_MAX], count = 0, placed[STORE_TABLES_MAX] = { 0 }, rc = -1;
	sqlite3_stmt *st;
	if (!all || !refs) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
			       " 'sqlite_%' ORDER BY rowid", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "the tables cannot be listed: %s", sqlite3_errmsg(db));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && count < STORE_TABLES_MAX)
		snprintf(all[count++].name, sizeof all[0].name, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (int i = 0; i < count; i++)
		if (table_of(db, &all[i], refs[i], &nrefs[i])) {
			snprintf(err, errlen, "table %s cannot be read", all[i].name);
			goto out;
		}
	/* parents first: a table is placed once every table it refers to is */
	*n = 0;
	while (*n < count) {
		int progress = 0;
		for (int i = 0; i < count; i++) {
			if (placed[i])
				continue;
			int ready = 1;
			for (int r = 0; r < nrefs[i] && ready; r++)
				for (int j = 0; j < count; j++)
					if (j != i && !placed[j] && !strcmp(all[j].name, refs[i][r]))
						ready = 0;
			if (!ready)
				continue;
			if (*n == max) {
				snprintf(err, errlen, "more than %d tables", max);
				goto out;
			}
			out[(*n)++] = all[i];
			placed[i] = progress = 1;
		}
		if (!progress) {
			snprintf(err, errlen, "the tables' foreign keys make a cycle");
			goto out;
		}
	}
	rc = 0;
out:
	free(all);
	free(refs);
	return rc;
}

static const struct store_engine sqlite_engine = {
	.close = sq_close,
	.conn_get = sq_conn_get,
	.conn_group = sq_conn_group,
	.in_txn = sq_in_txn,
	.idle = sq_idle,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.savepoint_release = sq_savepoint_release,
	.savepoint_rollback = sq_savepoint_rollback,
	.prep = sq_prep,
	.reset = sq_reset,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.col_null = sq_col_null,
	.changes = sq_changes,
	.errmsg = sq_errmsg,
	.secure_delete = sq_secure_delete,
	.truncate_log = sq_truncate_log,
	.backup = sq_backup,
	.integrity = sq_integrity,
	.tables = sq_tables,
};
