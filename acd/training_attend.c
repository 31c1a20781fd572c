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

static int attend_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char q[] =
		"SELECT h.id, h.structure_id, r.attended FROM training_registrations r"
		" JOIN habilitation_requests h ON h.id = r.request_id WHERE r.training_id = $1"
		" AND h.email = $2 AND h.status NOT IN " HABILITATION_TERMINAL " ORDER BY h.id";
	static const char mark[] = "UPDATE training_registrations SET attended = 1"
				   " WHERE training_id = $1 AND request_id = $2";
	static const char trained[] = "UPDATE habilitation_requests SET trained_on = $1, updated_at = $2"
				      " WHERE id = $3";
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
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, tr.id);
	store_bind_text(st, 2, email);
	rc = store_step(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot read the registrations");
	if (rc == STORE_DONE)
		return fail_set(f, 409, "not_registered", "%s has no open habilitation request "
				"registered in training %lld", email, (long long)tr.id);
	int64_t request = store_col_int(st, 0), structure = store_col_int(st, 1);
	int changed = !store_col_int(st, 2);
	char day[11];
	snprintf(day, sizeof day, "%.10s", tr.start_local);
	if (changed) {
		st = store_prep(t->db, mark);
		store_bind_int(st, 1, tr.id);
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
				   json_pack("{s:I,s:I,s:s}", "training", (json_int_t)tr.id, "request",
					     (json_int_t)request, "trained_on", day)))
			return fail_set(f, 500, "internal", "cannot write the journal");
	}
	json_object_update_new(out, json_pack("{s:I,s:s,s:I,s:I,s:s,s:b}", "training", (json_int_t)tr.id,
					      "email", email, "request", (json_int_t)request,
					      "structure", (json_int_t)structure, "trained_on", day,
					      "changed", changed));
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
