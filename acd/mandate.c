/* mandate.c — the mandate's life: signed (or renewed), partly or wholly
 * revoked, expired.  A mandate is revoked once none of its autorisations is
 * left; its status is computed from revoked_at and expires_at. */
#include "mandate.h"
#include "crypto.h"
#include "templates.h"
#include "ac.h"

#include <stdlib.h>
#include <string.h>

void canonical_hash(json_t *o, char hex[65])
{
	/* only integers and ASCII strings go in: jansson's sorted compact form
	 * is then canonical */
	char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_sha256_hex(txt, strlen(txt), hex);
	free(txt);
}

static void subject_of(int64_t id, char out[32])
{
	snprintf(out, 32, "mandate:%lld", (long long)id);
}

/* Marks the mandate revoked when its last autorisation went. */
static int close_if_empty(struct txn *t, int64_t mandate, json_t *details)
{
	static const char left[] = "SELECT COUNT(*) FROM autorisations WHERE mandate_id = $1"
				   " AND revoked_at IS NULL";
	static const char close[] = "UPDATE mandates SET revoked_at = $1 WHERE id = $2";
	static const char where[] = "SELECT structure_id FROM mandates WHERE id = $1";
	store_stmt *st = store_prep(t->db, left);
	store_bind_int(st, 1, mandate);
	if (store_int_or(st, -1) != 0) {
		json_decref(details);
		return 0;
	}
	st = store_prep(t->db, close);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, mandate);
	if (store_exec(st) != STORE_DONE) {
		json_decref(details);
		return -1;
	}
	st = store_prep(t->db, where);
	store_bind_int(st, 1, mandate);
	char subject[32];
	subject_of(mandate, subject);
	return journal_append(t, "mandate_revoke", store_int_or(st, 0), subject, details);
}

/* Revokes the active autorisations of usager with structure for the démarches
 * of csv, in other mandates: a new mandate replaces them. */
static int replace_older(struct txn *t, const struct mandate_new *m, int64_t id)
{
	static const char q[] =
		"SELECT a.id, a.mandate_id, a.demarche FROM autorisations a"
		" JOIN mandates m ON m.id = a.mandate_id WHERE m.usager_id = $1 AND m.structure_id = $2"
		" AND m.id <> $3 AND m.expires_at > $4 AND a.revoked_at IS NULL ORDER BY a.id";
	static const char rev[] = "UPDATE autorisations SET revoked_at = $1 WHERE id = $2";
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, m->usager);
	store_bind_int(st, 2, m->structure);
	store_bind_int(st, 3, id);
	store_bind_int(st, 4, t->now);
	/* collected first: the updates must not run under the open cursor */
	struct { int64_t aut, mandate; char demarche[16]; } hit[64];
	int n = 0;
	/* at most one active autorisation per démarche: ten rows */
	while (store_step(st) == STORE_ROW) {
		if (n == 64 || !demarches_has(m->demarches, store_col_text(st, 2)))
			continue;
		hit[n].aut = store_col_int(st, 0);
		hit[n].mandate = store_col_int(st, 1);
		snprintf(hit[n].demarche, sizeof hit[n].demarche, "%s", store_col_text(st, 2));
		n++;
	}
	for (int i = 0; i < n; i++) {
		st = store_prep(t->db, rev);
		store_bind_int(st, 1, t->now);
		store_bind_int(st, 2, hit[i].aut);
		char subject[32];
		subject_of(hit[i].mandate, subject);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "autorisation_revoke", m->structure, subject,
				   json_pack("{s:s,s:I}", "demarche", hit[i].demarche, "replaced_by",
					     (json_int_t)id)) ||
		    close_if_empty(t, hit[i].mandate, json_pack("{s:I}", "replaced_by", (json_int_t)id)))
			return -1;
	}
	return 0;
}

int mandate_create(struct txn *t, const struct mandate_new *m, int64_t *id)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM mandates";
	static const char next_aut[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM autorisations";
	static const char sub[] = "SELECT sub_hash FROM usagers WHERE id = $1";
	static const char ins[] =
		"INSERT INTO mandates (id, structure_id, usager_id, account_id, demarches, duration,"
		" created_at, expires_at, template, attestation_hash, renewal_of, remote,"
		" no_credentials_kept, attestation_email)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
	static const char ins_aut[] = "INSERT INTO autorisations (id, mandate_id, demarche)"
				      " VALUES ($1, $2, $3)";
	const struct template *tpl = template_current("mandat");
	store_stmt *st = store_prep(t->db, sub);
	store_bind_int(st, 1, m->usager);
	if (!tpl || store_step(st) != STORE_ROW)
		return -1;
	size_t n;
	const uint8_t *sh = store_col_blob(st, 0, &n);
	char sub_hex[65], tpl_hash[65], hash[65];
	crypto_hex(sh, n < 32 ? n : 32, sub_hex);
	template_hash(tpl, tpl_hash);
	int64_t created = t->now, expires = created + (int64_t)ac_duration_days(m->duration) * 86400;
	*id = store_int_or(store_prep(t->db, next), 1);
	/* the id too: two mandates of the same fields made in one second (the
	 * second replaces the first) still have two hashes, two attestations */
	json_t *canon = json_pack("{s:I,s:o,s:I,s:I,s:I,s:s,s:s,s:s}", "created_at", (json_int_t)created,
				  "demarches", demarches_json(m->demarches), "expires_at",
				  (json_int_t)expires, "id", (json_int_t)*id, "structure",
				  (json_int_t)m->structure, "template", tpl->name, "template_hash", tpl_hash,
				  "usager", sub_hex);
	/* from mandat-2 on the paper says how it was signed: the hash covers it */
	if (strcmp(tpl->name, "mandat-1")) {
		json_object_set_new(canon, "remote", json_integer(m->remote));
		json_object_set_new(canon, "no_credentials_kept", json_integer(m->no_credentials_kept));
	}
	canonical_hash(canon, hash);
	json_decref(canon);

	st = store_prep(t->db, ins);
	store_bind_int(st, 1, *id);
	store_bind_int(st, 2, m->structure);
	store_bind_int(st, 3, m->usager);
	store_bind_int(st, 4, m->account);
	store_bind_text(st, 5, m->demarches);
	store_bind_text(st, 6, m->duration);
	store_bind_int(st, 7, created);
	store_bind_int(st, 8, expires);
	store_bind_text(st, 9, tpl->name);
	store_bind_text(st, 10, hash);
	if (m->renewal_of)
		store_bind_int(st, 11, m->renewal_of);
	else
		store_bind_null(st, 11);
	store_bind_int(st, 12, m->remote);
	store_bind_int(st, 13, m->no_credentials_kept);
	store_bind_text(st, 14, m->attestation_email ? m->attestation_email : "");
	if (store_exec(st) != STORE_DONE || replace_older(t, m, *id))
		return -1;
	char subject[32], exp_iso[32];
	subject_of(*id, subject);
	iso_time((time_t)expires, exp_iso);
	json_t *details = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s}", "usager", (json_int_t)m->usager,
				    "demarches", demarches_json(m->demarches), "duration", m->duration,
				    "expires_at", exp_iso, "attestation_hash", hash, "template", tpl->name);
	if (m->remote) /* said only when so: a desk's entry is as it always was */
		json_object_set_new(details, "remote", json_pack("{s:b,s:b}", "no_credentials_kept",
								  m->no_credentials_kept, "mailed_to_usager",
								  m->attestation_email && *m->attestation_email));
	if (journal_append(t, "mandate_create", m->structure, subject, details))
		return -1;
	int64_t aut = store_int_or(store_prep(t->db, next_aut), 1);
	json_t *codes = demarches_json(m->demarches), *c;
	size_t i;
	json_array_foreach(codes, i, c) {
		st = store_prep(t->db, ins_aut);
		store_bind_int(st, 1, aut++);
		store_bind_int(st, 2, *id);
		store_bind_text(st, 3, json_string_value(c));
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "autorisation_create", m->structure, subject,
				   json_pack("{s:s}", "demarche", json_string_value(c)))) {
			json_decref(codes);
			return -1;
		}
	}
	json_decref(codes);
	return 0;
}

int mandate_renew_journal(struct txn *t, const struct mandate_new *m, int64_t id)
{
	char subject[32];
	subject_of(id, subject);
	return journal_append(t, "mandate_renew", m->structure, subject,
			      json_pack("{s:I,s:I}", "renewal_of", (json_int_t)m->renewal_of, "usager",
					(json_int_t)m->usager));
}

static const char *status_of(int revoked, int64_t expires, time_t now)
{
	return revoked ? "revoked" : expires <= now ? "expired" : "active";
}

const char *mandate_head(struct jbuf *b, store_stmt *st, time_t now)
{
	static const char *const ucols[] = { "given_name", "family_name", "birthdate", "birthplace",
					     "birthcountry", "gender", "email", "preferred_username" };
	const char *status = status_of(!store_col_null(st, 6), store_col_int(st, 5), now);
	jb_raw(b, "{\"id\":");
	jb_int(b, store_col_int(st, 0));
	jb_raw(b, ",\"structure\":");
	jb_int(b, store_col_int(st, 1));
	jb_raw(b, ",\"usager\":{\"id\":");
	jb_int(b, store_col_int(st, 10));
	for (int i = 0; i < 8; i++) {
		jb_raw(b, ",\"");
		jb_raw(b, ucols[i]);
		jb_raw(b, "\":");
		jb_str(b, store_col_text(st, 11 + i));
	}
	jb_raw(b, "},\"demarches\":");
	jb_csv_array(b, store_col_text(st, 2));
	jb_raw(b, ",\"duration\":");
	jb_str(b, store_col_text(st, 3));
	jb_raw(b, ",\"created_at\":");
	jb_time(b, store_col_int(st, 4), 0);
	jb_raw(b, ",\"expires_at\":");
	jb_time(b, store_col_int(st, 5), 0);
	jb_raw(b, ",\"attestation_hash\":");
	jb_str(b, store_col_text(st, 7));
	jb_raw(b, ",\"revoked_at\":");
	jb_time(b, store_col_int(st, 6), store_col_null(st, 6));
	jb_raw(b, ",\"status\":\"");
	jb_raw(b, status);
	jb_raw(b, "\",\"template\":");
	jb_str(b, store_col_text(st, 8));
	jb_raw(b, ",\"renewal_of\":");
	if (store_col_null(st, 9))
		jb_raw(b, "null");
	else
		jb_int(b, store_col_int(st, 9));
	jb_raw(b, ",\"aidant\":{\"email\":");
	jb_str(b, store_col_text(st, 19));
	jb_raw(b, ",\"first_name\":");
	jb_str(b, store_col_text(st, 20));
	jb_raw(b, store_col_int(st, 21) ? "},\"remote\":true" : "},\"remote\":false");
	jb_raw(b, store_col_int(st, 22) ? ",\"no_credentials_kept\":true" : ",\"no_credentials_kept\":false");
	jb_raw(b, store_col_int(st, 23) ? ",\"attestation_sent\":true" : ",\"attestation_sent\":false");
	jb_raw(b, ",\"autorisations\":[");
	return status;
}

void mandate_aut(struct jbuf *b, int first, store_stmt *st, int col, const char *mstatus)
{
	/* a live autorisation shares its mandate's fate: active or expired */
	int revoked = !store_col_null(st, col + 1);
	jb_raw(b, first ? "{\"demarche\":" : ",{\"demarche\":");
	jb_str(b, store_col_text(st, col));
	jb_raw(b, ",\"status\":\"");
	jb_raw(b, revoked ? "revoked" : !strcmp(mstatus, "expired") ? "expired" : "active");
	jb_raw(b, "\",\"revoked_at\":");
	jb_time(b, store_col_int(st, col + 1), !revoked);
	jb_raw(b, "}");
}

json_t *mandate_json(store_conn *db, int64_t id, time_t now)
{
	static const char q[] = "SELECT " MANDATE_COLS MANDATE_FROM " WHERE m.id = $1";
	static const char qa[] = "SELECT demarche, revoked_at FROM autorisations WHERE mandate_id = $1"
				 " ORDER BY id";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return NULL;
	struct jbuf b = { 0 };
	char status[16];
	snprintf(status, sizeof status, "%s", mandate_head(&b, st, now));
	st = store_prep(db, qa);
	store_bind_int(st, 1, id);
	for (int first = 1; store_step(st) == STORE_ROW; first = 0)
		mandate_aut(&b, first, st, 0, status);
	jb_raw(&b, "]}");
	json_t *o = json_loadb(b.p, b.len, 0, NULL);
	jb_free(&b);
	return o;
}

int64_t mandate_structure(store_conn *db, int64_t id)
{
	static const char q[] = "SELECT structure_id FROM mandates WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	return store_int_or(st, 0);
}
