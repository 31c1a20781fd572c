/* application.c — a structure's application: checks, row, link, closing
 * (application.h). */
#include "application.h"
#include "log.h"
#include "mail.h"
#include "server.h"
#include "ac.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const application_declarations[] = { "cgu", "not_free", "dpo", "professionals_only",
						 "without_elected", NULL };

/* Where a problem is, in French, for the form's page. */
static const char *part_fr(const char *part)
{
	return !strcmp(part, "applicant") ? "demandeur" : !strcmp(part, "structure") ? "structure"
	       : !strcmp(part, "referent") ? "référent" : !strcmp(part, "declarations") ? "déclarations"
	       : "aidant";
}

/* fields_check of one part, its message prefixed with where it is. */
static int part_check(json_t *o, const char *part, const struct field *spec, struct fail *f,
		      char *fr, size_t frlen)
{
	if (!fields_check(o, spec, f))
		return 0;
	char m[sizeof f->message];
	memcpy(m, f->message, sizeof m);
	snprintf(f->message, sizeof f->message, "%s: %.300s", part, m);
	snprintf(fr, frlen, "Partie « %s » : %s.", part_fr(part),
		 !strcmp(f->code, "missing_field") ? "un champ obligatoire manque"
		 : !strcmp(f->code, "unknown_field") ? "un champ inconnu est présent"
						     : "un champ n'a pas le bon type");
	return -1;
}

static int text_bad(const char *s, size_t max) { return !*s || strlen(s) > max; }

/* An email of o normalized in place: 0, or -1 (400 bad_email). */
static int email_fix(json_t *o, const char *where, struct fail *f, char *fr, size_t frlen)
{
	char e[256];
	if (field_email(o, e, f)) {
		snprintf(fr, frlen, "L'adresse électronique %s n'est pas valide.", where);
		return -1;
	}
	json_object_set_new(o, "email", json_string(e));
	return 0;
}

/* A person's names (and profession when asked): 0 or -1. */
static int person_bad(json_t *o, const char *part, int profession, struct fail *f, char *fr,
		      size_t frlen)
{
	if (text_bad(jstr(o, "first_name", ""), 100) || text_bad(jstr(o, "last_name", ""), 100)) {
		snprintf(fr, frlen, "Partie « %s » : le prénom et le nom vont de 1 à 100 caractères.",
			 part_fr(part));
		return fail_set(f, 400, "bad_name", "%s: \"first_name\" and \"last_name\" must be 1 to 100 "
				"characters", part);
	}
	if (profession && text_bad(jstr(o, "profession", ""), 200)) {
		snprintf(fr, frlen, "Partie « %s » : la profession va de 1 à 200 caractères.", part_fr(part));
		return fail_set(f, 400, "bad_profession", "%s: \"profession\" must be 1 to 200 characters",
				part);
	}
	return 0;
}

static int structure_bad(json_t *s, struct fail *f, char *fr, size_t frlen)
{
	const char *zip = jstr(s, "zipcode", "");
	char words[256];
	if (!ac_siret_valid(jstr(s, "siret", ""))) {
		snprintf(fr, frlen, "Le SIRET doit compter 14 chiffres, dont la clé de contrôle (Luhn) est "
			 "juste : vérifiez-le sur l'avis de situation SIRENE.");
		return fail_set(f, 400, "bad_siret", "structure: \"siret\" must be 14 digits with a valid "
				"Luhn key");
	}
	if (text_bad(jstr(s, "name", ""), 200)) {
		snprintf(fr, frlen, "Le nom de la structure va de 1 à 200 caractères.");
		return fail_set(f, 400, "bad_name", "structure: \"name\" must be 1 to 200 characters");
	}
	if (!ac_in_list(ac_structure_types, jstr(s, "type", ""))) {
		snprintf(fr, frlen, "Choisissez le type de la structure dans la liste.");
		return fail_set(f, 400, "bad_type", "structure: \"type\" must be one of: %s",
				ac_list_words(ac_structure_types, words, sizeof words));
	}
	if (strlen(jstr(s, "address", "")) > 500 || !*jstr(s, "address", "")) {
		snprintf(fr, frlen, "L'adresse de la structure va de 1 à 500 caractères.");
		return fail_set(f, 400, "bad_address", "structure: \"address\" must be 1 to 500 characters");
	}
	if (!ac_zipcode_valid(zip) || !ac_departement_of_zipcode(zip)) {
		snprintf(fr, frlen, "Le code postal doit être celui d'une commune française (5 chiffres).");
		return fail_set(f, 400, "bad_zipcode", "structure: no French département has the zipcode "
				"\"%.10s\"", zip);
	}
	if (text_bad(jstr(s, "city", ""), 200)) {
		snprintf(fr, frlen, "La commune va de 1 à 200 caractères.");
		return fail_set(f, 400, "bad_city", "structure: \"city\" must be 1 to 200 characters");
	}
	return 0;
}

static int aidants_bad(json_t *list, struct fail *f, char *fr, size_t frlen)
{
	static const struct field spec[] = {
		{ "email", F_STR, 1 }, { "first_name", F_STR, 1 }, { "last_name", F_STR, 1 },
		{ "profession", F_STR, 1 }, { 0 }
	};
	if (json_array_size(list) > APPLY_AIDANTS_MAX) {
		snprintf(fr, frlen, "Une demande liste au plus %d aidants.", APPLY_AIDANTS_MAX);
		return fail_set(f, 400, "too_many_aidants", "at most %d aidants in one application "
				"(%zu given)", APPLY_AIDANTS_MAX, json_array_size(list));
	}
	size_t i;
	json_t *a;
	json_array_foreach(list, i, a) {
		char part[40], where[80];
		snprintf(part, sizeof part, "aidants[%zu]", i);
		snprintf(where, sizeof where, "de l'aidant n° %zu", i + 1);
		if (part_check(a, part, spec, f, fr, frlen) || email_fix(a, where, f, fr, frlen) ||
		    person_bad(a, part, 1, f, fr, frlen))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(jstr(json_array_get(list, j), "email", ""), jstr(a, "email", ""))) {
				snprintf(fr, frlen, "L'aidant n° %zu a la même adresse électronique que "
					 "l'aidant n° %zu.", i + 1, j + 1);
				return fail_set(f, 400, "duplicate_aidant", "aidants[%zu] has the email of "
						"aidants[%zu]", i, j);
			}
	}
	return 0;
}

int application_check(json_t *app, struct fail *f, char *fr, size_t frlen)
{
	static const struct field top[] = {
		{ "applicant", F_OBJECT, 1 }, { "structure", F_OBJECT, 1 }, { "referent", F_OBJECT, 1 },
		{ "aidants", F_ARRAY, 1 }, { "declarations", F_OBJECT, 1 }, { 0 }
	};
	static const struct field applicant[] = {
		{ "email", F_STR, 1 }, { "first_name", F_STR, 1 }, { "last_name", F_STR, 1 }, { 0 }
	};
	static const struct field structure[] = {
		{ "siret", F_STR, 1 }, { "name", F_STR, 1 }, { "type", F_STR, 1 },
		{ "address", F_STR, 1 }, { "zipcode", F_STR, 1 }, { "city", F_STR, 1 }, { 0 }
	};
	static const struct field referent[] = {
		{ "email", F_STR, 1 }, { "first_name", F_STR, 1 }, { "last_name", F_STR, 1 },
		{ "profession", F_STR, 1 }, { "aidant", F_BOOL, 1 }, { 0 }
	};
	static const struct field declarations[] = {
		{ "cgu", F_BOOL, 1 }, { "not_free", F_BOOL, 1 }, { "dpo", F_BOOL, 1 },
		{ "professionals_only", F_BOOL, 1 }, { "without_elected", F_BOOL, 1 }, { 0 }
	};
	if (fields_check(app, top, f)) {
		snprintf(fr, frlen, "La demande est incomplète ou mal formée.");
		return -1;
	}
	json_t *ap = json_object_get(app, "applicant"), *st = json_object_get(app, "structure"),
	       *re = json_object_get(app, "referent"), *de = json_object_get(app, "declarations");
	if (part_check(ap, "applicant", applicant, f, fr, frlen) ||
	    part_check(st, "structure", structure, f, fr, frlen) ||
	    part_check(re, "referent", referent, f, fr, frlen) ||
	    part_check(de, "declarations", declarations, f, fr, frlen))
		return -1;
	if (email_fix(ap, "du demandeur", f, fr, frlen) || person_bad(ap, "applicant", 0, f, fr, frlen) ||
	    structure_bad(st, f, fr, frlen) || email_fix(re, "du référent", f, fr, frlen) ||
	    person_bad(re, "referent", 1, f, fr, frlen) ||
	    aidants_bad(json_object_get(app, "aidants"), f, fr, frlen))
		return -1;
	for (const char *const *d = application_declarations; *d; d++)
		if (!jbool(de, *d, 0)) {
			snprintf(fr, frlen, "Cochez les cinq déclarations : une demande ne peut pas être "
				 "envoyée sans elles.");
			return fail_set(f, 400, "bad_declaration", "declarations: \"%s\" must be true", *d);
		}
	return 0;
}

void application_subject(int64_t id, char out[48])
{
	snprintf(out, 48, "structure_request:%lld", (long long)id);
}

int application_insert(struct txn *t, json_t *app, struct application_new *n)
{
	static const char next_id[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM structure_requests";
	static const char ins[] =
		"INSERT INTO structure_requests (id, status, applicant_email, siret, name, zipcode,"
		" departement, region, application, token_hash, token_expires_at, created_at, updated_at)"
		" VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";
	json_t *s = json_object_get(app, "structure");
	const char *zip = jstr(s, "zipcode", "");
	const struct ac_departement *dep = ac_departement_of_zipcode(zip);
	char *text = json_dumps(app, JSON_COMPACT | JSON_SORT_KEYS);
	uint8_t h[32];
	crypto_token_new(n->token);
	crypto_token_hash(n->token, h);
	n->id = store_int_or(store_prep(t->db, next_id), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, n->id);
	store_bind_text(st, 2, jstr(json_object_get(app, "applicant"), "email", ""));
	store_bind_text(st, 3, jstr(s, "siret", ""));
	store_bind_text(st, 4, jstr(s, "name", ""));
	store_bind_text(st, 5, zip);
	store_bind_text(st, 6, dep ? dep->code : "");
	store_bind_text(st, 7, dep ? dep->region : "");
	store_bind_text(st, 8, text ? text : "{}");
	store_bind_blob(st, 9, h, sizeof h);
	store_bind_int(st, 10, t->now + APPLY_LINK_TTL);
	store_bind_int(st, 11, t->now);
	int rc = text && store_exec(st) == STORE_DONE ? 0 : -1;
	free(text);
	return rc;
}

struct opening {
	json_t *app;
	struct application_new n;
};

static int open_work(struct txn *t, void *arg)
{
	struct opening *o = arg;
	return application_insert(t, o->app, &o->n);
}

int application_open(struct req *r, json_t *app, int64_t *id, char *err, size_t errlen)
{
	struct opening o = { app, { 0 } };
	*err = 0;
	if (txn_run(r, 1, open_work, &o) != 0)
		return -1;
	*id = o.n.id;
	const char *to = jstr(json_object_get(app, "applicant"), "email", "");
	if (application_mail_link(to, o.n.token, NULL, err, errlen)) {
		log_error("mail to an applicant: %s", err);
		if (!*err)
			snprintf(err, errlen, "the mail could not be sent");
	}
	sodium_memzero(o.n.token, sizeof o.n.token);
	return 0;
}

#define ROW_COLS "id, status, application, message, COALESCE(structure_id, 0)," \
		 " COALESCE(referent_id, 0), token_expires_at"

static int row_read(store_stmt *st, struct application_row *a)
{
	a->id = store_col_int(st, 0);
	snprintf(a->status, sizeof a->status, "%s", store_col_text(st, 1));
	a->app = json_loads(store_col_text(st, 2), 0, NULL);
	snprintf(a->message, sizeof a->message, "%s", store_col_text(st, 3));
	a->structure = store_col_int(st, 4);
	a->referent = store_col_int(st, 5);
	return a->app ? 1 : -1;
}

int application_by_token(store_conn *db, const char *token, time_t now, struct application_row *a)
{
	static const char q[] = "SELECT " ROW_COLS " FROM structure_requests WHERE token_hash = $1";
	uint8_t h[32];
	crypto_token_hash(token, h);
	store_stmt *st = store_prep(db, q);
	store_bind_blob(st, 1, h, sizeof h);
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	if (store_col_int(st, 6) <= now)
		return 0;
	return row_read(st, a);
}

int application_load(store_conn *db, int64_t id, struct application_row *a)
{
	static const char q[] = "SELECT " ROW_COLS " FROM structure_requests WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	return row_read(st, a);
}

int application_new_link(struct txn *t, int64_t id, char token[TOKEN_HEX])
{
	static const char up[] = "UPDATE structure_requests SET token_hash = $1, token_expires_at = $2"
				 " WHERE id = $3";
	uint8_t h[32];
	crypto_token_new(token);
	crypto_token_hash(token, h);
	store_stmt *st = store_prep(t->db, up);
	store_bind_blob(st, 1, h, sizeof h);
	store_bind_int(st, 2, t->now + APPLY_LINK_TTL);
	store_bind_int(st, 3, id);
	return store_exec(st);
}

int application_mail_link(const char *to, const char *token, const char *message, char *err,
			  size_t errlen)
{
	size_t n = 2048 + (message ? strlen(message) : 0);
	char *body = malloc(n);
	if (!body) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!message)
		snprintf(body, n,
			 "Bonjour,\n\nVous avez demandé l'habilitation d'une structure à Aidants Connect."
			 "\n\nPour confirmer votre adresse électronique et envoyer la demande à l'ANCT, "
			 "ouvrez ce lien (il est valable 7 jours) :\n\n%s/habilitation/%s\n\nSans "
			 "confirmation, la demande est effacée au bout de 7 jours. Si vous n'êtes pas à "
			 "l'origine de cette demande, ignorez ce message.\n\nAidants Connect\n",
			 srv.cfg.public_url, token);
	else
		snprintf(body, n,
			 "Bonjour,\n\nL'ANCT a examiné votre demande d'habilitation à Aidants Connect et "
			 "vous demande de la compléter :\n\n%s\n\nOuvrez ce lien pour modifier la demande "
			 "et l'envoyer de nouveau (il est valable 7 jours) :\n\n%s/habilitation/%s\n\n"
			 "Aidants Connect\n",
			 message, srv.cfg.public_url, token);
	int rc = mail_send(to, message ? "=?utf-8?q?Aidants_Connect_:_votre_demande_=C3=A0_compl=C3=A9ter?="
				       : "=?utf-8?q?Aidants_Connect_:_confirmez_votre_demande?=",
			   body, err, errlen);
	sodium_memzero(body, n);
	free(body);
	return rc;
}

int application_close_for(struct txn *t, int64_t account)
{
	static const char q[] = "SELECT id, COALESCE(structure_id, 0) FROM structure_requests"
				" WHERE referent_id = $1 AND status = 'accepted' ORDER BY id";
	static const char up[] = "UPDATE structure_requests SET status = 'closed', updated_at = $1"
				 " WHERE id = $2 AND status = 'accepted'";
	int64_t ids[16], structures[16];
	int n = 0;
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, account);
	while (store_step(st) == STORE_ROW)
		if (n < 16) { /* more would be another run's: one person, a few structures */
			ids[n] = store_col_int(st, 0);
			structures[n++] = store_col_int(st, 1);
		}
	for (int i = 0; i < n; i++) {
		char subject[48];
		application_subject(ids[i], subject);
		st = store_prep(t->db, up);
		store_bind_int(st, 1, t->now);
		store_bind_int(st, 2, ids[i]);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "structure_request_update", structures[i], subject,
				   json_pack("{s:s,s:s,s:s}", "status", "closed", "before", "accepted",
					     "why", "card_activated")))
			return -1;
	}
	return 0;
}
