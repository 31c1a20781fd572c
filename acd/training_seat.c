/* training_seat.c — POST /v1/trainings/register and /v1/trainings/unregister:
 * a seat in a training session taken or given back for a habilitation
 * request, one object or NDJSON lines ({"training","request"}; one
 * transaction, a savepoint per line).  A référent for its structures'
 * requests, an operator for any; the request must be eligible or
 * eligible_p2p, the session not begun.  A seat is taken by one conditional
 * UPDATE (registered < capacity): concurrent registrations for the last
 * seat are ordered by its row lock, one wins and the others are 409
 * training_full.  A request holds one seat in a session to come at most. */
#include "routes.h"
#include "auth.h"
#include "bodies.h"
#include "habilitation.h"
#include "training.h"
#include "ac.h"

#include <stdio.h>
#include <string.h>

struct seat {
	struct training tr;
	int64_t request, structure;
	char email[256], status[32];
	int registered, attended;
};

/* The session and the request a line names, as the caller may see them:
 * 0, or -1 with the error in f. */
static int seat_load(struct txn *t, json_t *in, struct seat *s, struct fail *f)
{
	static const char q[] =
		"SELECT h.structure_id, h.email, h.status, r.attended, r.training_id IS NOT NULL"
		" FROM habilitation_requests h LEFT JOIN training_registrations r"
		" ON r.request_id = h.id AND r.training_id = $1 WHERE h.id = $2";
	int64_t training = jint(in, "training", 0);
	*s = (struct seat){ .request = jint(in, "request", 0) };
	int rc = training_load(t->db, training, &s->tr);
	if (rc < 0)
		return fail_set(f, 500, "internal", "cannot read the training");
	if (!rc)
		return fail_set(f, 404, "not_found", "no such training: %lld", (long long)training);
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, training);
	store_bind_int(st, 2, s->request);
	rc = store_step(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot read the habilitation request");
	if (rc == STORE_DONE || !authz_referent_of(t->r, store_col_int(st, 0)))
		return fail_set(f, 404, "not_found", "no such habilitation request: %lld",
				(long long)s->request);
	s->structure = store_col_int(st, 0);
	snprintf(s->email, sizeof s->email, "%s", store_col_text(st, 1));
	snprintf(s->status, sizeof s->status, "%s", store_col_text(st, 2));
	s->attended = (int)store_col_int(st, 3);
	s->registered = (int)store_col_int(st, 4);
	return 0;
}

static void seat_out(json_t *out, const struct seat *s, int registered, int changed)
{
	json_object_update_new(out, json_pack("{s:I,s:I,s:I,s:s,s:b,s:b}", "training",
					      (json_int_t)s->tr.id, "request", (json_int_t)s->request,
					      "structure", (json_int_t)s->structure, "email", s->email,
					      "registered", registered, "changed", changed));
}

static int seat_journal(struct txn *t, const char *action, const struct seat *s, struct fail *f)
{
	if (journal_append(t, action, s->structure, s->email,
			   json_pack("{s:I,s:I,s:s}", "training", (json_int_t)s->tr.id, "request",
				     (json_int_t)s->request, "start", s->tr.start_local)))
		return fail_set(f, 500, "internal", "cannot write the journal");
	return 0;
}

static int register_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char other[] =
		"SELECT r.training_id FROM training_registrations r JOIN trainings s ON s.id = r.training_id"
		" WHERE r.request_id = $1 AND r.attended = 0 AND s.starts_at > $2";
	static const char take[] = "UPDATE trainings SET registered = registered + 1"
				   " WHERE id = $1 AND registered < capacity";
	static const char ins[] = "INSERT INTO training_registrations (training_id, request_id, created_at)"
				  " VALUES ($1, $2, $3)";
	struct seat s;
	if (seat_load(t, in, &s, f))
		return -1;
	if (s.registered) { /* registered already: the same answer */
		seat_out(out, &s, 1, 0);
		return 0;
	}
	if (strcmp(s.status, "eligible") && strcmp(s.status, "eligible_p2p"))
		return fail_set(f, 409, "not_registrable", "habilitation request %lld is %s: only an "
				"eligible (or eligible_p2p) request takes a seat", (long long)s.request, s.status);
	if (s.tr.starts_at <= t->now)
		return fail_set(f, 409, "training_started", "training %lld began on %s: no more "
				"registrations", (long long)s.tr.id, s.tr.start_local);
	store_stmt *st = store_prep(t->db, other);
	store_bind_int(st, 1, s.request);
	store_bind_int(st, 2, t->now);
	int64_t elsewhere = store_int_or(st, 0);
	if (elsewhere)
		return fail_set(f, 409, "already_registered", "habilitation request %lld holds a seat "
				"in training %lld: unregister it there first", (long long)s.request,
				(long long)elsewhere);
	st = store_prep(t->db, take);
	store_bind_int(st, 1, s.tr.id);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot take a seat");
	if (store_changes(t->db) != 1)
		return fail_set(f, 409, "training_full", "training %lld is full (%lld seats)",
				(long long)s.tr.id, (long long)s.tr.capacity);
	st = store_prep(t->db, ins);
	store_bind_int(st, 1, s.tr.id);
	store_bind_int(st, 2, s.request);
	store_bind_int(st, 3, t->now);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot record the registration");
	if (seat_journal(t, "training_register", &s, f))
		return -1;
	seat_out(out, &s, 1, 1);
	return 0;
}

static int unregister_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char give[] = "UPDATE trainings SET registered = registered - 1 WHERE id = $1";
	static const char del[] = "DELETE FROM training_registrations WHERE training_id = $1"
				  " AND request_id = $2";
	struct seat s;
	if (seat_load(t, in, &s, f))
		return -1;
	if (!s.registered) { /* not (or no longer) registered: nothing to do */
		seat_out(out, &s, 0, 0);
		return 0;
	}
	if (s.attended)
		return fail_set(f, 409, "attended", "habilitation request %lld attended training %lld: "
				"that stays recorded", (long long)s.request, (long long)s.tr.id);
	if (s.tr.starts_at <= t->now)
		return fail_set(f, 409, "training_started", "training %lld began on %s: its "
				"registrations stay as they were", (long long)s.tr.id, s.tr.start_local);
	store_stmt *st = store_prep(t->db, del);
	store_bind_int(st, 1, s.tr.id);
	store_bind_int(st, 2, s.request);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot remove the registration");
	st = store_prep(t->db, give);
	store_bind_int(st, 1, s.tr.id);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot give the seat back");
	if (seat_journal(t, "training_unregister", &s, f))
		return -1;
	seat_out(out, &s, 0, 1);
	return 0;
}

static int seat_route(struct req *r, item_fn fn)
{
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden", "only a référent (its structures' requests) or "
				   "an operator registers for training sessions");
	if (req_lines_over(r, BULK_LINES_MAX))
		return r->status;
	return run_items(r, body_training_seat, fn);
}

int api_training_register(struct req *r) { return seat_route(r, register_one); }
int api_training_unregister(struct req *r) { return seat_route(r, unregister_one); }
