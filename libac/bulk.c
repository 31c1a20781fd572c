/* bulk.c — the loop every bulk tool shares (mblaze's blaze822_loop, for acd):
 * records in, batches of NDJSON to acd over one connection, one result line
 * out per record in input order, a progress bar, the exit status. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_RECORDS 1000
#define BATCH_BYTES (8u << 20)

#define record ac_record

struct input {
	struct record *v;
	size_t n, cap;
};

static int collect(json_t *rec, size_t line, const char *err, void *arg)
{
	struct input *in = arg;
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 256;
		in->v = ac_xrealloc(in->v, in->cap * sizeof *in->v);
	}
	struct record *r = &in->v[in->n++];
	r->line = line;
	r->text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
	r->error = rec ? NULL : strdup(err ? err : "unreadable record");
	if (!r->text && !r->error)
		ac_die(AC_EXIT_TEMP, "out of memory at record %zu; split the input, and retry", line);
	return 0;
}

struct batch {
	struct record *first;
	size_t count;      /* records in this batch, sent or not */
	size_t *sent;      /* index in batch of each sent line */
	json_t **results;  /* by index in batch */
	size_t nsent;
};

static int on_result(json_t *line, void *arg)
{
	struct batch *b = arg;
	json_int_t n = json_integer_value(json_object_get(line, "line"));
	if (n >= 1 && (size_t)n <= b->nsent) {
		size_t i = b->sent[n - 1];
		json_decref(b->results[i]);
		b->results[i] = json_incref(line);
	}
	return 0;
}

static json_t *fail_line(size_t line, const char *code, const char *msg)
{
	return json_pack("{s:I,s:b,s:{s:s,s:s}}", "line", (json_int_t)line, "ok", 0, "error", "code",
			 code, "message", msg);
}

void ac_bulk_refused(const struct ac_record *v, size_t n, long status, json_t *reply)
{
	json_t *e = json_object_get(reply, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	char generic[80];
	if (!code || !msg) {
		snprintf(generic, sizeof generic, "acd answered HTTP %ld to this batch", status);
		code = "http_error";
		msg = generic;
	}
	for (size_t i = 0; i < n; i++) {
		/* a record that could not be read says so, as it would have */
		json_t *res = v[i].text ? fail_line(v[i].line, code, msg)
					: fail_line(v[i].line, "bad_input", v[i].error);
		ac_print(res);
		json_decref(res);
	}
}

/* 0 once the batch's result lines are printed; else acd's HTTP status for a
 * batch refused as a whole, with its reply in *refusal. */
static long send_batch(const char *path, struct batch *b, int *failed, json_t **refusal)
{
	size_t len = 0, cap = 0, k = 0;
	char *body = NULL;
	for (size_t i = 0; i < b->count; i++) {
		struct record *r = &b->first[i];
		if (!r->text)
			continue;
		size_t n = strlen(r->text);
		if (len + n + 2 > cap) {
			cap = (len + n + 2) * 2;
			body = ac_xrealloc(body, cap);
		}
		memcpy(body + len, r->text, n);
		len += n;
		body[len++] = '\n';
		b->sent[k++] = i;
	}
	json_t *err = NULL;
	b->nsent = k;
	if (k) {
		long st = ac_call_lines("POST", path, "application/x-ndjson", body, len, on_result, b, &err);
		if (st < 200 || st >= 300) {
			free(body);
			for (size_t i = 0; i < b->count; i++) {
				json_decref(b->results[i]);
				b->results[i] = NULL;
			}
			*refusal = err;
			return st;
		}
	}
	free(body);
	for (size_t i = 0; i < b->count; i++) {
		struct record *r = &b->first[i];
		json_t *res = b->results[i];
		if (!res)
			res = r->text ? fail_line(r->line, "no_answer", "acd gave no result for this line")
				      : fail_line(r->line, "bad_input", r->error);
		else
			json_object_set_new(res, "line", json_integer((json_int_t)r->line));
		if (!json_is_true(json_object_get(res, "ok")))
			*failed = 1;
		/* done, and its mail not sent: said, the change kept (DESIGN §3) */
		const char *mail = json_string_value(json_object_get(res, "mail_error"));
		if (mail)
			ac_warn("line %zu: done, but its mail was not sent: %s", r->line, mail);
		ac_print(res);
		json_decref(res);
		b->results[i] = NULL;
	}
	fflush(stdout);
	return 0;
}

static int run(const char *path, struct input *in)
{
	int failed = 0;
	struct ac_progress *p = ac_progress_start(ac_prog, in->n);
	struct batch b = { 0 };
	int status = AC_EXIT_OK;
	b.sent = ac_xrealloc(NULL, BATCH_RECORDS * sizeof *b.sent);
	b.results = ac_xrealloc(NULL, BATCH_RECORDS * sizeof *b.results);
	memset(b.results, 0, BATCH_RECORDS * sizeof *b.results);
	for (size_t i = 0; i < in->n;) {
		size_t bytes = 0, n = 0;
		while (i + n < in->n && n < BATCH_RECORDS && bytes < BATCH_BYTES) {
			if (in->v[i + n].text)
				bytes += strlen(in->v[i + n].text) + 1;
			n++;
		}
		b.first = &in->v[i];
		b.count = n;
		json_t *refusal = NULL;
		long st = send_batch(path, &b, &failed, &refusal);
		if (st) {
			/* nothing printed yet: the server's message says it best */
			if (i == 0) {
				ac_progress_abort(p);
				ac_die_reply(st, refusal);
			}
			/* the batches before were committed and printed: every line
			 * from here on still gets its result line (DESIGN §3) */
			ac_bulk_refused(&in->v[i], in->n - i, st, refusal);
			const char *msg = json_string_value(
				json_object_get(json_object_get(refusal, "error"), "message"));
			ac_progress_abort(p);
			p = NULL;
			ac_warn("acd refused the batch from line %zu on (HTTP %ld%s%s): lines %zu to %zu "
				"were not done, the lines before were; re-run the input when it is fixed",
				in->v[i].line, st, msg ? ": " : "", msg ? msg : "", in->v[i].line,
				in->v[in->n - 1].line);
			json_decref(refusal);
			status = ac_exit_for_http(st);
			break;
		}
		i += n;
		ac_progress_update(p, i);
	}
	ac_progress_stop(p);
	for (size_t i = 0; i < in->n; i++) {
		free(in->v[i].text);
		free(in->v[i].error);
	}
	free(in->v);
	free(b.sent);
	free(b.results);
	if (status)
		return status;
	return failed ? AC_EXIT_SOME : AC_EXIT_OK;
}

int ac_bulk(const char *path, enum ac_format fmt)
{
	struct input in = { 0 };
	ac_stream_each(stdin, fmt, collect, &in);
	return run(path, &in);
}

struct keeping {
	struct input in;
	ac_record_keep keep;
	void *arg;
};

static int collect_kept(json_t *rec, size_t line, const char *err, void *arg)
{
	struct keeping *k = arg;
	char why[200] = "";
	if (rec && k->keep(rec, why, sizeof why, k->arg))
		return collect(NULL, line, why[0] ? why : "refused before sending", &k->in);
	return collect(rec, line, err, &k->in);
}

int ac_bulk_keep(const char *path, enum ac_format fmt, ac_record_keep keep, void *arg)
{
	struct keeping k = { .keep = keep, .arg = arg };
	ac_stream_each(stdin, fmt, collect_kept, &k);
	return run(path, &k.in);
}

int ac_bulk_array(const char *path, json_t *records)
{
	struct input in = { 0 };
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
		collect(rec, i + 1, NULL, &in);
	return run(path, &in);
}

int ac_submit(const char *path, json_t *item)
{
	json_t *reply = NULL;
	long st = ac_call("POST", path, item, &reply);
	json_decref(item);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	ac_print(reply);
	json_decref(reply);
	return AC_EXIT_OK;
}
