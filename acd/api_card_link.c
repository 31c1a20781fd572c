/* api_card_link.c — POST /v1/cards/link and /v1/cards/unlink, single or bulk.
 *
 * A référent links a card of its structure (or of the national stock) to an
 * aidant of its structure with a current code from the card: the card is in
 * hand and works, so it becomes active.  An operator links in bulk without
 * codes: the card is `linked` and becomes active at its first login.  Anything
 * outside the caller's structures answers exactly like a missing object. */
#include "routes.h"
#include "bodies.h"
#include "application.h"
#include "auth.h"
#include "cards.h"
#include "ac.h"

#include <string.h>

#define MAX_WRONG_CODES 10

static int not_found(struct fail *f)
{
	return fail_set(f, 404, "not_found", "no such card, or no such aidant in your structures");
}

/* The aidant's account and the structure its card will belong to: for a
 * référent, the first of its structures the aidant is active in; for an
 * operator, the aidant's first active structure.  0, or a 404/409 in f. */
static int find_aidant(struct txn *t, const char *email, int64_t *account, int64_t *structure,
		       struct fail *f)
{
	static const char q[] =
		"SELECT a.id, s.id FROM accounts a"
		" LEFT JOIN memberships m ON m.account_id = a.id AND m.active = 1"
		" LEFT JOIN structures s ON s.id = m.structure_id AND s.active = 1"
		" WHERE a.email = $1 AND a.active = 1";
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, email);
	*account = *structure = 0;
	while (store_step(st) == STORE_ROW) {
		*account = store_col_int(st, 0);
		int64_t s = store_col_null(st, 1) ? 0 : store_col_int(st, 1);
		if (s && authz_referent_of(t->r, s) && (!*structure || s < *structure))
			*structure = s;
	}
	if (!*account || (!*structure && !authz_operator(t->r)))
		return not_found(f);
	/* a card is a way in: only for a person wholly in the caller's hands */
	if (!authz_manages_whole(t->r, *account))
		return fail_set(f, 403, "forbidden",
				"%s also works for a structure you do not manage: an operator links its card",
				email);
	if (!*structure)
		return fail_set(f, 409, "no_structure",
				"%s is active in no structure: add it to one first", email);
	return 0;
}

/* Already linked to this aidant: ok, no change.  Otherwise only stock will do. */
static int link_allowed(const struct card_row *c, int64_t account, struct fail *f)
{
	int held = !strcmp(c->state, "linked") || !strcmp(c->state, "active");
	if (held && c->account == account)
		return 1;
	if (held)
		return fail_set(f, 409, "card_taken", "card %s is linked to another aidant: unlink it first",
				c->serial);
	if (strcmp(c->state, "stock") || strcmp(c->kind, "physical"))
		return fail_set(f, 409, "card_unavailable", "card %s is %s: it cannot be linked",
				c->serial, c->state);
	return 0;
}

static int set_linked(struct txn *t, const struct card_row *c, int64_t account, int64_t structure,
		      int proven, int64_t step, int64_t drift, struct fail *f)
{
	static const char up[] =
		"UPDATE cards SET state = $1, account_id = $2, structure_id = $3, linked_at = $4,"
		" last_step = $5, drift = $6, resync_step = NULL WHERE id = $7 AND state = 'stock'";
	store_stmt *st = store_prep(t->db, up);
	store_bind_text(st, 1, proven ? "active" : "linked");
	store_bind_int(st, 2, account);
	store_bind_int(st, 3, structure);
	store_bind_int(st, 4, t->now);
	store_bind_int(st, 5, step);
	store_bind_int(st, 6, drift);
	store_bind_int(st, 7, c->id);
	int rc = store_exec(st);
	if (rc == STORE_CONSTRAINT) /* the index: one linked or active card per kind */
		return fail_set(f, 409, "aidant_has_card",
				"this aidant already has a physical card: unlink it first");
	if (rc != STORE_DONE)
		return fail_set(f, 500, "internal", "card %s could not be linked", c->serial);
	if (store_changes(t->db) != 1)
		return fail_set(f, 409, "card_taken", "card %s was linked meanwhile", c->serial);
	if (proven && application_close_for(t, account))
		return fail_set(f, 500, "internal", "card %s could not be linked", c->serial);
	return 0;
}

static int link_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	char email[256];
	const char *serial = jstr(in, "serial", ""), *code = jstr(in, "code", NULL);
	if (field_email(in, email, f))
		return -1;
	if (code && !ac_code_valid(code))
		return fail_set(f, 400, "bad_code", "\"code\" must be the 6 or 8 digits the card shows");
	if (!code && !authz_operator(t->r))
		return fail_set(f, 400, "code_required",
				"a référent links a card with a code it shows now (--code): proof it is in hand");
	struct card_row c;
	int64_t account, structure, step, drift;
	int found = card_load(t->db, serial, &c);
	if (found < 0)
		return fail_set(f, 500, "internal", "the card could not be read");
	if (!found || (!authz_operator(t->r) && c.structure && !authz_referent_of(t->r, c.structure)))
		return not_found(f);
	if (find_aidant(t, email, &account, &structure, f))
		return -1;
	int same = link_allowed(&c, account, f);
	if (same < 0)
		return -1;
	json_object_set_new(out, "serial", json_string(c.serial));
	json_object_set_new(out, "email", json_string(email));
	if (same) {
		json_object_set_new(out, "state", json_string(c.state));
		json_object_set_new(out, "changed", json_false());
		return 0;
	}
	step = c.last_step;
	drift = c.drift;
	/* a bulk request is no way to try every code of a card */
	if (code && t->r->wrong_codes >= MAX_WRONG_CODES)
		return fail_set(f, 429, "too_many_wrong_codes",
				"%d wrong codes in this request: check the cards, then send the rest again",
				MAX_WRONG_CODES);
	if (code && card_check_code(&c, code, t->now, &step, &drift, f)) {
		t->r->wrong_codes++;
		return -1;
	}
	if (set_linked(t, &c, account, structure, code != NULL, step, drift, f))
		return -1;
	if (journal_append(t, "card_link", structure, c.serial, json_pack("{s:s}", "email", email)) ||
	    (code && journal_append(t, "card_validate", structure, c.serial,
				    json_pack("{s:s}", "email", email))))
		return fail_set(f, 500, "internal", "the journal could not be written");
	json_object_set_new(out, "state", json_string(code ? "active" : "linked"));
	json_object_set_new(out, "structure", json_integer(structure));
	json_object_set_new(out, "changed", json_true());
	return 0;
}

int api_card_link(struct req *r)
{
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden", "only référents and operators link cards");
	return run_items(r, body_card_link, link_one);
}

/* ---- unlinking ---------------------------------------------------------- */

/* Where a reason sends a card: lost and broken are final (the structure keeps
 * them on its books, and out of other structures' sight); after a departure
 * the structure keeps the card for another aidant; an error, or a card sent
 * back to ANCT, returns it to the national stock.  An app is never reused. */
static const char *target_state(const struct card_row *c, const char *reason, int64_t *structure)
{
	*structure = !strcmp(reason, "error") || !strcmp(reason, "returned") ? 0 : c->structure;
	if (!strcmp(c->kind, "app"))
		return "retired";
	if (!strcmp(reason, "lost") || !strcmp(reason, "broken"))
		return reason;
	return "stock";
}

/* Référents of the card's structure and operators unlink for any reason; the
 * holder may declare their own card lost, at once, whatever the hour.  An
 * aidant asking about someone else's card learns nothing of it. */
static int unlink_allowed(struct txn *t, const struct card_row *c, const char *reason,
			  struct fail *f)
{
	if (authz_operator(t->r) || (c->structure && authz_referent_of(t->r, c->structure)))
		return 0;
	int holder = c->account && c->account == t->r->who.account;
	if (holder && !strcmp(reason, "lost"))
		return 0;
	if (holder)
		return fail_set(f, 403, "forbidden", "you may declare your own card lost (--reason lost); "
				"a référent of your structure unlinks it for another reason");
	if (!authz_referent_anywhere(t->r))
		return fail_set(f, 403, "forbidden", "only référents and operators unlink cards; "
				"an aidant may declare their own card lost");
	return not_found(f);
}

static int set_unlinked(struct txn *t, const struct card_row *c, const char *state,
			int64_t structure)
{
	static const char up[] = "UPDATE cards SET state = $1, account_id = NULL, structure_id = $2,"
				 " resync_step = NULL WHERE id = $3";
	store_stmt *st = store_prep(t->db, up);
	store_bind_text(st, 1, state);
	if (structure)
		store_bind_int(st, 2, structure);
	else
		store_bind_null(st, 2);
	store_bind_int(st, 3, c->id);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

static int unlink_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	const char *serial = jstr(in, "serial", ""), *reason = jstr(in, "reason", "");
	char words[128];
	if (!ac_in_list(ac_unlink_reasons, reason))
		return fail_set(f, 400, "bad_reason", "\"reason\" must be one of: %s",
				ac_list_words(ac_unlink_reasons, words, sizeof words));
	struct card_row c;
	int found = card_load(t->db, serial, &c);
	if (found < 0)
		return fail_set(f, 500, "internal", "the card could not be read");
	if (!found && !authz_referent_anywhere(t->r))
		return unlink_allowed(t, &c, reason, f);
	if (!found)
		return not_found(f);
	if (unlink_allowed(t, &c, reason, f))
		return -1;
	int64_t structure;
	const char *state = target_state(&c, reason, &structure);
	int held = !strcmp(c.state, "linked") || !strcmp(c.state, "active");
	json_object_set_new(out, "serial", json_string(c.serial));
	json_object_set_new(out, "state", json_string(state));
	if (!strcmp(c.state, state) && c.structure == structure) {
		json_object_set_new(out, "changed", json_false());
		return 0;
	}
	if (!held && strcmp(c.state, "stock"))
		return fail_set(f, 409, "card_unavailable", "card %s is %s: it is no longer in use",
				c.serial, c.state);
	if (set_unlinked(t, &c, state, structure))
		return fail_set(f, 500, "internal", "card %s could not be unlinked", c.serial);
	json_t *d = json_pack("{s:s,s:s}", "reason", reason, "state", state);
	if (held)
		json_object_set_new(d, "email", json_string(c.email));
	if (journal_append(t, "card_unlink", c.structure, c.serial, d) ||
	    (!strcmp(state, "lost") && journal_append(t, "card_lost", c.structure, c.serial, NULL)))
		return fail_set(f, 500, "internal", "the journal could not be written");
	json_object_set_new(out, "changed", json_true());
	return 0;
}

int api_card_unlink(struct req *r)
{
	return run_items(r, body_card_unlink, unlink_one); /* who may: unlink_allowed, card by card */
}
