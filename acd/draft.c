/* draft.c — drafts and usagers as rows. */
#include "draft.h"
#include "crypto.h"

#include <string.h>

#define DRAFT_COLS "id, account_id, structure_id, COALESCE(usager_id, 0), demarches, duration," \
		   " state, created_at, expires_at, COALESCE(identified_at, 0), remote, link_email," \
		   " COALESCE(usager_consent_at, 0), COALESCE(renewal_of, 0)"

static int fill(store_stmt *st, struct draft *d)
{
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	d->id = store_col_int(st, 0);
	d->account = store_col_int(st, 1);
	d->structure = store_col_int(st, 2);
	d->usager = store_col_int(st, 3);
	snprintf(d->demarches, sizeof d->demarches, "%s", store_col_text(st, 4));
	snprintf(d->duration, sizeof d->duration, "%s", store_col_text(st, 5));
	snprintf(d->state, sizeof d->state, "%s", store_col_text(st, 6));
	d->created_at = store_col_int(st, 7);
	d->expires_at = store_col_int(st, 8);
	d->identified_at = store_col_int(st, 9);
	d->remote = (int)store_col_int(st, 10);
	snprintf(d->link_email, sizeof d->link_email, "%s", store_col_text(st, 11));
	d->usager_consent_at = store_col_int(st, 12);
	d->renewal_of = store_col_int(st, 13);
	return 1;
}

int draft_insert(struct txn *t, struct draft_new *n)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM mandate_drafts";
	static const char ins[] =
		"INSERT INTO mandate_drafts (id, token_hash, account_id, structure_id, demarches,"
		" duration, state, created_at, expires_at, remote, link_email, renewal_of)"
		" VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11)";
	uint8_t h[32];
	crypto_token_new(n->token);
	crypto_token_hash(n->token, h);
	n->id = store_int_or(store_prep(t->db, next), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, n->id);
	store_bind_blob(st, 2, h, sizeof h);
	store_bind_int(st, 3, n->account);
	store_bind_int(st, 4, n->structure);
	store_bind_text(st, 5, n->demarches);
	store_bind_text(st, 6, n->duration);
	store_bind_int(st, 7, t->now);
	store_bind_int(st, 8, t->now + DRAFT_TTL);
	store_bind_int(st, 9, *n->link_email != 0);
	store_bind_text(st, 10, n->link_email);
	if (n->renewal_of)
		store_bind_int(st, 11, n->renewal_of);
	else
		store_bind_null(st, 11);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int draft_load(store_conn *db, int64_t id, struct draft *d)
{
	static const char q[] = "SELECT " DRAFT_COLS " FROM mandate_drafts WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	return fill(st, d);
}

int draft_by_token(store_conn *db, const char *token, struct draft *d)
{
	static const char q[] = "SELECT " DRAFT_COLS " FROM mandate_drafts WHERE token_hash = $1";
	uint8_t h[32];
	crypto_token_hash(token, h);
	store_stmt *st = store_prep(db, q);
	store_bind_blob(st, 1, h, sizeof h);
	return fill(st, d);
}

const char *draft_state(const struct draft *d, time_t now)
{
	if (!strcmp(d->state, "used") || !strcmp(d->state, "other_usager"))
		return d->state;
	return now >= d->expires_at ? "expired" : d->state;
}

json_t *draft_json(store_conn *db, const struct draft *d, time_t now)
{
	char exp[32];
	iso_time((time_t)d->expires_at, exp);
	const char *state = draft_state(d, now);
	json_t *o = json_pack("{s:I,s:s,s:s,s:I,s:o,s:s,s:b}", "id", (json_int_t)d->id, "state", state,
			      "expires_at", exp, "structure", (json_int_t)d->structure, "demarches",
			      demarches_json(d->demarches), "duration", d->duration, "remote",
			      d->remote);
	if (d->renewal_of)
		json_object_set_new(o, "renewal_of", json_integer(d->renewal_of));
	if (!strcmp(state, "identified")) {
		json_object_set_new(o, "usager", usager_json(db, d->usager));
		json_object_set_new(o, "other_mandates",
				    json_integer(usager_other_mandates(db, d->usager, d->structure,
								       d->demarches, now)));
	}
	json_t *warn = json_array();
	if (demarches_has(d->demarches, "argent"))
		json_array_append_new(warn, json_string("argent"));
	json_object_set_new(o, "warnings", warn);
	return o;
}

json_t *usager_json(store_conn *db, int64_t id)
{
	static const char q[] = "SELECT id, given_name, family_name, birthdate, birthplace,"
				" birthcountry, gender, email, preferred_username FROM usagers WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return json_null();
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)store_col_int(st, 0),
			 "given_name", store_col_text(st, 1), "family_name", store_col_text(st, 2),
			 "birthdate", store_col_text(st, 3), "birthplace", store_col_text(st, 4),
			 "birthcountry", store_col_text(st, 5), "gender", store_col_text(st, 6),
			 "email", store_col_text(st, 7), "preferred_username", store_col_text(st, 8));
}

/* Binds the identity's eight fields from index first on. */
static void bind_identity(store_stmt *st, int first, const struct fc_identity *w)
{
	const char *v[] = { w->given_name, w->family_name, w->birthdate, w->birthplace,
			    w->birthcountry, w->gender, w->email, w->preferred_username };
	for (int i = 0; i < 8; i++)
		store_bind_text(st, first + i, v[i]);
}

int usager_upsert(struct txn *t, const struct fc_identity *w, int64_t *id)
{
	static const char find[] = "SELECT id FROM usagers WHERE sub_hash = $1";
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM usagers";
	static const char ins[] =
		"INSERT INTO usagers (id, sub_hash, given_name, family_name, birthdate, birthplace,"
		" birthcountry, gender, email, preferred_username, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";
	/* FranceConnect's data is the reference: it replaces what was known */
	static const char upd[] =
		"UPDATE usagers SET given_name = $1, family_name = $2, birthdate = $3, birthplace = $4,"
		" birthcountry = $5, gender = $6, email = $7, preferred_username = $8, updated_at = $9"
		" WHERE id = $10";
	uint8_t h[32];
	crypto_keyed_hash("fc-sub", w->sub, strlen(w->sub), h);
	store_stmt *st = store_prep(t->db, find);
	store_bind_blob(st, 1, h, sizeof h);
	*id = store_int_or(st, 0);
	if (*id) {
		st = store_prep(t->db, upd);
		bind_identity(st, 1, w);
		store_bind_int(st, 9, t->now);
		store_bind_int(st, 10, *id);
	} else {
		*id = store_int_or(store_prep(t->db, next), 1);
		st = store_prep(t->db, ins);
		store_bind_int(st, 1, *id);
		store_bind_blob(st, 2, h, sizeof h);
		bind_identity(st, 3, w);
		store_bind_int(st, 11, t->now);
	}
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int64_t usager_other_mandates(store_conn *db, int64_t usager, int64_t structure, const char *csv,
			      time_t now)
{
	static const char q[] =
		"SELECT COUNT(DISTINCT m.id) FROM mandates m JOIN autorisations a ON a.mandate_id = m.id"
		" WHERE m.usager_id = $1 AND m.structure_id <> $2 AND m.expires_at > $3"
		" AND a.revoked_at IS NULL AND (',' || $4 || ',') LIKE ('%,' || a.demarche || ',%')";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, usager);
	store_bind_int(st, 2, structure);
	store_bind_int(st, 3, now);
	store_bind_text(st, 4, csv);
	return store_int_or(st, 0);
}
