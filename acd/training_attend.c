/* training_attend.c — POST /v1/trainings/attend: who attended a training
 * session, from the training body's list, one object or NDJSON lines
 * ({"training","email"}; one transaction, a savepoint per line); operators
 * record it.  The person's open request registered in that session is
 * marked trained on the session's day (trained_on), which validation asks
 * for.  Only a session that has begun is attended; the same line again is
 * changed:false. */
#include "routes.h"
#include "auth.h"
#include "bodies.h"
#include "habilitation.h"
#include "training.h"
#include "ac.h"

#include <stdio.h>
#include <string.h>

/* Marks one registration of the session attended and its request trained
 * on day: 0, or -1 with f. */
static int mark(struct txn *t, const struct training *tr, int64_t request, int64_t structure,
		const char *email, const char *day, struct fail *f)
{
	static const char attended[] = "UPDATE training_registrations SET attended = 1"
				       " WHERE training_id = $1 AND request_id = $2";
	static const char trained[] = "UPDATE habilitation_requests SET trained_on = $1, updated_at = $2"
				      " WHERE id = $3";
	store_stmt *st = store_prep(t->db, attended);
	store_bind_int(st, 1, tr->id);
	store_bind_int(st, 2, request);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot record the attendance");
	st = store_prep(t->db, trained);
	store_bind_text(st, 1, day);
	store_bind_int(st, 2, t->now);
	store_bind_int(st, 3, request);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot record the training");
	if (journal_append(t, "training_attend", structure, email,
			   json_pack("{s:I,s:I,s:s}", "training", (json_int_t)tr->id, "request",
				     (json_int_t)request, "trained_on", day)))
		return fail_set(f, 500, "internal", "cannot write the journal");
	return 0;
}

/* A person registered in the session for several structures attended once
 * for all of them: every such registration is marked.  One attended already
 * (its request validated since, say) is the same line again: changed:false. */
static int attend_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char q[] =
		"SELECT h.id, h.structure_id, r.attended FROM training_registrations r"
		" JOIN habilitation_requests h ON h.id = r.request_id WHERE r.training_id = $1"
		" AND h.email = $2 AND (r.attended = 1 OR h.status NOT IN " HABILITATION_TERMINAL ")"
		" ORDER BY h.id";
	struct training tr;
	char email[256];
	int64_t training = jint(in, "training", 0);
	if (field_email(in, email, f))
		return -1;
	int rc = training_load(t->db, training, &tr);
	if (rc < 0)
		return fail_set(f, 500, "internal", "cannot read the training");
	if (!rc)
		return fail_set(f, 404, "not_found", "no such training: %lld", (long long)training);
	if (tr.starts_at > t->now)
		return fail_set(f, 409, "training_not_held", "training %lld begins on %s: attendance "
				"is recorded once it has begun", (long long)tr.id, tr.start_local);
	enum { MAX = 64 };
	int64_t requests[MAX], structures[MAX];
	int unmarked[MAX], n = 0, changed = 0; /* unmarked: not attended yet */
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, tr.id);
	store_bind_text(st, 2, email);
	while (n < MAX && (rc = store_step(st)) == STORE_ROW) {
		requests[n] = store_col_int(st, 0);
		structures[n] = store_col_int(st, 1);
		unmarked[n++] = !store_col_int(st, 2);
	}
	if (n < MAX && rc != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot read the registrations");
	if (!n)
		return fail_set(f, 409, "not_registered", "%s has no open habilitation request "
				"registered in training %lld", email, (long long)tr.id);
	char day[11];
	snprintf(day, sizeof day, "%.10s", tr.start_local);
	for (int i = 0; i < n; i++)
		if (unmarked[i]) {
			if (mark(t, &tr, requests[i], structures[i], email, day, f))
				return -1;
			changed = 1;
		}
	json_object_update_new(out, json_pack("{s:I,s:s,s:I,s:I,s:s,s:b}", "training", (json_int_t)tr.id,
					      "email", email, "request", (json_int_t)requests[0],
					      "structure", (json_int_t)structures[0], "trained_on", day,
					      "changed", changed));
	if (n > 1) {
		json_t *all = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(all, json_integer(requests[i]));
		json_object_set_new(out, "requests", all);
	}
	return 0;
}

int api_training_attend(struct req *r)
{
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only an operator records who attended a training");
	if (req_lines_over(r, BULK_LINES_MAX))
		return r->status;
	return run_items(r, body_training_attend, attend_one);
}
