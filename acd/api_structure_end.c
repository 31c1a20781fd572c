/* api_structure_end.c — POST /v1/structures/deactivate (operators, bulk): a
 * structure's end of habilitation.  Its mandates end with it (the mandate's
 * own text), so in one transaction: every membership and its members'
 * sessions end, its cards go back to the national stock, every active
 * autorisation is revoked with a revocation record and attestation, and the
 * structure is marked inactive with the reason. */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "mandate.h"
#include "ac.h"

#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500

/* Every active membership ends; a person left with none is inactive, as after
 * a departure.  Every member's sessions end: they log in again for their other
 * structures.  The count of memberships ended, or -1. */
static int end_memberships(struct txn *t, int64_t structure)
{
	static const char q[] = "SELECT m.account_id, a.email, a.is_operator FROM memberships m"
				" JOIN accounts a ON a.id = m.account_id"
				" WHERE m.structure_id = $1 AND m.active = 1 ORDER BY m.account_id";
	static const char off[] = "UPDATE memberships SET active = 0 WHERE structure_id = $1";
	static const char left[] = "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND active = 1";
	static const char gone[] = "UPDATE accounts SET active = 0 WHERE id = $1";
	static const char ends[] = "DELETE FROM sessions WHERE account_id = $1";
	json_t *members = json_array();
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, structure);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(members, json_pack("[I,s,b]", (json_int_t)store_col_int(st, 0),
							 store_col_text(st, 1), (int)store_col_int(st, 2)));
	st = store_prep(t->db, off);
	store_bind_int(st, 1, structure);
	int rc = store_exec(st) == STORE_DONE ? 0 : -1;
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) {
		if (rc)
			break;
		int64_t account = json_integer_value(json_array_get(m, 0));
		const char *email = json_string_value(json_array_get(m, 1));
		st = store_prep(t->db, left);
		store_bind_int(st, 1, account);
		int remaining = (int)store_int_or(st, 0);
		store_stmt *a = store_prep(t->db, gone), *b = store_prep(t->db, ends);
		store_bind_int(a, 1, account);
		store_bind_int(b, 1, account);
		if ((!remaining && !json_is_true(json_array_get(m, 2)) && store_exec(a) != STORE_DONE) ||
		    store_exec(b) != STORE_DONE ||
		    journal_append(t, "aidant_deactivate", structure, email,
				   json_pack("{s:s}", "reason", "structure_deactivated")))
			rc = -1;
	}
	int n = (int)json_array_size(members);
	json_decref(members);
	return rc ? -1 : n;
}

/* The structure's cards in use or in its stock go back to the national stock
 * (apps are retired); lost and broken ones stay on its books.  The count. */
static int return_cards(struct txn *t, int64_t structure)
{
	static const char q[] = "SELECT c.id, c.serial, c.kind, a.email FROM cards c"
				" LEFT JOIN accounts a ON a.id = c.account_id"
				" WHERE c.structure_id = $1 AND c.state IN ('stock', 'linked', 'active')"
				" ORDER BY c.id";
	static const char up[] = "UPDATE cards SET account_id = NULL, structure_id = NULL,"
				 " resync_step = NULL, drift = 0, linked_at = NULL,"
				 " state = CASE WHEN kind = 'app' THEN 'retired' ELSE 'stock' END"
				 " WHERE id = $1";
	json_t *cards = json_array();
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, structure);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(cards, json_pack("[I,s,s,s?]", (json_int_t)store_col_int(st, 0),
						       store_col_text(st, 1), store_col_text(st, 2),
						       store_col_null(st, 3) ? NULL : store_col_text(st, 3)));
	int rc = 0;
	size_t i;
	json_t *c;
	json_array_foreach(cards, i, c) {
		st = store_prep(t->db, up);
		store_bind_int(st, 1, json_integer_value(json_array_get(c, 0)));
		int app = !strcmp(json_string_value(json_array_get(c, 2)), "app");
		json_t *d = json_pack("{s:s,s:s}", "reason", "structure_deactivated", "state",
				      app ? "retired" : "stock");
		if (json_is_string(json_array_get(c, 3)))
			json_object_set(d, "email", json_array_get(c, 3));
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "card_unlink", structure, json_string_value(json_array_get(c, 1)), d)) {
			rc = -1;
			break;
		}
	}
	int n = (int)json_array_size(cards);
	json_decref(cards);
	return rc ? -1 : n;
}

/* Every mandate with an autorisation still running is revoked whole. */
static int revoke_mandates(struct txn *t, int64_t structure, struct fail *f)
{
	static const char q[] = "SELECT DISTINCT m.id FROM mandates m"
				" JOIN autorisations a ON a.mandate_id = m.id"
				" WHERE m.structure_id = $1 AND m.expires_at > $2 AND a.revoked_at IS NULL"
				" ORDER BY m.id";
	json_t *ids = json_array();
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, structure);
	store_bind_int(st, 2, t->now);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(ids, json_integer(store_col_int(st, 0)));
	int rc = 0;
	size_t i;
	json_t *id;
	t->revocation_reason = "structure_deactivated";
	json_array_foreach(ids, i, id) {
		json_t *out = json_object();
		rc = mandate_revoke(t, json_integer_value(id), NULL, out, f);
		json_decref(out);
		if (rc)
			break;
	}
	t->revocation_reason = NULL;
	int n = (int)json_array_size(ids);
	json_decref(ids);
	return rc ? -1 : n;
}

static int deactivate_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char q[] = "SELECT active, siret FROM structures WHERE id = $1";
	static const char up[] = "UPDATE structures SET active = 0, deactivated_at = $1,"
				 " deactivation_reason = $2 WHERE id = $3";
	int64_t id = jint(in, "id", 0);
	const char *reason = jstr(in, "reason", "");
	if (!*reason || strlen(reason) > REASON_MAX)
		return fail_set(f, 400, "bad_reason", "\"reason\" must be 1 to %d characters: why the "
				"structure's habilitation ends", REASON_MAX);
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return fail_set(f, 404, "not_found", "no such structure: %lld", (long long)id);
	json_object_set_new(out, "id", json_integer(id));
	json_object_set_new(out, "active", json_false());
	if (!store_col_int(st, 0)) {
		json_object_set_new(out, "changed", json_false());
		return 0;
	}
	char siret[32];
	snprintf(siret, sizeof siret, "%s", store_col_text(st, 1));
	int members = end_memberships(t, id), cards = members < 0 ? -1 : return_cards(t, id);
	if (members < 0 || cards < 0)
		return fail_set(f, 500, "internal", "cannot end the structure's memberships and cards");
	int mandates = revoke_mandates(t, id, f);
	if (mandates < 0)
		return -1;
	st = store_prep(t->db, up);
	store_bind_int(st, 1, t->now);
	store_bind_text(st, 2, reason);
	store_bind_int(st, 3, id);
	if (store_exec(st) != STORE_DONE ||
	    journal_append(t, "structure_deactivate", id, siret,
			   json_pack("{s:s,s:i,s:i,s:i}", "reason", reason, "memberships", members,
				     "cards", cards, "mandates", mandates)))
		return fail_set(f, 500, "internal", "cannot deactivate the structure");
	json_object_update_new(out, json_pack("{s:s,s:i,s:i,s:i,s:b}", "reason", reason,
					      "memberships_ended", members, "cards_returned", cards,
					      "mandates_revoked", mandates, "changed", 1));
	return 0;
}

int api_structure_deactivate(struct req *r)
{
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only operators end a structure's habilitation");
	return run_items(r, body_structure_deactivate, deactivate_one);
}
