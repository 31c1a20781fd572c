/* api_aidants.c — people in structures: POST /v1/aidants (add, idempotent by
 * email and structure), GET /v1/aidants, POST /v1/aidants/deactivate (a
 * departure), POST /v1/aidants/unlock (after a lockout).  A référent acts on
 * its own structures only; anything else is "not found". */
#include "routes.h"
#include "bodies.h"
#include "aidant_put.h"
#include "auth.h"
#include "cards.h"
#include "departure.h"
#include "txn.h"
#include "ac.h"

#include <string.h>

static int add_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	char email[256];
	int64_t structure = jint(in, "structure", 0);
	if (field_email(in, email, f) || aidant_person_ok(in, f))
		return -1;
	if (!structure_exists(t->db, structure) || !authz_referent_of(t->r, structure))
		return fail_set(f, 404, "not_found", "no such structure: %lld", (long long)structure);
	struct aidant_put res = { 0 };
	if (aidant_put(t, email, structure, in, &res, f))
		return -1;
	const char *first = jstr(in, "first_name", ""), *last = jstr(in, "last_name", ""); /* as stored */
	json_object_update_new(out, json_pack("{s:s,s:I,s:s,s:s,s:b,s:b,s:b}", "email", email,
					      "structure", (json_int_t)structure, "first_name", first,
					      "last_name", last, "aidant", res.aidant, "referent",
					      res.referent, "changed", res.changed));
	return 0;
}

int api_aidant_add(struct req *r)
{
	return run_items(r, body_aidant_add, add_one);
}

int api_aidant_list(struct req *r)
{
	static const char q[] =
		"SELECT a.id, a.email, a.first_name, a.last_name, a.profession, a.phone, m.structure_id,"
		" m.is_aidant, m.is_referent, m.active, a.locked,"
		" (SELECT MIN(c.serial) FROM cards c WHERE c.account_id = a.id AND c.kind = 'physical'"
		"  AND c.state IN ('linked', 'active'))"
		" FROM memberships m JOIN accounts a ON a.id = m.account_id"
		" WHERE ($1 = 0 OR m.structure_id = $1) AND ($2 = 1 OR m.active = 1)"
		" ORDER BY m.structure_id, a.email";
	const char *inactive = req_query(r, "inactive");
	int64_t structure;
	if (req_structure_filter(r, &structure))
		return r->status;
	if (inactive && strcmp(inactive, "1") && strcmp(inactive, "0"))
		return reply_error(r, 400, "bad_inactive", "inactive must be 0 or 1");
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, structure);
	store_bind_int(st, 2, inactive && !strcmp(inactive, "1"));
	json_t *lines = json_array();
	while (store_step(st) == STORE_ROW) {
		/* a référent sees its structures' people; an aidant sees itself */
		if (!authz_referent_of(r, store_col_int(st, 6)) && store_col_int(st, 0) != r->who.account)
			continue;
		json_t *card = store_col_null(st, 11) ? json_null() : json_string(store_col_text(st, 11));
		json_array_append_new(
			lines, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:b,s:b,s:b,s:o}", "email",
					 store_col_text(st, 1), "first_name", store_col_text(st, 2),
					 "last_name", store_col_text(st, 3), "profession",
					 store_col_text(st, 4), "phone", store_col_text(st, 5),
					 "structure", (json_int_t)store_col_int(st, 6), "aidant",
					 (int)store_col_int(st, 7), "referent", (int)store_col_int(st, 8),
					 "active", (int)store_col_int(st, 9), "locked",
					 (int)store_col_int(st, 10), "card", card));
	}
	return reply_lines(r, lines);
}

/* The account of a checked email field, or a 400/404 in f. */
static int64_t account_of(struct txn *t, json_t *in, char email[256], int *is_operator,
			  int past, struct fail *f)
{
	static const char q[] = "SELECT id, is_operator FROM accounts WHERE email = $1";
	if (field_email(in, email, f))
		return -1;
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, email);
	if (store_step(st) != STORE_ROW)
		return fail_set(f, 404, "not_found", "no such aidant: %s", email);
	int64_t id = store_col_int(st, 0);
	if (is_operator)
		*is_operator = (int)store_col_int(st, 1);
	if (!authz_manages_account(t->r, id, past))
		return fail_set(f, 404, "not_found", "no such aidant: %s", email);
	return id;
}

static int deactivate_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char qm[] = "SELECT structure_id, active FROM memberships WHERE account_id = $1"
				 " ORDER BY structure_id";
	char email[256];
	int is_operator = 0;
	int64_t account = account_of(t, in, email, &is_operator, 1, f);
	if (account < 0)
		return -1;
	int64_t only = jint(in, "structure", 0);
	int64_t targets[MAX_MEMBERSHIPS];
	int n = 0, found = 0, remaining = 0;
	store_stmt *st = store_prep(t->db, qm);
	store_bind_int(st, 1, account);
	while (store_step(st) == STORE_ROW && n < MAX_MEMBERSHIPS) {
		int64_t s = store_col_int(st, 0);
		if ((only && s != only) || !authz_referent_of(t->r, s))
			continue;
		found = 1;
		if (store_col_int(st, 1))
			targets[n++] = s;
	}
	if (!found)
		return fail_set(f, 404, "not_found", "no such aidant in that structure: %s", email);
	for (int i = 0; i < n && !authz_operator(t->r); i++) /* a référent, never the last */
		if (last_referent(t->db, targets[i], account))
			return fail_set(f, 409, "last_referent", "%s is the last active référent of "
					"structure %lld: designate another first (ac-aidant-add --structure "
					"%lld --email E --referent)", email, (long long)targets[i],
					(long long)targets[i]);
	if (departure_record(t, account, email, is_operator, targets, n, NULL, &remaining))
		return fail_set(f, 500, "internal", "cannot record the departure");
	json_t *done = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(done, json_integer(targets[i]));
	json_object_update_new(out, json_pack("{s:s,s:o,s:b,s:b}", "email", email, "structures", done,
					      "active", remaining > 0 || is_operator, "changed", n > 0));
	return 0;
}

int api_aidant_deactivate(struct req *r)
{
	return run_items(r, body_aidant_deactivate, deactivate_one);
}

static int unlock_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char q[] = "SELECT locked, failures FROM accounts WHERE id = $1";
	static const char up[] = "UPDATE accounts SET locked = 0, failures = 0, next_try_at = 0"
				 " WHERE id = $1";
	char email[256];
	int64_t account = account_of(t, in, email, NULL, 0, f);
	if (account < 0)
		return -1;
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, account);
	int changed = store_step(st) == STORE_ROW && (store_col_int(st, 0) || store_col_int(st, 1));
	int was_locked = (int)store_col_int(st, 0);
	if (changed) {
		st = store_prep(t->db, up);
		store_bind_int(st, 1, account);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "unlock", account_home(t->db, account), email,
				   json_pack("{s:b}", "was_locked", was_locked)))
			return fail_set(f, 500, "internal", "cannot unlock");
	}
	json_object_update_new(out, json_pack("{s:s,s:b,s:b}", "email", email, "locked", 0,
					      "changed", changed));
	return 0;
}

int api_aidant_unlock(struct req *r)
{
	return run_items(r, body_aidant_unlock, unlock_one);
}
