/* usager_actions.c — what the usager does in their space, with a session:
 *   POST /usager/revoke                       one démarche, or the whole mandate
 *   GET  /usager/export                       every datum kept about them (JSON)
 *   GET  /usager/mandates/{id}/attestation    their papers, as the aidants print
 *   GET  /usager/revocations/{id}/attestation them
 * Another usager's mandate answers exactly as a missing one (404). */
#include "routes.h"
#include "usager_space.h"
#include "attestation_stored.h"
#include "draft.h"
#include "html.h"
#include "mandate.h"
#include "txn.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refused(struct req *r)
{
	return reply_page_error(r, 403, "Demande refusée",
				"Cette demande ne vient pas de la page de votre espace. Rouvrez la page "
				"de votre espace et utilisez ses boutons.");
}

static int not_found(struct req *r)
{
	return reply_page_error(r, 404, "Introuvable",
				"Ce mandat ou cette révocation n'existe pas dans votre espace.");
}

struct revoke {
	int64_t usager, mandate;
	char demarche[16], actor[32];
	int whole;
	json_t *out;
	struct fail f;
};

static int revoke_work(struct txn *t, void *arg)
{
	struct revoke *x = arg;
	t->usager = x->usager;
	t->actor = x->actor;
	return mandate_revoke(t, x->mandate, x->whole ? NULL : x->demarche, x->out, &x->f);
}

int page_usager_revoke(struct req *r)
{
	int stale;
	struct revoke x = { .usager = usager_session(r, &stale) };
	if (!x.usager)
		return usager_back(r, NULL);
	char browser[33];
	if (!usager_csrf_ok(r, "space", browser))
		return refused(r);
	char mandate[24];
	const char *body = r->body ? r->body : "";
	x.whole = form_field(body, "demarche", x.demarche, sizeof x.demarche) != 0;
	if (form_field(body, "mandate", mandate, sizeof mandate) || !(x.mandate = ac_text_id(mandate)))
		return not_found(r);
	/* one known code: the form never sends a list */
	if (!x.whole && !ac_demarche_find(x.demarche))
		return reply_page_error(r, 400, "Démarche inconnue",
					"Cette démarche n'existe pas. Rouvrez votre espace et utilisez ses "
					"boutons.");
	snprintf(x.actor, sizeof x.actor, "usager:%lld", (long long)x.usager);
	x.out = json_object();
	int rc = txn_run(r, 1, revoke_work, &x);
	int64_t rid = json_integer_value(json_object_get(json_object_get(x.out, "revocation"), "id"));
	json_decref(x.out);
	if (rc && r->status)
		return r->status; /* busy */
	if (rc && x.f.status == 404)
		return not_found(r);
	if (rc && !strcmp(x.f.code, "already_revoked"))
		return reply_page_error(r, 409, "Déjà révoqué",
					"Cette démarche ou ce mandat a déjà été révoqué. Rouvrez votre "
					"espace pour voir son état.");
	if (rc && !strcmp(x.f.code, "expired"))
		return reply_page_error(r, 409, "Mandat expiré",
					"Ce mandat a expiré : il n'y a plus rien à révoquer.");
	if (rc && x.f.status == 400)
		return reply_page_error(r, 400, "Démarche inconnue",
					"Ce mandat ne couvre pas cette démarche.");
	if (rc)
		return reply_page_error(r, 500, "Erreur", "La révocation n'a pas pu être enregistrée.");
	char q[40];
	snprintf(q, sizeof q, "revoked=%lld", (long long)rid);
	return usager_back(r, q);
}

struct export {
	int64_t usager;
	json_t *out;
};

static int export_work(struct txn *t, void *arg)
{
	static const char qu[] = "SELECT created_at, updated_at FROM usagers WHERE id = $1";
	static const char qm[] = "SELECT id FROM mandates WHERE usager_id = $1 ORDER BY id";
	static const char qr[] =
		"SELECT v.id, v.mandate_id, v.demarches, v.whole, v.revoked_at, v.attestation_hash"
		" FROM revocations v JOIN mandates m ON m.id = v.mandate_id WHERE m.usager_id = $1"
		" ORDER BY v.id";
	static const char qo[] =
		"SELECT o.id, o.mandate_id, o.demarche, s.name, o.used_at, o.structure_id, a.first_name"
		" FROM oidc_tokens o JOIN structures s ON s.id = o.structure_id"
		" JOIN accounts a ON a.id = o.account_id WHERE o.usager_id = $1"
		" AND o.used_at IS NOT NULL ORDER BY o.used_at, o.id";
	struct export *x = arg;
	json_t *who = usager_json(t->db, x->usager);
	char c[32], u[32];
	store_stmt *st = store_prep(t->db, qu);
	store_bind_int(st, 1, x->usager);
	if (!json_is_object(who) || store_step(st) != STORE_ROW) {
		json_decref(who);
		return -1;
	}
	iso_time((time_t)store_col_int(st, 0), c);
	iso_time((time_t)store_col_int(st, 1), u);
	json_object_set_new(who, "created_at", json_string(c));
	json_object_set_new(who, "updated_at", json_string(u));

	/* the ids first: mandate_json runs queries of its own */
	st = store_prep(t->db, qm);
	store_bind_int(st, 1, x->usager);
	json_t *ids = json_array(), *mandates = json_array(), *id;
	while (store_step(st) == STORE_ROW)
		json_array_append_new(ids, json_integer(store_col_int(st, 0)));
	size_t i;
	json_array_foreach(ids, i, id) {
		json_t *m = mandate_json(t->db, json_integer_value(id), t->now);
		/* the aidant's first name, as on the page: their address is not the usager's datum */
		json_object_del(json_object_get(m, "aidant"), "email");
		if (m)
			json_array_append_new(mandates, m);
	}
	json_decref(ids);

	json_t *revs = json_array(), *uses = json_array();
	st = store_prep(t->db, qr);
	store_bind_int(st, 1, x->usager);
	while (store_step(st) == STORE_ROW) {
		iso_time((time_t)store_col_int(st, 4), c);
		json_array_append_new(revs, json_pack("{s:I,s:I,s:o,s:b,s:s,s:s}",
			"id", (json_int_t)store_col_int(st, 0), "mandate", (json_int_t)store_col_int(st, 1),
			"demarches", demarches_json(store_col_text(st, 2)), "whole", (int)store_col_int(st, 3),
			"revoked_at", c, "attestation_hash", store_col_text(st, 5)));
	}
	st = store_prep(t->db, qo);
	store_bind_int(st, 1, x->usager);
	while (store_step(st) == STORE_ROW) {
		iso_time((time_t)store_col_int(st, 4), c);
		json_array_append_new(uses, json_pack("{s:I,s:s,s:{s:I,s:s},s:s,s:{s:s}}",
			"mandate", (json_int_t)store_col_int(st, 1), "demarche", store_col_text(st, 2),
			"structure", "id", (json_int_t)store_col_int(st, 5), "name", store_col_text(st, 3),
			"used_at", c, "aidant", "first_name", store_col_text(st, 6)));
	}
	iso_time(t->now, c);
	x->out = json_pack("{s:s,s:o,s:o,s:o,s:o}", "exported_at", c, "usager", who, "mandates",
			   mandates, "revocations", revs, "uses", uses);
	return 0;
}

int page_usager_export(struct req *r)
{
	int stale;
	struct export x = { .usager = usager_session(r, &stale) };
	if (!x.usager)
		return usager_back(r, NULL);
	if (txn_run(r, 0, export_work, &x) != 0)
		return r->status ? r->status
				 : reply_page_error(r, 500, "Erreur", "L'export n'a pas pu être fait.");
	char *txt = json_dumps(x.out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(x.out);
	reply_header(r, "Content-Disposition", "attachment; filename=\"aidants-connect-mes-donnees.json\"");
	reply_header(r, "Cache-Control", "no-store");
	reply_bytes(r, 200, "application/json", txt, strlen(txt));
	free(txt);
	return 200;
}

/* An attestation of the {id} segment, when it is this usager's. */
static int paper(struct req *r, int revocation)
{
	int stale;
	int64_t usager = usager_session(r, &stale), id = ac_text_id(r->arg);
	if (!usager)
		return usager_back(r, NULL);
	struct att_stored p;
	unsigned char *pdf;
	size_t len;
	char name[64];
	if (!id || !(revocation ? att_load_revocation : att_load_mandate)(r->db, id, &p) ||
	    p.usager != usager)
		return not_found(r);
	if (att_make(&p, &pdf, &len, name))
		return reply_page_error(r, 500, "Erreur", "L'attestation n'a pas pu être faite.");
	return reply_pdf(r, pdf, len, name);
}

int page_usager_mandate_attestation(struct req *r)
{
	return paper(r, 0);
}

int page_usager_revocation_attestation(struct req *r)
{
	return paper(r, 1);
}
