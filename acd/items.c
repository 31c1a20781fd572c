/* items.c — single and bulk requests over one item function.  A bulk body is
 * NDJSON; all its lines run in one transaction, each under a savepoint so a bad
 * line changes nothing and the good ones all land together. */
#include "txn.h"
#include "ac.h"

#include <string.h>

struct items {
	const struct field *spec;
	item_fn fn;
	json_t *results; /* bulk: one object per line */
	json_t *out;     /* single */
	struct fail f;
};

static json_t *line_error(size_t line, const struct fail *f)
{
	return json_pack("{s:I,s:b,s:{s:s,s:s}}", "line", (json_int_t)line, "ok", 0, "error",
			 "code", f->code, "message", f->message);
}

static int one_line(struct txn *t, struct items *it, size_t lineno, const char *txt, size_t n)
{
	struct fail f = { 0 };
	json_error_t e;
	json_t *in = json_loadb(txt, n, JSON_REJECT_DUPLICATES, &e);
	if (!in) {
		char why[JSON_ERROR_TEXT_LENGTH];
		fail_set(&f, 400, "bad_json", "malformed JSON at column %d: %s", e.column,
			 ac_json_error(&e, why, sizeof why));
		json_array_append_new(it->results, line_error(lineno, &f));
		return 0;
	}
	if (fields_check(in, it->spec, &f)) {
		json_decref(in);
		json_array_append_new(it->results, line_error(lineno, &f));
		return 0;
	}
	/* a rolled-back line must not leave its journal entries in the cached head */
	int64_t seq = t->head_seq;
	int had = t->have_head;
	uint8_t chain[32];
	memcpy(chain, t->head_chain, 32);
	if (store_savepoint(t->db) != STORE_OK) {
		json_decref(in);
		return -1;
	}
	json_t *out = json_object();
	if (it->fn(t, in, out, &f) == 0) {
		store_savepoint_release(t->db);
		json_t *res = json_pack("{s:I,s:b}", "line", (json_int_t)lineno, "ok", 1);
		json_object_update(res, out);
		json_array_append_new(it->results, res);
	} else {
		store_savepoint_rollback(t->db);
		t->head_seq = seq;
		t->have_head = had;
		memcpy(t->head_chain, chain, 32);
		json_array_append_new(it->results, line_error(lineno, &f));
	}
	json_decref(out);
	json_decref(in);
	return 0;
}

static int bulk_work(struct txn *t, void *arg)
{
	struct items *it = arg;
	json_array_clear(it->results); /* a retried transaction starts over */
	const char *p = t->r->body ? t->r->body : "", *end = p + t->r->len;
	size_t lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		size_t k = n;
		while (k && (p[k - 1] == '\r' || p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k && one_line(t, it, lineno, p, k))
			return -1;
		p += n + 1;
	}
	return 0;
}

static int single_work(struct txn *t, void *arg)
{
	struct items *it = arg;
	json_decref(it->out);
	it->out = json_object();
	json_t *in = req_object(t->r, it->spec, &it->f);
	if (!in)
		return -1;
	int rc = it->fn(t, in, it->out, &it->f);
	json_decref(in);
	return rc;
}

int run_items(struct req *r, const struct field *spec, item_fn fn)
{
	if (!r->ndjson) {
		struct items it = { .spec = spec, .fn = fn };
		int rc = txn_run(r, 1, single_work, &it);
		if (rc == 0)
			reply_json(r, 200, json_incref(it.out));
		else if (it.f.status)
			reply_fail(r, &it.f);
		json_decref(it.out);
		return r->status;
	}
	struct items it = { .spec = spec, .fn = fn, .results = json_array() };
	if (txn_run(r, 1, bulk_work, &it) != 0) {
		json_decref(it.results);
		return r->status;
	}
	return reply_lines(r, it.results);
}
