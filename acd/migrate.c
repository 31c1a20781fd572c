/* migrate.c — "acd migrate": an SQLite installation moved to PostgreSQL.
 * Every table is copied row by row, parents before children (store_tables),
 * into a target whose schema the same migrations made, in one transaction
 * on the target and one snapshot of the source; before COMMIT, each table's
 * rows are counted on both sides, the journal's chain is recomputed from the
 * copied rows and every sealed secret is opened under the key file.  Any
 * failure rolls the whole copy back: the target keeps its empty schema, and
 * the same command can run again.  Values go through the store as they are
 * (integers as integers, text and blobs byte for byte), so the journal's
 * digests still match. */
#include "maintain.h"
#include "crypto.h"
#include "server.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* rows per INSERT: few round trips, under PostgreSQL's 65,535 parameters */
#define BATCH_ROWS 200

/* The statements' texts stay allocated until the stores close: a prepared
 * statement is cached by the address of its SQL. */
struct texts {
	char **v;
	size_t n, cap;
};

static const char *keep(struct texts *t, char *sql)
{
	if (!sql)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **v = realloc(t->v, cap * sizeof *v);
		if (!v) {
			free(sql);
			return NULL;
		}
		t->v = v;
		t->cap = cap;
	}
	return t->v[t->n++] = sql;
}

static void texts_free(struct texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

/* "c1, c2, ..." of a table's columns, or "($k, $k+1, ...)" for row r. */
static void put_columns(FILE *f, const struct store_table *t)
{
	for (int i = 0; i < t->ncols; i++)
		fprintf(f, "%s%s", i ? ", " : "", t->cols[i].name);
}

static char *select_sql(const struct store_table *t)
{
	char *sql = NULL;
	size_t len;
	FILE *f = open_memstream(&sql, &len);
	if (!f)
		return NULL;
	fputs("SELECT ", f);
	put_columns(f, t);
	fprintf(f, " FROM %s%s%s", t->name, *t->order ? " ORDER BY " : "", t->order);
	return fclose(f) ? (free(sql), NULL) : sql;
}

static char *insert_sql(const struct store_table *t, int rows)
{
	char *sql = NULL;
	size_t len;
	FILE *f = open_memstream(&sql, &len);
	if (!f)
		return NULL;
	fprintf(f, "INSERT INTO %s (", t->name);
	put_columns(f, t);
	fputs(") VALUES ", f);
	int p = 1;
	for (int r = 0; r < rows; r++) {
		fputs(r ? ", (" : "(", f);
		for (int i = 0; i < t->ncols; i++)
			fprintf(f, "%s$%d", i ? ", " : "", p++);
		fputc(')', f);
	}
	return fclose(f) ? (free(sql), NULL) : sql;
}

static char *count_sql(const char *table)
{
	char *sql;
	return asprintf(&sql, "SELECT COUNT(*) FROM %s", table) < 0 ? NULL : sql;
}

/* One source row's values bound at row r of an INSERT of many. */
static void bind_row(store_stmt *in, const struct store_table *t, int r, store_stmt *row)
{
	for (int i = 0; i < t->ncols; i++) {
		int p = r * t->ncols + i + 1;
		if (store_col_null(row, i)) {
			store_bind_null(in, p);
		} else if (t->cols[i].kind == 'i') {
			store_bind_int(in, p, store_col_int(row, i));
		} else if (t->cols[i].kind == 'b') {
			size_t n;
			const void *v = store_col_blob(row, i, &n);
			store_bind_blob(in, p, v ? v : "", n);
		} else {
			store_bind_text(in, p, store_col_text(row, i));
		}
	}
}

/* The rows of one table copied, BATCH_ROWS to an INSERT (the last one
 * shorter, its size known from the count in the same snapshot); their
 * count, or -1 with err. */
static int64_t copy_table(store_conn *src, store_conn *dst, const struct store_table *t,
			  struct texts *keepers, char *err, size_t errlen)
{
	int per = BATCH_ROWS;
	if (t->ncols * per > 30000)
		per = 30000 / t->ncols;
	const char *sel = keep(keepers, select_sql(t));
	const char *full = keep(keepers, insert_sql(t, per));
	const char *cnt = keep(keepers, count_sql(t->name));
	if (!sel || !full || !cnt) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int64_t total = store_int_or(store_prep(src, cnt), -1);
	store_stmt *rows = store_prep(src, sel), *in = NULL;
	if (total < 0 || !rows) {
		snprintf(err, errlen, "%s cannot be read: %s", t->name, store_errmsg(src));
		return -1;
	}
	int64_t copied = 0;
	int pending = 0, batch = 0, rc;
	while ((rc = store_step(rows)) == STORE_ROW) {
		if (!pending) {
			batch = total - copied < per ? (int)(total - copied) : per;
			const char *sql = batch == per ? full : keep(keepers, insert_sql(t, batch));
			in = batch > 0 && sql ? store_prep(dst, sql) : NULL;
			if (!in) {
				snprintf(err, errlen, "%s: %s", t->name, batch > 0 ? store_errmsg(dst)
										   : "more rows than counted");
				return -1;
			}
		}
		bind_row(in, t, pending++, rows);
		if (pending < batch)
			continue;
		if (store_exec(in) != STORE_DONE) {
			snprintf(err, errlen, "%s, rows %lld to %lld: %s", t->name, (long long)copied + 1,
				 (long long)copied + pending, store_errmsg(dst));
			return -1;
		}
		copied += pending;
		pending = 0;
	}
	if (rc != STORE_DONE || pending) {
		snprintf(err, errlen, "%s cannot be read whole: %s", t->name, store_errmsg(src));
		return -1;
	}
	return copied;
}

/* Whether the target holds anything beyond what the migrations put there
 * (the counters' first row): 1 with the first such table in err. */
static int target_used(store_conn *dst, const struct store_table *tables, int n,
		       struct texts *keepers, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(tables[i].name, "schema_version") || !strcmp(tables[i].name, "counters"))
			continue;
		const char *q = keep(keepers, count_sql(tables[i].name));
		if (!q || store_int_or(store_prep(dst, q), -1) != 0) {
			snprintf(err, errlen, "its table %s is not empty", tables[i].name);
			return 1;
		}
	}
	return 0;
}

static int fail(const char *what, const char *err, int status)
{
	fprintf(stderr, "acd: migrate: %s%s%s\n", what, err ? ": " : "", err ? err : "");
	return status;
}

/* Opens the target: a fresh database gets its schema (a commit of its own),
 * one left with an empty schema by a failed run is taken as it is. */
static store *open_target(const char *to, char *err, size_t errlen)
{
	store *s = store_open(to, STORE_CREATE, err, errlen);
	if (s)
		return s;
	/* the first error tells more about a database that cannot be reached */
	char again[512];
	return store_open(to, STORE_EXISTING, again, sizeof again);
}

static int copy_all(store_conn *src, store_conn *dst, const struct store_table *tables, int n,
		    json_t *counts, struct texts *keepers, char *err, size_t errlen)
{
	/* the migrations' own rows of counters give way to the source's */
	static const char clear[] = "DELETE FROM counters";
	if (store_exec(store_prep(dst, clear)) != STORE_DONE) {
		snprintf(err, errlen, "counters: %s", store_errmsg(dst));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!strcmp(tables[i].name, "schema_version"))
			continue; /* the target's, made by the same migrations */
		int64_t copied = copy_table(src, dst, &tables[i], keepers, err, errlen);
		if (copied < 0)
			return -1;
		/* counted again on the target: what it holds, not what was sent */
		const char *q = keep(keepers, count_sql(tables[i].name));
		int64_t got = q ? store_int_or(store_prep(dst, q), -1) : -1;
		if (got != copied) {
			snprintf(err, errlen, "%s: %lld rows copied, %lld counted there", tables[i].name,
				 (long long)copied, (long long)got);
			return -1;
		}
		json_object_set_new(counts, tables[i].name, json_integer(copied));
	}
	return 0;
}

int cmd_migrate(const char *from, const char *to, const char *key_file)
{
	char err[512];
	if (!from || !to || !key_file)
		return fail("needs --from PATH --to postgresql://... --key-file PATH", NULL, 64);
	if (store_is_pg(from) || !store_is_pg(to))
		return fail("--from is an SQLite database's path and --to a postgresql:// URL", NULL, 64);
	if (access(from, F_OK) != 0)
		return fail(from, "no such database", 78);
	if (crypto_key_load(key_file, err, sizeof err))
		return fail("the key file", err, 78);

	store *s = store_open(from, STORE_AS_IS, err, sizeof err);
	if (!s)
		return fail(from, err, 78);
	store_conn *src = store_conn_get(s);
	static const char ver[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
	int64_t have = src ? store_int_or(store_prep(src, ver), -1) : -1;
	if (have != store_schema_known()) {
		snprintf(err, sizeof err, "schema version %lld, this acd knows %d%s", (long long)have,
			 store_schema_known(),
			 have < store_schema_known() && have > 0
				 ? " (run acd serve on it once to apply the missing migrations)" : "");
		store_close(s);
		return fail(from, err, 78);
	}
	store *d = open_target(to, err, sizeof err);
	if (!d) {
		store_close(s);
		return fail("the target", err, 78);
	}
	store_conn *dst = store_conn_get(d);
	struct store_table *tables = calloc(STORE_TABLES_MAX, sizeof *tables);
	struct texts keepers = { 0 };
	json_t *counts = json_object(), *out = NULL;
	int n = 0, status = 70, bad = 0;
	if (!tables || !dst || store_tables(src, tables, STORE_TABLES_MAX, &n, err, sizeof err)) {
		fail("the source's tables", tables ? err : "out of memory", 70);
		goto done;
	}
	if (store_begin(src, 0) != STORE_OK || store_begin(dst, 1) != STORE_OK) {
		fail("a transaction cannot start", store_errmsg(dst), 75);
		status = 75;
		goto done;
	}
	if (target_used(dst, tables, n, &keepers, err, sizeof err)) {
		fail("the target is not empty", err, 73);
		status = 73;
		goto rollback;
	}
	if (copy_all(src, dst, tables, n, counts, &keepers, err, sizeof err)) {
		fail("the copy failed, nothing was written", err, 70);
		goto rollback;
	}
	out = json_pack("{s:s,s:O}", "from", from, "tables", counts);
	json_t *journal = check_journal(dst, &bad);
	json_object_set_new(out, "journal", journal);
	check_secrets(dst, out, &bad);
	if (bad) {
		fail("the copy does not verify; nothing was written", NULL, 1);
		json_object_set_new(out, "ok", json_false());
		ac_print(out);
		status = 1;
		goto rollback;
	}
	if (store_commit(dst) != STORE_OK) {
		fail("the commit failed; nothing was written", store_errmsg(dst), 75);
		status = 75;
		goto rollback;
	}
	store_rollback(src);
	json_object_set_new(out, "ok", json_true());
	ac_print(out);
	status = ac_finish(0);
	goto done;
rollback:
	store_rollback(dst);
	store_rollback(src);
done:
	json_decref(out);
	json_decref(counts);
	free(tables);
	store_close(d);
	store_close(s);
	texts_free(&keepers);
	return status;
}
