/* oidc_pages.c — the provider's pages, in French, without JavaScript: the
 * aidant's login, then the choice of the structure, the usager and the
 * démarche.  Every form posts to /oidc/step with the request's handle and its
 * anti-forgery field; oidc_step.c decides what a posted choice may be. */
#include "oidc.h"
#include "demarches.h"
#include "frdate.h"
#include "html.h"
#include "ac.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SHOWN_MAX 50 /* usagers listed at once: beyond, a search narrows them */

static void form_begin(struct req *r, struct page *p, const struct oidc_request *q)
{
	page_allow_form_target(r, q->redirect_uri);
	page_raw(p, "<form method=\"post\" action=\"/oidc/step\">\n"
		    "<input type=\"hidden\" name=\"request\" value=\"%s\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", q->handle, q->csrf);
}

static void intro(struct page *p, const struct oidc_request *q)
{
	page_raw(p, "<p class=\"notice\">Le service en ligne <strong>");
	page_text(p, q->client_name);
	page_raw(p, "</strong> demande qu'un aidant habilité agisse au nom d'un usager, dans le cadre "
		    "d'un mandat Aidants Connect.</p>\n");
}

static void cancel_button(struct page *p)
{
	page_raw(p, "<p class=\"cancel\"><button type=\"submit\" name=\"cancel\" value=\"1\" "
		    "class=\"secondary\">Annuler et revenir au service</button></p>\n");
}

static void error_note(struct page *p, const char *error)
{
	if (!error)
		return;
	page_raw(p, "<p class=\"error\" role=\"alert\">");
	page_text(p, error);
	page_raw(p, "</p>\n");
}

int oidc_page_login(struct req *r, const struct oidc_request *q, int status, const char *error)
{
	struct page p = { 0 };
	page_begin(&p, "Connexion de l'aidant");
	page_raw(&p, "<h1>Connexion de l'aidant</h1>\n");
	intro(&p, q);
	error_note(&p, error);
	form_begin(r, &p, q);
	page_raw(&p, "<p><label for=\"email\">Adresse électronique professionnelle</label>\n"
		     "<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"username\" "
		     "required maxlength=\"254\"></p>\n"
		     "<p><label for=\"code\">Code à usage unique de votre carte</label>\n"
		     "<input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" "
		     "autocomplete=\"one-time-code\" pattern=\"[0-9]{6}([0-9]{2})?\" required "
		     "maxlength=\"8\" aria-describedby=\"code-help\">\n"
		     "<span id=\"code-help\" class=\"help\">Les 6 chiffres affichés par votre carte "
		     "Aidants Connect ou votre application.</span></p>\n"
		     "<p><button type=\"submit\">Se connecter</button></p>\n</form>\n");
	page_end(&p);
	return reply_page(r, status, &p);
}

static int page_structures(struct req *r, const struct oidc_request *q)
{
	static const char sq[] = "SELECT name, city FROM structures WHERE id = $1";
	int64_t ids[64];
	int n = oidc_aidant_structures(r->db, q->account, ids, 64);
	struct page p = { 0 };
	page_begin(&p, "Choisissez la structure");
	page_raw(&p, "<h1>Choisissez la structure</h1>\n");
	intro(&p, q);
	page_raw(&p, "<p>Vous êtes aidant de plusieurs structures : pour laquelle agissez-vous ?</p>\n");
	form_begin(r, &p, q);
	page_raw(&p, "<ul class=\"choices\">\n");
	for (int i = 0; i < n; i++) {
		store_stmt *st = store_prep(r->db, sq);
		store_bind_int(st, 1, ids[i]);
		if (store_step(st) != STORE_ROW)
			continue;
		page_raw(&p, "<li><button type=\"submit\" name=\"structure\" value=\"%lld\">",
			 (long long)ids[i]);
		page_text(&p, store_col_text(st, 0));
		page_raw(&p, " <span class=\"examples\">");
		page_text(&p, store_col_text(st, 1));
		page_raw(&p, "</span></button></li>\n");
	}
	page_raw(&p, "</ul>\n");
	cancel_button(&p);
	page_raw(&p, "</form>\n");
	page_end(&p);
	return reply_page(r, 200, &p);
}

struct listing {
	struct page *p;
	const char *search;
	int shown, matched;
};

static int name_matches(const char *search, const char *given, const char *family)
{
	return !search || !*search || strcasestr(given, search) || strcasestr(family, search);
}

static void one_usager(void *arg, int64_t id, const char *given, const char *family,
		       const char *birthdate)
{
	struct listing *l = arg;
	if (!name_matches(l->search, given, family))
		return;
	l->matched++;
	if (l->shown == SHOWN_MAX)
		return;
	l->shown++;
	char day[16] = "";
	int y, m, d;
	if (sscanf(birthdate, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(day, sizeof day, "%02d/%02d/%04d", d, m, y);
	page_raw(l->p, "<li><button type=\"submit\" name=\"usager\" value=\"%lld\">", (long long)id);
	page_text(l->p, given);
	page_raw(l->p, " ");
	page_text(l->p, family);
	page_raw(l->p, ", né(e) le ");
	page_text(l->p, day);
	page_raw(l->p, "</button></li>\n");
}

static int page_usagers(struct req *r, const struct oidc_request *q, const char *search)
{
	struct page p = { 0 };
	page_begin(&p, "Choisissez l'usager");
	page_raw(&p, "<h1>Choisissez l'usager</h1>\n");
	intro(&p, q);
	form_begin(r, &p, q);
	page_raw(&p, "<p><label for=\"q\">Rechercher par nom ou prénom</label>\n"
		     "<input type=\"search\" id=\"q\" name=\"q\" maxlength=\"100\" value=\"");
	page_text(&p, search ? search : "");
	page_raw(&p, "\">\n<button type=\"submit\" name=\"search\" value=\"1\">Rechercher</button></p>\n"
		     "<ul class=\"choices\">\n");
	struct listing l = { .p = &p, .search = search };
	int all = oidc_usagers(r->db, q, r->now, 0, one_usager, &l);
	page_raw(&p, "</ul>\n");
	if (!all)
		page_raw(&p, "<p class=\"warning\">Aucun usager n'a de mandat actif avec cette structure%s. "
			     "Un mandat se signe avec l'usager, dans votre espace aidant.</p>\n",
			 *q->rep_scope ? " pour les démarches de ce service" : "");
	else if (!l.matched)
		page_raw(&p, "<p class=\"warning\">Aucun usager ne correspond à cette recherche.</p>\n");
	else if (l.matched > l.shown)
		page_raw(&p, "<p class=\"notice\">%d usagers correspondent : les %d premiers sont affichés. "
			     "Précisez la recherche.</p>\n", l.matched, l.shown);
	cancel_button(&p);
	page_raw(&p, "</form>\n");
	page_end(&p);
	return reply_page(r, 200, &p);
}

static int page_demarches(struct req *r, const struct oidc_request *q)
{
	static const char uq[] = "SELECT given_name, family_name FROM usagers WHERE id = $1";
	char codes[128];
	oidc_demarches(r->db, q, r->now, codes);
	struct page p = { 0 };
	page_begin(&p, "Choisissez la démarche");
	page_raw(&p, "<h1>Choisissez la démarche</h1>\n");
	store_stmt *st = store_prep(r->db, uq);
	store_bind_int(st, 1, q->usager);
	if (store_step(st) == STORE_ROW) {
		page_raw(&p, "<p>Pour <strong>");
		page_text(&p, store_col_text(st, 0));
		page_raw(&p, " ");
		page_text(&p, store_col_text(st, 1));
		page_raw(&p, "</strong>, le mandat vous autorise les démarches suivantes :</p>\n");
	}
	form_begin(r, &p, q);
	page_raw(&p, "<ul class=\"choices\">\n");
	json_t *list = demarches_json(codes), *c;
	size_t i;
	json_array_foreach(list, i, c) {
		const struct ac_demarche *d = ac_demarche_find(json_string_value(c));
		page_raw(&p, "<li><button type=\"submit\" name=\"demarche\" value=\"%s\">", d->code);
		page_text(&p, d->label);
		page_raw(&p, "<span class=\"examples\">");
		page_text(&p, d->examples);
		page_raw(&p, "</span></button></li>\n");
	}
	json_decref(list);
	page_raw(&p, "</ul>\n");
	if (!*codes)
		page_raw(&p, "<p class=\"warning\">Le mandat de cet usager n'est plus actif pour les "
			     "démarches de ce service.</p>\n");
	if (demarches_has(codes, "argent"))
		page_raw(&p, "<p class=\"warning\">Argent – Impôts – Consommation : vous ne pouvez pas "
			     "constituer ni déposer un dossier de surendettement auprès de la Banque de "
			     "France au nom de l'usager. Orientez-le vers une structure spécialisée ou vers "
			     "la Banque de France.</p>\n");
	cancel_button(&p);
	page_raw(&p, "</form>\n");
	page_end(&p);
	return reply_page(r, 200, &p);
}

int oidc_page_step(struct req *r, const struct oidc_request *q, const char *search)
{
	if (!strcmp(q->step, "structure"))
		return page_structures(r, q);
	if (!strcmp(q->step, "usager"))
		return page_usagers(r, q, search);
	if (!strcmp(q->step, "demarche"))
		return page_demarches(r, q);
	return oidc_page_login(r, q, 200, NULL);
}
