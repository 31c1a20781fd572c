/* stream.c — bulk input one record at a time: NDJSON lines, or CSV with a
 * header row (RFC 4180, via libcsv) turned into the same JSON objects. */
#include "ac.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const *csv_bools, *const *csv_ints;

void ac_csv_types(const char *const *bool_cols, const char *const *int_cols)
{
	csv_bools = bool_cols;
	csv_ints = int_cols;
}

static int ndjson_each(FILE *in, ac_record_fn cb, void *arg, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	while (!rc && (n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = 0;
		if (n == 0)
			continue;
		json_error_t e;
		json_t *o = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &e);
		if (o && !json_is_object(o)) {
			json_decref(o);
			o = NULL;
			snprintf(e.text, sizeof e.text, "a line must be a JSON object");
		}
		char why[200];
		char quiet[JSON_ERROR_TEXT_LENGTH];
		snprintf(why, sizeof why, "malformed JSON: %s", ac_json_error(&e, quiet, sizeof quiet));
		rc = cb(o, lineno, o ? NULL : why, arg);
		json_decref(o);
	}
	free(line);
	if (ferror(in)) {
		snprintf(err, errlen, "cannot read the input after line %zu", lineno);
		return -1;
	}
	return rc;
}

struct csvstate {
	json_t *header;   /* array of column names */
	json_t *row;      /* array of cell strings */
	size_t record;
	ac_record_fn cb;
	void *arg;
	int rc;
	char *err;        /* why the input cannot be read: a bad header */
	size_t errlen;
};

static void on_field(void *s, size_t len, void *data)
{
	struct csvstate *st = data;
	json_array_append_new(st->row, json_stringn(s ? s : "", s ? len : 0));
}

static json_t *typed(const char *col, const char *v, char *why, size_t whylen)
{
	if (csv_bools && ac_in_list(csv_bools, col)) {
		if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"))
			return json_true();
		if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no"))
			return json_false();
		snprintf(why, whylen, "column %s: expected true or false, not \"%.40s\"", col, v);
		return NULL;
	}
	if (csv_ints && ac_in_list(csv_ints, col)) {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		/* past 2^63 strtoll answers its limit: a different number, refused */
		if (*end || end == v || errno == ERANGE) {
			snprintf(why, whylen, "column %s: expected a whole number, not \"%.40s\"", col, v);
			return NULL;
		}
		return json_integer(n);
	}
	return json_string(v);
}

/* Column names must be there and distinct: a name twice would let the last
 * cell win unseen.  0, or -1 with why. */
static int check_header(json_t *header, char *err, size_t errlen)
{
	for (size_t i = 0; i < json_array_size(header); i++) {
		const char *col = json_string_value(json_array_get(header, i));
		if (!*col) {
			snprintf(err, errlen, "CSV header: column %zu has no name; name every column", i + 1);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(col, json_string_value(json_array_get(header, j)))) {
				snprintf(err, errlen, "CSV header: column \"%s\" appears twice (columns %zu "
					 "and %zu); keep one", col, j + 1, i + 1);
				return -1;
			}
	}
	return 0;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct csvstate *st = data;
	json_t *row = st->row;
	st->row = json_array();
	if (st->rc)
		goto out;
	if (json_array_size(row) == 1 && !*json_string_value(json_array_get(row, 0)))
		goto out; /* a blank line */
	if (!st->header) {
		if (check_header(row, st->err, st->errlen))
			st->rc = -1;
		else
			st->header = json_incref(row);
		goto out;
	}
	st->record++;
	char why[200] = "";
	json_t *o = NULL;
	if (json_array_size(row) != json_array_size(st->header)) {
		snprintf(why, sizeof why, "%zu fields where the header has %zu",
			 json_array_size(row), json_array_size(st->header));
	} else {
		o = json_object();
		for (size_t i = 0; i < json_array_size(row); i++) {
			const char *col = json_string_value(json_array_get(st->header, i));
			const char *v = json_string_value(json_array_get(row, i));
			if (!*v)
				continue;
			json_t *val = typed(col, v, why, sizeof why);
			if (!val) {
				json_decref(o);
				o = NULL;
				break;
			}
			json_object_set_new(o, col, val);
		}
	}
	st->rc = st->cb(o, st->record, o ? NULL : why, st->arg);
	json_decref(o);
out:
	json_decref(row);
}

static int csv_each(FILE *in, ac_record_fn cb, void *arg, char *err, size_t errlen)
{
	struct csv_parser p;
	struct csvstate st = { .row = json_array(), .cb = cb, .arg = arg, .err = err,
			       .errlen = errlen };
	*err = 0;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
	csv_set_realloc_func(&p, ac_xrealloc);
	char buf[65536];
	size_t n;
	int bad = 0;
	while (!st.rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &st) != n) {
			bad = 1;
			break;
		}
	if (!bad && !st.rc && ferror(in))
		snprintf(err, errlen, "cannot read the CSV input after record %zu", st.record);
	else if (!bad && !st.rc && csv_fini(&p, on_field, on_row, &st) != 0)
		bad = 1;
	if (bad)
		snprintf(err, errlen, "CSV input after record %zu: %s", st.record,
			 csv_strerror(csv_error(&p)));
	csv_free(&p);
	json_decref(st.header);
	json_decref(st.row);
	return *err ? -1 : st.rc;
}

int ac_stream_read(FILE *in, enum ac_format fmt, ac_record_fn cb, void *arg, char *err,
		   size_t errlen)
{
	*err = 0;
	return fmt == AC_CSV ? csv_each(in, cb, arg, err, errlen)
			     : ndjson_each(in, cb, arg, err, errlen);
}

int ac_stream_each(FILE *in, enum ac_format fmt, ac_record_fn cb, void *arg)
{
	char err[300];
	int rc = ac_stream_read(in, fmt, cb, arg, err, sizeof err);
	if (*err)
		ac_die(AC_EXIT_DATA, "%s", err);
	return rc;
}
