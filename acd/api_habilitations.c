/* api_habilitations.c — aidants' habilitation requests (aidants à former):
 * GET /v1/habilitation-requests, what a référent sees of its structures'
 * and an operator of all.  Accepting a structure's application makes the
 * first ones (application_accept.c). */
#include "ac.h"
#include "auth.h"
#include "routes.h"
#include "training.h"

#include <stdio.h>
#include <string.h>

static const char *const states[] = { "waitlist", "new", "eligible", "eligible_p2p", "validated",
				      "refused", "cancelled", "cancelled_by_referent", NULL };

/* "eligible,eligible_p2p" as a mask of states[] (all of them when absent),
 * parsed once for the whole list; 0 with the reply made when one is none. */
static unsigned wanted_states(struct req *r, const char *list)
{
	if (!list)
		return ~0u;
	unsigned mask = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		int k = 0;
		while (states[k] && !(strlen(states[k]) == n && !strncmp(states[k], p, n)))
			k++;
		if (!states[k]) {
			char words[200];
			reply_error(r, 400, "bad_status", "status must be one or more (comma-separated) of: %s",
				    ac_list_words(states, words, sizeof words));
			return 0;
		}
		mask |= 1u << k;
		p += n + (p[n] == ',');
	}
	return mask;
}

static unsigned state_bit(const char *state)
{
	for (int k = 0; states[k]; k++)
		if (!strcmp(states[k], state))
			return 1u << k;
	return 0;
}

static json_t *opt_int(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_integer(store_col_int(st, col));
}

static json_t *opt_bool(store_stmt *st, int col)
{
	return store_col_null(st, col) ? json_null() : json_boolean(store_col_int(st, col));
}

static json_t *opt_text(store_stmt *st, int col)
{
	return *store_col_text(st, col) ? json_string(store_col_text(st, col)) : json_null();
}

/* One request as the list shows it. */
static json_t *request_json(store_stmt *st)
{
	char created[32], updated[32];
	iso_time((time_t)store_col_int(st, 19), created);
	iso_time((time_t)store_col_int(st, 20), updated);
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:o,s:b,s:s,s:s,s:o,s:o,s:o,s:o,"
			 "s:s,s:s,s:s,s:s}",
			 "id", (json_int_t)store_col_int(st, 0),
			 "structure", (json_int_t)store_col_int(st, 1),
			 "structure_name", store_col_text(st, 2), "email", store_col_text(st, 3),
			 "first_name", store_col_text(st, 4), "last_name", store_col_text(st, 5),
			 "profession", store_col_text(st, 6),
			 "conseiller_numerique", (int)store_col_int(st, 7),
			 "course", store_col_text(st, 8), "trainer", opt_text(st, 9),
			 "transfer", (int)store_col_int(st, 10), "status", store_col_text(st, 11),
			 "message", store_col_text(st, 12), "pix_passed", opt_bool(st, 13),
			 "pix_score", opt_int(st, 14), "trained_on", opt_text(st, 15),
			 "account", opt_int(st, 16), "departement", store_col_text(st, 17),
			 "region", store_col_text(st, 18), "created_at", created, "updated_at", updated);
}

int api_habilitation_list(struct req *r)
{
	static const char q[] =
		"SELECT h.id, h.structure_id, s.name, h.email, h.first_name, h.last_name,"
		" h.profession, h.conseiller_numerique, h.course, COALESCE(t.email, ''), h.transfer,"
		" h.status, h.message, h.pix_passed, h.pix_score, COALESCE(h.trained_on, ''),"
		" h.account_id, s.departement, s.region, h.created_at, h.updated_at"
		" FROM habilitation_requests h JOIN structures s ON s.id = h.structure_id"
		" LEFT JOIN accounts t ON t.id = h.trainer_id"
		" WHERE ($1 = 1 OR h.structure_id IN (SELECT ms.structure_id FROM memberships ms"
		" WHERE ms.account_id = $2 AND ms.active = 1 AND ms.is_referent = 1))"
		" AND ($3 = 0 OR h.structure_id = $3) AND ($4 = '' OR s.region = $4)"
		" AND ($5 = '' OR s.departement = $5) AND ($6 = 0 OR h.id IN (SELECT tr.request_id"
		" FROM training_registrations tr WHERE tr.training_id = $6)) ORDER BY h.id";
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden",
				   "only a référent (its structures') or an operator reads habilitation requests");
	int64_t structure;
	if (req_structure_filter(r, &structure))
		return r->status;
	if (structure && !authz_referent_of(r, structure))
		return reply_error(r, 404, "not_found", "no such structure: %lld", (long long)structure);
	const char *status = req_query(r, "status"), *region = req_query(r, "region"),
		   *dep = req_query(r, "departement");
	unsigned wanted = wanted_states(r, status);
	if (!wanted)
		return r->status;
	if (region && !ac_region_find(region))
		return reply_error(r, 400, "bad_region", "no région has the INSEE code \"%.10s\"", region);
	if (dep && !ac_departement_find(dep))
		return reply_error(r, 400, "bad_departement", "no département has the code \"%.10s\"", dep);
	const char *training_q = req_query(r, "training");
	int64_t training = training_q ? ac_text_id(training_q) : 0;
	struct training tr;
	if (training_q && !training)
		return reply_error(r, 400, "bad_filter", "training must be an id (a whole number)");
	int found = training ? training_load(r->db, training, &tr) : 1;
	if (found < 0)
		return reply_error(r, 503, "unavailable", "the database cannot be read; retry");
	if (!found)
		return reply_error(r, 404, "not_found", "no such training: %lld", (long long)training);
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, r->who.operator ? 1 : 0);
	store_bind_int(st, 2, r->who.account);
	store_bind_int(st, 3, structure);
	store_bind_text(st, 4, region ? region : "");
	store_bind_text(st, 5, dep ? dep : "");
	store_bind_int(st, 6, training);
	json_t *lines = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		if (wanted & state_bit(store_col_text(st, 11)))
			json_array_append_new(lines, request_json(st));
	if (rc != STORE_DONE) {
		json_decref(lines);
		return reply_error(r, 503, "unavailable", "the database cannot be read; retry");
	}
	return reply_lines(r, lines);
}
