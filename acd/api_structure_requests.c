/* api_structure_requests.c — structures' applications (application.h):
 *   POST /v1/structure-requests      anyone (rate-limited): a draft, and the
 *                                    applicant's confirmation mail
 *   GET  /v1/structure-requests      operators: the confirmed ones
 *   POST /v1/structure-requests/set  operators: accepted, refused,
 *                                    changes_required (application_set.c) */
#include "routes.h"
#include "application.h"
#include "auth.h"
#include "mail.h"
#include "ac.h"

#include <string.h>

int api_structure_request_create(struct req *r)
{
	struct fail f = { 0 };
	char fr[300];
	json_error_t e;
	json_t *app = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES, &e);
	if (!app)
		return reply_error(r, 400, "bad_json", "malformed JSON at line %d, column %d", e.line,
				   e.column);
	if (application_check(app, &f, fr, sizeof fr)) {
		json_decref(app);
		return reply_fail(r, &f);
	}
	if (!mail_configured()) {
		json_decref(app);
		return reply_error(r, 503, "mail_unconfigured", "acd cannot send mail (see smtp-url in "
				   "acd(8)), and an application waits for its applicant's confirmation by mail");
	}
	int64_t id;
	char err[256];
	int rc = application_open(r, app, &id, err, sizeof err);
	json_decref(app);
	if (rc != 0)
		return r->status ? r->status : reply_error(r, 500, "internal", "cannot record the application");
	json_t *out = json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "draft");
	if (*err)
		json_object_set_new(out, "mail_error", json_string(err));
	return reply_json(r, 201, out);
}

static const char *const visible_states[] = { "submitted", "changes_required", "accepted", "refused",
					      "closed", NULL };

/* One confirmed application as the operators' list shows it. */
static json_t *request_json(store_stmt *st)
{
	json_t *app = json_loads(store_col_text(st, 2), 0, NULL);
	json_t *s = json_object_get(app, "structure");
	char created[32], updated[32], submitted[32];
	iso_time((time_t)store_col_int(st, 6), created);
	iso_time((time_t)store_col_int(st, 7), updated);
	iso_time((time_t)store_col_int(st, 8), submitted);
	json_t *line = json_pack(
		"{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O,s:O,s:O,s:O,s:s,s:o,s:s,s:s,s:s}",
		"id", (json_int_t)store_col_int(st, 0), "status", store_col_text(st, 1),
		"siret", jstr(s, "siret", ""), "name", jstr(s, "name", ""), "type", jstr(s, "type", ""),
		"address", jstr(s, "address", ""), "zipcode", jstr(s, "zipcode", ""),
		"city", jstr(s, "city", ""), "departement", store_col_text(st, 4),
		"region", store_col_text(st, 5), "applicant", json_object_get(app, "applicant"),
		"referent", json_object_get(app, "referent"), "aidants", json_object_get(app, "aidants"),
		"declarations", json_object_get(app, "declarations"), "message", store_col_text(st, 3),
		"structure", store_col_null(st, 9) ? json_null() : json_integer(store_col_int(st, 9)),
		"created_at", created, "submitted_at", submitted, "updated_at", updated);
	json_decref(app);
	return line;
}

int api_structure_request_list(struct req *r)
{
	static const char q[] =
		"SELECT id, status, application, message, departement, region, created_at, updated_at,"
		" COALESCE(submitted_at, created_at), structure_id FROM structure_requests"
		" WHERE status <> 'draft' AND ($1 = '' OR status = $1) AND ($2 = '' OR region = $2)"
		" AND ($3 = '' OR departement = $3) ORDER BY id";
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only an operator reads structures' applications");
	const char *status = req_query(r, "status"), *region = req_query(r, "region"),
		   *dep = req_query(r, "departement");
	char words[200];
	if (status && !ac_in_list(visible_states, status))
		return reply_error(r, 400, "bad_status", "status must be one of: %s",
				   ac_list_words(visible_states, words, sizeof words));
	if (region && !ac_region_find(region))
		return reply_error(r, 400, "bad_region", "no région has the INSEE code \"%.10s\"", region);
	if (dep && !ac_departement_find(dep))
		return reply_error(r, 400, "bad_departement", "no département has the code \"%.10s\"", dep);
	store_stmt *st = store_prep(r->db, q);
	store_bind_text(st, 1, status ? status : "");
	store_bind_text(st, 2, region ? region : "");
	store_bind_text(st, 3, dep ? dep : "");
	json_t *lines = json_array();
	while (store_step(st) == STORE_ROW)
		json_array_append_new(lines, request_json(st));
	return reply_lines(r, lines);
}
