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
	json_t *in = fields_line(txt, n, it->spec, &f);
	if (!in) {
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

struct bulk {
	struct txn *t;
	struct items *it;
};

static int bulk_line(size_t lineno, const char *txt, size_t n, void *arg)
{
	struct bulk *b = arg;
	return one_line(b->t, b->it, lineno, txt, n);
}

static int bulk_work(struct txn *t, void *arg)
{
	struct items *it = arg;
	json_array_clear(it->results); /* a retried transaction starts over */
	struct bulk b = { t, it };
	return fields_lines(t->r->body, t->r->len, bulk_line, &b);
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

int run_items_then(struct req *r, const struct field *spec, item_fn fn, void (*after)(json_t *))
{
	if (!r->ndjson) {
		struct items it = { .spec = spec, .fn = fn };
		int rc = txn_run(r, 1, single_work, &it);
		if (rc == 0) {
			if (after)
				after(it.out);
			reply_json(r, 200, json_incref(it.out));
		} else if (it.f.status) {
			reply_fail(r, &it.f);
		}
		json_decref(it.out);
		return r->status;
	}
	struct items it = { .spec = spec, .fn = fn, .results = json_array() };
	if (txn_run(r, 1, bulk_work, &it) != 0) {
		json_decref(it.results);
		return r->status;
	}
	for (size_t i = 0; after && i < json_array_size(it.results); i++)
		if (json_is_true(json_object_get(json_array_get(it.results, i), "ok")))
			after(json_array_get(it.results, i));
	return reply_lines(r, it.results);
}

int run_items(struct req *r, const struct field *spec, item_fn fn)
{
	return run_items_then(r, spec, fn, NULL);
}

int req_lines_over(struct req *r, size_t max)
{
	if (!r->ndjson)
		return 0;
	const char *p = r->body ? r->body : "", *end = p + r->len;
	size_t lines = 0;
	for (const char *q = p; q < end; q++)
		lines += *q == '\n';
	lines += r->len && end[-1] != '\n';
	if (lines <= max)
		return 0;
	reply_error(r, 413, "too_many_lines", "%zu lines: a body holds %zu at most; split the input",
		    lines, max);
	return 1;
}
