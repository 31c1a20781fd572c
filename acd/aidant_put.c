/* aidant_put.c — a person put in a structure (aidant_put.h): ac-aidant-add's
 * work, and an accepted application's référent. */
#include "aidant_put.h"
#include "auth.h"

#include <stdio.h>
#include <string.h>

/* The account for email, created or brought up to date; its id, or -1. */
static int64_t upsert_account(struct txn *t, const char *email, json_t *in, int *changed,
			      struct fail *f)
{
	static const char q[] = "SELECT id, first_name, last_name, profession, phone, active"
				" FROM accounts WHERE email = $1";
	static const char next_id[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM accounts";
	static const char ins[] = "INSERT INTO accounts (id, email, first_name, last_name, profession,"
				  " phone, created_at, idle_since) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
	/* someone coming back starts a new stretch for the inactivity rule */
	static const char up[] = "UPDATE accounts SET first_name = $1, last_name = $2,"
				 " profession = $3, phone = $4, active = 1,"
				 " idle_since = CASE WHEN active = 0 THEN $5 ELSE idle_since END,"
				 " inactivity_warned_at = CASE WHEN active = 0 THEN NULL"
				 " ELSE inactivity_warned_at END WHERE id = $6";
	const char *first = jstr(in, "first_name", ""), *last = jstr(in, "last_name", "");
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, email);
	if (store_step(st) != STORE_ROW) {
		int64_t id = store_int_or(store_prep(t->db, next_id), 1);
		st = store_prep(t->db, ins);
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, email);
		store_bind_text(st, 3, first);
		store_bind_text(st, 4, last);
		store_bind_text(st, 5, jstr(in, "profession", ""));
		store_bind_text(st, 6, jstr(in, "phone", ""));
		store_bind_int(st, 7, t->now);
		if (store_exec(st) != STORE_DONE)
			return fail_set(f, 500, "internal", "cannot create the account");
		*changed = 1;
		return id;
	}
	int64_t id = store_col_int(st, 0);
	/* a person who also works elsewhere keeps the identity stored: a référent
	 * edits only the people wholly of its structures */
	if (!authz_account_within(t->r, id)) {
		json_object_set_new(in, "first_name", json_string(store_col_text(st, 1)));
		json_object_set_new(in, "last_name", json_string(store_col_text(st, 2)));
		return id;
	}
	char prof[256], phone[64];
	snprintf(prof, sizeof prof, "%s", jstr(in, "profession", store_col_text(st, 3)));
	snprintf(phone, sizeof phone, "%s", jstr(in, "phone", store_col_text(st, 4)));
	if (!strcmp(first, store_col_text(st, 1)) && !strcmp(last, store_col_text(st, 2)) &&
	    !strcmp(prof, store_col_text(st, 3)) && !strcmp(phone, store_col_text(st, 4)) &&
	    store_col_int(st, 5) == 1)
		return id;
	st = store_prep(t->db, up);
	store_bind_text(st, 1, first);
	store_bind_text(st, 2, last);
	store_bind_text(st, 3, prof);
	store_bind_text(st, 4, phone);
	store_bind_int(st, 5, t->now);
	store_bind_int(st, 6, id);
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot update the account");
	*changed = 1;
	return id;
}

struct membership_change {
	int had, was_active;    /* before */
	int aidant, referent;   /* after */
	int wrote;
	int granted;            /* the aidant role given here anew */
};

int last_referent(store_conn *db, int64_t structure, int64_t account)
{
	static const char others[] =
		"SELECT COUNT(*) FROM memberships m JOIN accounts a ON a.id = m.account_id"
		" WHERE m.structure_id = $1 AND m.is_referent = 1 AND m.active = 1 AND a.active = 1"
		" AND a.id <> $2";
	static const char self[] = "SELECT COUNT(*) FROM memberships WHERE structure_id = $1"
				   " AND account_id = $2 AND is_referent = 1 AND active = 1";
	store_stmt *st = store_prep(db, self);
	store_bind_int(st, 1, structure);
	store_bind_int(st, 2, account);
	if (store_int_or(st, 0) == 0)
		return 0;
	st = store_prep(db, others);
	store_bind_int(st, 1, structure);
	store_bind_int(st, 2, account);
	return store_int_or(st, 0) == 0;
}

/* The membership of account in structure, created or brought to the roles
 * asked; absent flags keep what is, a newcomer is an aidant, not a référent.
 * in's "_via" says where a new aidant role comes from, for the journal
 * (habilitation_request, application; an operator's import when absent). */
static int upsert_membership(struct txn *t, const char *email, int64_t account, int64_t structure,
			     json_t *in, struct membership_change *m, struct fail *f)
{
	static const char qm[] = "SELECT is_aidant, is_referent, active FROM memberships"
				 " WHERE account_id = $1 AND structure_id = $2";
	static const char insm[] = "INSERT INTO memberships (account_id, structure_id, is_aidant,"
				   " is_referent, active, created_at) VALUES ($1, $2, $3, $4, 1, $5)";
	static const char upm[] = "UPDATE memberships SET is_aidant = $1, is_referent = $2, active = 1"
				  " WHERE account_id = $3 AND structure_id = $4";
	int was_aidant = 0, was_referent = 0;
	store_stmt *st = store_prep(t->db, qm);
	store_bind_int(st, 1, account);
	store_bind_int(st, 2, structure);
	if (store_step(st) == STORE_ROW) {
		m->had = 1;
		was_aidant = (int)store_col_int(st, 0);
		was_referent = (int)store_col_int(st, 1);
		m->was_active = (int)store_col_int(st, 2);
	}
	m->aidant = jbool(in, "aidant", m->had ? was_aidant : 1);
	m->referent = jbool(in, "referent", was_referent);
	if (!m->aidant && !m->referent)
		return fail_set(f, 400, "no_role", "a member must be an aidant, a référent, or both");
	/* a référent designates co-référents among its structure's active
	 * aidants and may step down, never leaving the structure without one
	 * (issue 9 §5); anyone else is made a référent by an operator */
	if (m->referent && !was_referent && !authz_operator(t->r) &&
	    !(m->had && m->was_active && was_aidant))
		return fail_set(f, 403, "forbidden", "only an operator makes a référent of someone who "
				"is no active aidant of the structure");
	if (!m->referent && was_referent && !authz_operator(t->r) && last_referent(t->db, structure, account))
		return fail_set(f, 409, "last_referent", "%s is the last active référent of structure "
				"%lld: designate another first (ac-aidant-add --structure %lld --email E "
				"--referent)", email, (long long)structure, (long long)structure);
	/* the gate (issue 9 §0): the aidant role comes from a validated
	 * habilitation request, or from an operator's import; a référent only
	 * gives it back to someone habilitated in this same structure before */
	m->granted = m->aidant && !(m->had && was_aidant);
	if (m->granted && !authz_operator(t->r))
		return fail_set(f, 409, "habilitation_required", "%s was never habilitated as an aidant "
				"of structure %lld: ask for their training with ac-habilitation-new (a person "
				"habilitated elsewhere is a transfer, without training)", email, (long long)structure);
	if (!m->had) {
		st = store_prep(t->db, insm);
		store_bind_int(st, 1, account);
		store_bind_int(st, 2, structure);
		store_bind_int(st, 3, m->aidant);
		store_bind_int(st, 4, m->referent);
		store_bind_int(st, 5, t->now);
	} else if (m->aidant != was_aidant || m->referent != was_referent || !m->was_active) {
		st = store_prep(t->db, upm);
		store_bind_int(st, 1, m->aidant);
		store_bind_int(st, 2, m->referent);
		store_bind_int(st, 3, account);
		store_bind_int(st, 4, structure);
	} else {
		return 0;
	}
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot record the membership");
	m->wrote = 1;
	return 0;
}

int aidant_put(struct txn *t, const char *email, int64_t structure, json_t *in,
	       struct aidant_put *res, struct fail *f)
{
	int changed = 0;
	int64_t account = upsert_account(t, email, in, &changed, f);
	struct membership_change m = { 0 };
	if (account < 0 || upsert_membership(t, email, account, structure, in, &m, f))
		return -1;
	res->account = account;
	res->aidant = m.aidant;
	res->referent = m.referent;
	res->changed = m.wrote || changed;
	if (!res->changed)
		return 0;
	const char *action = !m.had ? "aidant_add" : !m.was_active ? "aidant_reactivate" : "aidant_update";
	if (journal_append(t, action, structure, email,
			   json_pack("{s:s,s:s,s:b,s:b,s:s?}", "first_name", jstr(in, "first_name", ""),
				     "last_name", jstr(in, "last_name", ""), "aidant", m.aidant,
				     "referent", m.referent, "habilitation",
				     m.granted ? jstr(in, "_via", "import") : NULL)))
		return fail_set(f, 500, "internal", "cannot write the journal");
	return 0;
}

static int text_ok(const char *s, size_t max) { return strlen(s) <= max; }

static int phone_ok(const char *p)
{
	if (strlen(p) > 20)
		return 0;
	for (; *p; p++)
		if (!strchr("0123456789+ .-", *p))
			return 0;
	return 1;
}

int aidant_person_ok(json_t *in, struct fail *f)
{
	const char *first = jstr(in, "first_name", ""), *last = jstr(in, "last_name", "");
	if (!*first || !*last || !text_ok(first, 100) || !text_ok(last, 100))
		return fail_set(f, 400, "bad_name", "\"first_name\" and \"last_name\" must be 1 to 100 characters");
	if (!text_ok(jstr(in, "profession", ""), 200))
		return fail_set(f, 400, "bad_profession", "\"profession\" is longer than 200 characters");
	if (!phone_ok(jstr(in, "phone", "")))
		return fail_set(f, 400, "bad_phone", "\"phone\" must be digits, spaces, +, . or -");
	return 0;
}
