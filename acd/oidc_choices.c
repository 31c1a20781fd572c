/* oidc_choices.c — what an aidant may choose on the provider's pages: its
 * structures, the usagers holding an active mandate with the structure, the
 * démarches of their active autorisations.  The same queries decide what a
 * page shows and what a posted choice may be, so a forged value (another
 * structure's usager, a démarche outside the mandate) finds nothing. */
#include "oidc.h"
#include "demarches.h"
#include "ac.h"

#include <string.h>

int oidc_aidant_structures(store_conn *db, int64_t account, int64_t *ids, int max)
{
	static const char q[] = "SELECT m.structure_id FROM memberships m"
				" JOIN structures s ON s.id = m.structure_id"
				" JOIN accounts a ON a.id = m.account_id"
				" WHERE m.account_id = $1 AND m.active = 1 AND m.is_aidant = 1"
				" AND s.active = 1 AND a.active = 1 ORDER BY s.name, s.id";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, account);
	int n = 0;
	while (n < max && store_step(st) == STORE_ROW)
		ids[n++] = store_col_int(st, 0);
	return n;
}

/* A démarche the request allows (any, without rep_scope). */
static int allowed(const struct oidc_request *q, const char *code)
{
	return !*q->rep_scope || demarches_has(q->rep_scope, code);
}

int oidc_usagers(store_conn *db, const struct oidc_request *q, time_t now, int64_t only,
		 usager_fn fn, void *arg)
{
	static const char sql[] =
		"SELECT u.id, u.given_name, u.family_name, u.birthdate, a.demarche"
		" FROM mandates m JOIN autorisations a ON a.mandate_id = m.id"
		" JOIN usagers u ON u.id = m.usager_id"
		" WHERE m.structure_id = $1 AND m.expires_at > $2 AND a.revoked_at IS NULL"
		" AND ($3 = 0 OR u.id = $3)"
		" ORDER BY u.family_name, u.given_name, u.id";
	store_stmt *st = store_prep(db, sql);
	store_bind_int(st, 1, q->structure);
	store_bind_int(st, 2, now);
	store_bind_int(st, 3, only);
	int64_t last = 0;
	int n = 0;
	while (store_step(st) == STORE_ROW) {
		int64_t id = store_col_int(st, 0);
		if (id == last || !allowed(q, store_col_text(st, 4)))
			continue;
		last = id;
		n++;
		if (fn)
			fn(arg, id, store_col_text(st, 1), store_col_text(st, 2), store_col_text(st, 3));
	}
	return n;
}

void oidc_demarches(store_conn *db, const struct oidc_request *q, time_t now, char out[128])
{
	static const char sql[] = "SELECT a.demarche FROM mandates m"
				  " JOIN autorisations a ON a.mandate_id = m.id"
				  " WHERE m.structure_id = $1 AND m.usager_id = $2 AND m.expires_at > $3"
				  " AND a.revoked_at IS NULL";
	char got[256] = "";
	store_stmt *st = store_prep(db, sql);
	store_bind_int(st, 1, q->structure);
	store_bind_int(st, 2, q->usager);
	store_bind_int(st, 3, now);
	while (store_step(st) == STORE_ROW) {
		const char *d = store_col_text(st, 0);
		if (strlen(got) + strlen(d) + 2 < sizeof got && allowed(q, d)) {
			strcat(got, ",");
			strcat(got, d);
		}
	}
	*out = 0;
	for (const char *const *c = ac_demarche_codes; *c; c++)
		if (demarches_has(got + (*got == ','), *c)) {
			if (*out)
				strcat(out, ",");
			strcat(out, *c);
		}
}

int64_t oidc_mandate_for(store_conn *db, const struct oidc_request *q, const char *demarche,
			 time_t now)
{
	static const char sql[] = "SELECT m.id FROM mandates m JOIN autorisations a ON a.mandate_id = m.id"
				  " WHERE m.structure_id = $1 AND m.usager_id = $2 AND a.demarche = $3"
				  " AND a.revoked_at IS NULL AND m.expires_at > $4"
				  " ORDER BY m.id DESC LIMIT 1";
	if (!allowed(q, demarche) || !ac_demarche_find(demarche))
		return 0;
	store_stmt *st = store_prep(db, sql);
	store_bind_int(st, 1, q->structure);
	store_bind_int(st, 2, q->usager);
	store_bind_text(st, 3, demarche);
	store_bind_int(st, 4, now);
	return store_int_or(st, 0);
}

int oidc_still_allowed(store_conn *db, int64_t mandate, const char *demarche, int64_t account, time_t now)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM autorisations a JOIN mandates m ON m.id = a.mandate_id"
		" JOIN memberships ms ON ms.structure_id = m.structure_id"
		" JOIN structures s ON s.id = m.structure_id JOIN accounts c ON c.id = ms.account_id"
		" WHERE a.mandate_id = $1 AND a.demarche = $2 AND ms.account_id = $3"
		" AND a.revoked_at IS NULL AND m.expires_at > $4"
		" AND ms.active = 1 AND ms.is_aidant = 1 AND s.active = 1 AND c.active = 1";
	store_stmt *st = store_prep(db, sql);
	store_bind_int(st, 1, mandate);
	store_bind_text(st, 2, demarche);
	store_bind_int(st, 3, account);
	store_bind_int(st, 4, now);
	return store_int_or(st, 0) > 0;
}
