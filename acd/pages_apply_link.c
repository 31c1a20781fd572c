/* pages_apply_link.c — the link mailed to an applicant:
 *   GET  /habilitation/TOKEN  a draft: its summary and a button to confirm
 *                             (a mail scanner following the link confirms
 *                             nothing); changes asked: the form, filled
 *   POST /habilitation/TOKEN  (CSRF-checked) confirmed: submitted, journaled
 *                             structure_apply; or the edited application
 *                             checked and submitted again
 * A link serves once: its hash is cleared when used. */
#include "routes.h"
#include "application.h"
#include "pages_apply.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request of the link, usable; else an error page (non-zero). */
static int usable(struct req *r, struct application_row *a)
{
	int found = hex_ok(r->arg, 64) ? application_by_token(r->db, r->arg, r->now, a) : 0;
	if (found < 0)
		return reply_page_error(r, 503, "Service indisponible",
					"Le service est momentanément indisponible : réessayez dans un instant.");
	if (!found)
		return reply_page_error(r, 404, "Lien inconnu ou expiré",
					"Ce lien ne correspond à aucune demande en attente : il a peut-être "
					"déjà servi, ou ses 7 jours sont passés. Vérifiez qu'il a été recopié "
					"en entier, ou refaites la demande.");
	if (strcmp(a->status, "draft") && strcmp(a->status, "changes_required")) {
		json_decref(a->app);
		return reply_page_error(r, 410, "Lien déjà utilisé",
					"Cette demande a déjà été envoyée à l'ANCT : ce lien ne sert plus.");
	}
	return 0;
}

static void summary(struct page *p, json_t *app)
{
	json_t *s = json_object_get(app, "structure"), *re = json_object_get(app, "referent");
	page_raw(p, "<dl>\n<dt>Structure</dt><dd>");
	page_text(p, jstr(s, "name", ""));
	page_raw(p, "</dd>\n<dt>SIRET</dt><dd>");
	page_text(p, jstr(s, "siret", ""));
	page_raw(p, "</dd>\n<dt>Adresse</dt><dd>");
	page_text(p, jstr(s, "address", ""));
	page_raw(p, ", ");
	page_text(p, jstr(s, "zipcode", ""));
	page_raw(p, " ");
	page_text(p, jstr(s, "city", ""));
	page_raw(p, "</dd>\n<dt>Référent</dt><dd>");
	page_text(p, jstr(re, "first_name", ""));
	page_raw(p, " ");
	page_text(p, jstr(re, "last_name", ""));
	page_raw(p, " (");
	page_text(p, jstr(re, "email", ""));
	page_raw(p, ")</dd>\n<dt>Aidants à habiliter</dt><dd>%zu</dd>\n</dl>\n",
		 json_array_size(json_object_get(app, "aidants")) + (jbool(re, "aidant", 0) ? 1 : 0));
}

static int edit_page(struct req *r, int status, const struct application_row *a, json_t *app,
		     int rows, const char *error)
{
	char browser[33], csrf[65], action[160];
	page_browser_id(r, browser);
	page_csrf(browser, r->arg, csrf);
	snprintf(action, sizeof action, "/habilitation/%s", r->arg);
	struct page p = { 0 };
	page_begin(&p, "Compléter la demande d'habilitation");
	page_raw(&p, "<h1>Compléter la demande d'habilitation</h1>\n");
	apply_form(&p, app, rows, action, csrf, error, a->message);
	page_end(&p);
	return reply_page(r, status, &p);
}

int page_apply_link_show(struct req *r)
{
	struct application_row a;
	if (usable(r, &a))
		return r->status;
	int rc;
	if (!strcmp(a.status, "changes_required")) {
		size_t n = json_array_size(json_object_get(a.app, "aidants"));
		int rows = n < 3 ? 3 : n + 2 > APPLY_AIDANTS_MAX ? APPLY_AIDANTS_MAX : (int)n + 2;
		rc = edit_page(r, 200, &a, a.app, rows, NULL);
	} else {
		char browser[33], csrf[65];
		page_browser_id(r, browser);
		page_csrf(browser, r->arg, csrf);
		struct page p = { 0 };
		page_begin(&p, "Confirmer la demande d'habilitation");
		page_raw(&p, "<h1>Confirmer la demande d'habilitation</h1>\n<p>Vous avez demandé "
			     "l'habilitation de cette structure :</p>\n");
		summary(&p, a.app);
		page_raw(&p, "<form method=\"post\" action=\"/habilitation/%s\">\n"
			     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
			     "<button type=\"submit\">Confirmer et envoyer la demande à l'ANCT</button>\n"
			     "</form>\n", r->arg, csrf);
		page_end(&p);
		rc = reply_page(r, 200, &p);
	}
	json_decref(a.app);
	return rc;
}

struct sending {
	struct application_row *a;
	json_t *app;            /* the edited application; NULL: a confirmation */
	int done;
};

static int send_work(struct txn *t, void *arg)
{
	static const char confirm[] =
		"UPDATE structure_requests SET status = 'submitted', submitted_at = $1, updated_at = $1,"
		" token_hash = NULL WHERE id = $2 AND status = 'draft'";
	static const char resubmit[] =
		"UPDATE structure_requests SET status = 'submitted', updated_at = $1, token_hash = NULL,"
		" application = $2, applicant_email = $3, siret = $4, name = $5, zipcode = $6,"
		" departement = $7, region = $8 WHERE id = $9 AND status = 'changes_required'";
	struct sending *x = arg;
	json_t *app = x->app ? x->app : x->a->app, *s = json_object_get(app, "structure");
	const char *applicant = jstr(json_object_get(app, "applicant"), "email", "");
	t->actor = applicant; /* who holds the link mailed to that address */
	store_stmt *st = store_prep(t->db, x->app ? resubmit : confirm);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, x->app ? 9 : 2, x->a->id);
	char *text = NULL;
	if (x->app) {
		const struct ac_departement *dep = ac_departement_of_zipcode(jstr(s, "zipcode", ""));
		text = json_dumps(app, JSON_COMPACT | JSON_SORT_KEYS);
		store_bind_text(st, 2, text ? text : "{}");
		store_bind_text(st, 3, applicant);
		store_bind_text(st, 4, jstr(s, "siret", ""));
		store_bind_text(st, 5, jstr(s, "name", ""));
		store_bind_text(st, 6, jstr(s, "zipcode", ""));
		store_bind_text(st, 7, dep ? dep->code : "");
		store_bind_text(st, 8, dep ? dep->region : "");
	}
	int rc = store_exec(st);
	free(text);
	if (rc != STORE_DONE)
		return -1;
	if (store_changes(t->db) != 1)
		return 0; /* used meanwhile, by another click */
	x->done = 1;
	char subject[48];
	application_subject(x->a->id, subject);
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "siret", jstr(s, "siret", ""), "name",
			      jstr(s, "name", ""), "zipcode", jstr(s, "zipcode", ""), "referent",
			      jstr(json_object_get(app, "referent"), "email", ""), "applicant", applicant,
			      "aidants", (json_int_t)json_array_size(json_object_get(app, "aidants")));
	if (x->app)
		json_object_set_new(d, "before", json_string("changes_required"));
	return journal_append(t, x->app ? "structure_request_update" : "structure_apply", 0, subject, d);
}

int page_apply_link_post(struct req *r)
{
	struct application_row a;
	if (usable(r, &a))
		return r->status;
	char browser[33];
	if (!page_csrf_ok(r, r->arg, browser)) {
		json_decref(a.app);
		return reply_page_error(r, 403, "Demande refusée",
					"Ce formulaire ne vient pas de la page de ce lien, ou il a été ouvert "
					"dans un autre navigateur. Rouvrez le lien reçu par courriel.");
	}
	struct sending x = { &a, NULL, 0 };
	int rc = 0;
	if (!strcmp(a.status, "changes_required")) {
		int rows, more;
		struct fail f = { 0 };
		char fr[300];
		x.app = apply_from_form(r->body ? r->body : "", &rows, &more);
		if (more)
			rc = edit_page(r, 200, &a, x.app, rows, NULL);
		else if (application_check(x.app, &f, fr, sizeof fr))
			rc = edit_page(r, 400, &a, x.app, rows, fr);
		if (rc) {
			json_decref(x.app);
			json_decref(a.app);
			return rc;
		}
	}
	rc = txn_run(r, 1, send_work, &x);
	json_decref(x.app);
	json_decref(a.app);
	if (rc != 0)
		return r->status ? r->status
				 : reply_page_error(r, 500, "Erreur", "La demande n'a pas pu être "
						    "enregistrée : réessayez dans un instant.");
	if (!x.done)
		return reply_page_error(r, 410, "Lien déjà utilisé",
					"Cette demande a déjà été envoyée à l'ANCT : ce lien ne sert plus.");
	struct page p = { 0 };
	page_begin(&p, "Demande envoyée");
	page_raw(&p, "<h1>Demande envoyée</h1>\n<p class=\"ok\">Merci : votre demande d'habilitation "
		     "n° %lld est transmise à l'ANCT, qui vous répondra par courriel.</p>\n"
		     "<p>Vous pouvez fermer cette page.</p>\n", (long long)a.id);
	page_end(&p);
	return reply_page(r, 200, &p);
}
