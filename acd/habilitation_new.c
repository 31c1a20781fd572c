/* habilitation_new.c — POST /v1/habilitation-requests: people to train and
 * habilitate as aidants of a structure, one object or NDJSON lines (one
 * transaction, a savepoint per line).  A référent asks for its own
 * structures (state waitlist), an operator for any (state new).  One open
 * request per (structure, email): the same line again is changed:false.  A
 * person already aidant of another structure needs no new training: the
 * request is a transfer (validated without training or PIX). */
#include "routes.h"
#include "aidant_put.h"
#include "auth.h"
#include "bodies.h"
#include "habilitation.h"
#include "ac.h"

#include <string.h>

/* The active aidant, with an active card, of the structure who trains a
 * peer-to-peer request: its account id, or 0. */
static int64_t trainer_of(store_conn *db, const char *email, int64_t structure)
{
	static const char q[] =
		"SELECT a.id FROM accounts a JOIN memberships m ON m.account_id = a.id"
		" WHERE a.email = $1 AND a.active = 1 AND m.structure_id = $2 AND m.active = 1"
		" AND m.is_aidant = 1 AND EXISTS (SELECT 1 FROM cards c WHERE c.account_id = a.id"
		" AND c.state = 'active')";
	store_stmt *st = store_prep(db, q);
	store_bind_text(st, 1, email);
	store_bind_int(st, 2, structure);
	return store_int_or(st, 0);
}

/* Whether the person is an active aidant of the structure (same = 1) or of
 * another one (same = 0). */
static int aidant_where(store_conn *db, const char *email, int64_t structure, int same)
{
	static const char q[] =
		"SELECT COUNT(*) FROM accounts a JOIN memberships m ON m.account_id = a.id"
		" JOIN structures s ON s.id = m.structure_id"
		" WHERE a.email = $1 AND a.active = 1 AND m.active = 1 AND m.is_aidant = 1"
		" AND s.active = 1 AND (($2 = 1 AND m.structure_id = $3) OR ($2 = 0 AND m.structure_id <> $3))";
	store_stmt *st = store_prep(db, q);
	store_bind_text(st, 1, email);
	store_bind_int(st, 2, same);
	store_bind_int(st, 3, structure);
	return store_int_or(st, 0) > 0;
}

/* The course and its trainer, checked: 0, or -1 with a 400 in f. */
static int course_of(struct txn *t, json_t *in, int64_t structure, int64_t *trainer, struct fail *f)
{
	const char *course = jstr(in, "course", "classic"), *tr = jstr(in, "trainer", NULL);
	*trainer = 0;
	if (strcmp(course, "classic") && strcmp(course, "p2p"))
		return fail_set(f, 400, "bad_course", "\"course\" must be classic or p2p");
	if (!strcmp(course, "classic")) {
		if (tr)
			return fail_set(f, 400, "bad_trainer", "only a p2p course has a \"trainer\"");
		return 0;
	}
	char email[256];
	if (!tr)
		return fail_set(f, 400, "bad_trainer", "a p2p course needs \"trainer\": the email of an "
				"active aidant of the structure, with an active card");
	if (field_email_of(in, "trainer", email, f))
		return -1;
	*trainer = trainer_of(t->db, email, structure);
	if (!*trainer)
		return fail_set(f, 400, "bad_trainer", "%s is no active aidant of structure %lld with an "
				"active card: a p2p trainer must be one", email, (long long)structure);
	return 0;
}

static int new_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char open_q[] =
		"SELECT id, status, transfer FROM habilitation_requests WHERE structure_id = $1"
		" AND email = $2 AND status NOT IN " HABILITATION_TERMINAL;
	static const char next_id[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM habilitation_requests";
	static const char ins[] =
		"INSERT INTO habilitation_requests (id, structure_id, email, first_name, last_name,"
		" profession, conseiller_numerique, course, trainer_id, transfer, status, created_at,"
		" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";
	char email[256];
	int64_t structure = jint(in, "structure", 0), trainer;
	if (field_email(in, email, f) || aidant_person_ok(in, f))
		return -1;
	if (!*jstr(in, "profession", ""))
		return fail_set(f, 400, "bad_profession", "\"profession\" is required: the person's job");
	if (!structure_exists(t->db, structure) || !authz_referent_of(t->r, structure))
		return fail_set(f, 404, "not_found", "no such structure: %lld", (long long)structure);
	if (course_of(t, in, structure, &trainer, f))
		return -1;
	store_stmt *st = store_prep(t->db, open_q);
	store_bind_int(st, 1, structure);
	store_bind_text(st, 2, email);
	int rc = store_step(st);
	if (rc == STORE_ROW) { /* asked already: the same answer, nothing more */
		json_object_update_new(out, json_pack("{s:I,s:I,s:s,s:s,s:b,s:b}", "id",
						      (json_int_t)store_col_int(st, 0), "structure",
						      (json_int_t)structure, "email", email, "status",
						      store_col_text(st, 1), "transfer",
						      (int)store_col_int(st, 2), "changed", 0));
		return 0;
	}
	if (rc != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot read the habilitation requests");
	if (aidant_where(t->db, email, structure, 1))
		return fail_set(f, 409, "already_aidant", "%s is already an aidant of structure %lld",
				email, (long long)structure);
	int transfer = aidant_where(t->db, email, structure, 0);
	const char *status = authz_operator(t->r) ? "new" : "waitlist";
	const char *course = jstr(in, "course", "classic");
	int64_t id = store_int_or(store_prep(t->db, next_id), 1);
	st = store_prep(t->db, ins);
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, structure);
	store_bind_text(st, 3, email);
	store_bind_text(st, 4, jstr(in, "first_name", ""));
	store_bind_text(st, 5, jstr(in, "last_name", ""));
	store_bind_text(st, 6, jstr(in, "profession", ""));
	store_bind_int(st, 7, jbool(in, "conseiller_numerique", 0));
	store_bind_text(st, 8, course);
	if (trainer)
		store_bind_int(st, 9, trainer);
	else
		store_bind_null(st, 9);
	store_bind_int(st, 10, transfer);
	store_bind_text(st, 11, status);
	store_bind_int(st, 12, t->now);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot record the habilitation request");
	if (journal_append(t, "habilitation_create", structure, email,
			   json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)id, "status", status,
				     "course", course, "transfer", transfer)))
		return fail_set(f, 500, "internal", "cannot write the journal");
	json_object_update_new(out, json_pack("{s:I,s:I,s:s,s:s,s:s,s:b,s:b}", "id", (json_int_t)id,
					      "structure", (json_int_t)structure, "email", email,
					      "status", status, "course", course, "transfer", transfer,
					      "changed", 1));
	return 0;
}

int api_habilitation_create(struct req *r)
{
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden", "only a référent (for its structures) or an "
				   "operator asks for habilitations");
	if (req_lines_over(r, BULK_LINES_MAX))
		return r->status;
	return run_items(r, body_habilitation_create, new_one);
}
