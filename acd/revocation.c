/* revocation.c — revoking some or all of a mandate's autorisations, with a
 * revocation record whose attestation the usager signs. */
#include "mandate.h"
#include "auth.h"
#include "templates.h"
#include "ac.h"

#include <string.h>

struct target {
	int64_t mandate, structure, usager, created, expires;
	int revoked;
	char hash[65], demarches[DEMARCHES_MAX];
};

static int load(struct txn *t, int64_t id, struct target *m)
{
	static const char q[] = "SELECT structure_id, created_at, expires_at, revoked_at IS NOT NULL,"
				" attestation_hash, demarches, usager_id FROM mandates WHERE id = $1";
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return 0;
	m->mandate = id;
	m->structure = store_col_int(st, 0);
	m->created = store_col_int(st, 1);
	m->expires = store_col_int(st, 2);
	m->revoked = (int)store_col_int(st, 3);
	snprintf(m->hash, sizeof m->hash, "%s", store_col_text(st, 4));
	snprintf(m->demarches, sizeof m->demarches, "%s", store_col_text(st, 5));
	m->usager = store_col_int(st, 6);
	return 1;
}

/* The active démarches of the mandate, comma-separated in catalogue order. */
static void active_of(struct txn *t, int64_t id, char out[DEMARCHES_MAX])
{
	static const char q[] = "SELECT demarche FROM autorisations WHERE mandate_id = $1"
				" AND revoked_at IS NULL";
	char got[DEMARCHES_MAX] = "";
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, id);
	while (store_step(st) == STORE_ROW) {
		if (*got)
			strcat(got, ",");
		strncat(got, store_col_text(st, 0), sizeof got - strlen(got) - 1);
	}
	/* back into catalogue order */
	out[0] = 0;
	for (const char *const *c = ac_demarche_codes; *c; c++)
		if (demarches_has(got, *c)) {
			if (*out)
				strcat(out, ",");
			strcat(out, *c);
		}
}

/* Who may revoke: an aidant of the mandate's structure, or its usager
 * acting in their own space. */
static int allowed(struct txn *t, const struct target *m)
{
	if (t->revocation_reason)
		return authz_operator(t->r);
	return t->usager ? m->usager == t->usager : authz_aidant_of(t->r, m->structure);
}

int mandate_revoke(struct txn *t, int64_t id, const char *wanted, json_t *out, struct fail *f)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM revocations";
	static const char ins[] =
		"INSERT INTO revocations (id, mandate_id, demarches, whole, revoked_at, account_id,"
		" template, attestation_hash, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
	static const char rev[] = "UPDATE autorisations SET revoked_at = $1, revocation_id = $2"
				  " WHERE mandate_id = $3 AND demarche = $4 AND revoked_at IS NULL";
	struct target m;
	if (!load(t, id, &m) || !allowed(t, &m))
		return fail_set(f, 404, "not_found", "no such mandate: %lld", (long long)id);
	char active[DEMARCHES_MAX], which[DEMARCHES_MAX];
	active_of(t, id, active);
	if (m.revoked || !*active)
		return fail_set(f, 409, "already_revoked", "mandate %lld was already revoked", (long long)id);
	if (m.expires <= t->now)
		return fail_set(f, 409, "expired", "mandate %lld has expired: there is nothing to revoke",
				(long long)id);
	if (wanted) {
		json_t *codes = demarches_json(wanted), *c;
		size_t i;
		json_array_foreach(codes, i, c) {
			const char *code = json_string_value(c);
			if (!demarches_has(m.demarches, code)) {
				fail_set(f, 400, "bad_demarche", "mandate %lld does not cover \"%s\" (it covers: %s)",
					 (long long)id, code, m.demarches);
				json_decref(codes);
				return -1;
			}
			if (!demarches_has(active, code)) {
				fail_set(f, 409, "already_revoked",
					 "the démarche \"%s\" of mandate %lld was already revoked", code,
					 (long long)id);
				json_decref(codes);
				return -1;
			}
		}
		json_decref(codes);
		snprintf(which, sizeof which, "%s", wanted);
	} else {
		snprintf(which, sizeof which, "%s", active);
	}
	int whole = !strcmp(which, active);

	const struct template *tpl = template_current("revocation");
	if (!tpl)
		return fail_set(f, 500, "internal", "no revocation template");
	char tpl_hash[65], hash[65];
	template_hash(tpl, tpl_hash);
	json_t *canon = json_pack("{s:s,s:s,s:o,s:I,s:s,s:s}", "kind", "revocation", "mandate", m.hash,
				  "demarches", demarches_json(which), "revoked_at", (json_int_t)t->now,
				  "template", tpl->name, "template_hash", tpl_hash);
	canonical_hash(canon, hash);
	json_decref(canon);
	int64_t rid = store_int_or(store_prep(t->db, next), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, rid);
	store_bind_int(st, 2, id);
	store_bind_text(st, 3, which);
	store_bind_int(st, 4, whole);
	store_bind_int(st, 5, t->now);
	if (t->usager)
		store_bind_null(st, 6); /* no account: the usager revoked it */
	else
		store_bind_int(st, 6, t->r->who.account);
	store_bind_text(st, 7, tpl->name);
	store_bind_text(st, 8, hash);
	store_bind_text(st, 9, t->revocation_reason ? t->revocation_reason : "");
	if (store_exec(st) != STORE_DONE)
		return fail_set(f, 500, "internal", "cannot record the revocation");
	char subject[32];
	snprintf(subject, sizeof subject, "mandate:%lld", (long long)id);
	json_t *codes = demarches_json(which), *c;
	size_t i;
	json_array_foreach(codes, i, c) {
		st = store_prep(t->db, rev);
		store_bind_int(st, 1, t->now);
		store_bind_int(st, 2, rid);
		store_bind_int(st, 3, id);
		store_bind_text(st, 4, json_string_value(c));
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "autorisation_revoke", m.structure, subject,
				   json_pack("{s:s,s:I}", "demarche", json_string_value(c), "revocation",
					     (json_int_t)rid))) {
			json_decref(codes);
			return fail_set(f, 500, "internal", "cannot revoke");
		}
	}
	if (whole) {
		static const char close[] = "UPDATE mandates SET revoked_at = $1 WHERE id = $2";
		st = store_prep(t->db, close);
		store_bind_int(st, 1, t->now);
		store_bind_int(st, 2, id);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "mandate_revoke", m.structure, subject,
				   json_pack("{s:I,s:s}", "revocation", (json_int_t)rid, "attestation_hash",
					     hash))) {
			json_decref(codes);
			return fail_set(f, 500, "internal", "cannot revoke");
		}
	}
	json_object_update_new(out, json_pack("{s:I,s:o,s:s,s:{s:I,s:s},s:b}", "id", (json_int_t)id,
					      "revoked", codes, "status", whole ? "revoked" : "active",
					      "revocation", "id", (json_int_t)rid, "attestation_hash",
					      hash, "changed", 1));
	return 0;
}
