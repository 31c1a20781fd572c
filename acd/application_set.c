/* application_set.c — POST /v1/structure-requests/set (operators): a
 * confirmed application accepted, refused or sent back for changes.  One
 * object, or NDJSON lines, each line its own transaction with its journal
 * entry, so that its mails go once it is committed: a mail that fails never
 * undoes the change, the line says so ("mail_error").
 *   submitted         -> accepted | refused | changes_required
 *   changes_required  -> refused (the applicant resubmits: submitted)
 * The same status again is changed:false (accepted also once closed);
 * anything else 409 bad_transition, nothing changed. */
#include "routes.h"
#include "application.h"
#include "auth.h"
#include "log.h"
#include "ac.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>


struct setting {
	int64_t id;
	const char *status, *message;
	struct application_row a;
	int changed;
	char before[24];
	struct accepted acc;            /* accepted: what was made */
	char token[TOKEN_HEX];          /* changes_required: the edit link */
	struct fail f;
};

static int transition_ok(const char *from, const char *to)
{
	if (!strcmp(from, "submitted"))
		return 1;
	return !strcmp(from, "changes_required") && !strcmp(to, "refused");
}

static int set_work(struct txn *t, void *arg)
{
	static const char up[] = "UPDATE structure_requests SET status = $1, message = $2,"
				 " updated_at = $3, structure_id = $4, referent_id = $5"
				 " WHERE id = $6 AND status = $7";
	struct setting *x = arg;
	json_decref(x->a.app);
	x->a.app = NULL;
	x->changed = 0;
	int found = application_load(t->db, x->id, &x->a);
	if (found < 0)
		return fail_set(&x->f, 500, "internal", "cannot read the application");
	if (!found || !strcmp(x->a.status, "draft")) /* unconfirmed: nobody's but the applicant's */
		return fail_set(&x->f, 404, "not_found", "no such application: %lld", (long long)x->id);
	snprintf(x->before, sizeof x->before, "%s", x->a.status);
	if (!strcmp(x->a.status, x->status) ||
	    (!strcmp(x->status, "accepted") && !strcmp(x->a.status, "closed")))
		return 0;
	if (!transition_ok(x->a.status, x->status))
		return fail_set(&x->f, 409, "bad_transition", "application %lld is %s: it cannot become %s",
				(long long)x->id, x->a.status, x->status);
	memset(&x->acc, 0, sizeof x->acc);
	if (!strcmp(x->status, "accepted") && application_accept(t, &x->a, &x->acc, &x->f))
		return -1;
	if (!strcmp(x->status, "changes_required") &&
	    application_new_link(t, x->id, x->token) != STORE_DONE)
		return fail_set(&x->f, 500, "internal", "cannot make the edit link");
	store_stmt *st = store_prep(t->db, up);
	store_bind_text(st, 1, x->status);
	store_bind_text(st, 2, x->message ? x->message : "");
	store_bind_int(st, 3, t->now);
	if (x->acc.structure)
		store_bind_int(st, 4, x->acc.structure);
	else
		store_bind_null(st, 4);
	if (x->acc.referent)
		store_bind_int(st, 5, x->acc.referent);
	else
		store_bind_null(st, 5);
	store_bind_int(st, 6, x->id);
	store_bind_text(st, 7, x->before);
	if (store_exec(st) != STORE_DONE || store_changes(t->db) != 1)
		return fail_set(&x->f, 500, "internal", "cannot update the application");
	char subject[48];
	application_subject(x->id, subject);
	json_t *d = json_pack("{s:s,s:s}", "status", x->status, "before", x->before);
	if (x->message)
		json_object_set_new(d, "message", json_string(x->message));
	if (x->acc.structure)
		json_object_set_new(d, "structure", json_integer(x->acc.structure));
	if (journal_append(t, "structure_request_update", x->acc.structure, subject, d))
		return fail_set(&x->f, 500, "internal", "cannot write the journal");
	x->changed = 1;
	return 0;
}

/* The mails of a change just committed: 0, or -1 with why in err. */
static int set_mails(struct setting *x, char *err, size_t errlen)
{
	const char *to = jstr(json_object_get(x->a.app, "applicant"), "email", "");
	if (!strcmp(x->status, "changes_required"))
		return application_mail_link(to, x->token, x->message, err, errlen);
	if (!strcmp(x->status, "refused"))
		return application_mail_refused(to, x->a.app, x->message, err, errlen);
	return application_mail_accepted(x->a.app, &x->acc, err, errlen);
}

/* One item, checked by spec: its result object, or NULL with x->f. */
static json_t *set_one(struct req *r, json_t *in, struct fail *f)
{
	static const char *const targets[] = { "accepted", "refused", "changes_required", NULL };
	struct setting x = { .id = jint(in, "id", 0), .status = jstr(in, "status", ""),
			     .message = jstr(in, "message", NULL) };
	char words[100];
	if (!ac_in_list(targets, x.status)) {
		fail_set(f, 400, "bad_status", "\"status\" must be one of: %s",
			 ac_list_words(targets, words, sizeof words));
		return NULL;
	}
	if (x.message && strlen(x.message) > 1000) {
		fail_set(f, 400, "bad_message", "\"message\" is longer than 1000 characters");
		return NULL;
	}
	if (strcmp(x.status, "accepted") && (!x.message || !*x.message)) {
		fail_set(f, 400, "message_required", "a refusal or a request for changes says why: give "
			 "\"message\" (mailed to the applicant)");
		return NULL;
	}
	int rc = txn_run(r, 1, set_work, &x);
	if (rc != 0) {
		json_decref(x.a.app);
		if (!x.f.status)
			fail_set(f, r->status ? r->status : 500, r->status == 503 ? "busy" : "internal",
				 "the database stayed busy: nothing changed, retry");
		else
			*f = x.f;
		r->status = 0; /* a line's failure is its own, not the reply's */
		return NULL;
	}
	json_t *out = json_pack("{s:I,s:s,s:b}", "id", (json_int_t)x.id, "status",
				x.changed ? x.status : x.before, "changed", x.changed);
	if (x.acc.structure)
		json_object_set_new(out, "structure", json_integer(x.acc.structure));
	if (x.acc.habilitations)
		json_object_set_new(out, "habilitation_requests", json_integer(x.acc.habilitations));
	char err[256] = "";
	if (x.changed && set_mails(&x, err, sizeof err)) {
		log_error("mail about application %lld: %s", (long long)x.id, err);
		json_object_set_new(out, "mail_error", json_string(err));
	}
	sodium_memzero(x.token, sizeof x.token);
	json_decref(x.a.app);
	return out;
}

static const struct field spec[] = {
	{ "id", F_INT, 1 }, { "status", F_STR, 1 }, { "message", F_STR, 0 }, { 0 }
};

static json_t *line_result(struct req *r, size_t lineno, const char *txt, size_t n)
{
	struct fail f = { 0 };
	json_error_t e;
	json_t *in = json_loadb(txt, n, JSON_REJECT_DUPLICATES, &e), *out = NULL;
	if (!in)
		fail_set(&f, 400, "bad_json", "malformed JSON at column %d", e.column);
	else if (!fields_check(in, spec, &f))
		out = set_one(r, in, &f);
	json_decref(in);
	json_t *res = json_pack("{s:I,s:b}", "line", (json_int_t)lineno, "ok", out != NULL);
	if (out)
		json_object_update_new(res, out);
	else
		json_object_set_new(res, "error", json_pack("{s:s,s:s}", "code", f.code, "message",
							    f.message));
	return res;
}

int api_structure_request_set(struct req *r)
{
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only an operator decides on an application");
	if (!r->ndjson) {
		struct fail f = { 0 };
		json_t *in = req_object(r, spec, &f), *out = in ? set_one(r, in, &f) : NULL;
		json_decref(in);
		return out ? reply_json(r, 200, out) : reply_fail(r, &f);
	}
	if (req_lines_over(r, BULK_LINES_MAX)) /* refused whole, before any change */
		return r->status;
	const char *p = r->body ? r->body : "", *end = p + r->len;
	json_t *results = json_array();
	size_t lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), k = n;
		lineno++;
		while (k && (p[k - 1] == '\r' || p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k)
			json_array_append_new(results, line_result(r, lineno, p, k));
		p += n + 1;
	}
	return reply_lines(r, results);
}
