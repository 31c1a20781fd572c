/* pages_usager.c — GET /usager: the login page, or, with a session, the
 * usager's space: every mandate signed in their name with any structure,
 * newest first, with its autorisations, its uses, its attestations and the
 * forms that revoke it.  Read in one read transaction, so the page is one
 * consistent picture. */
#include "routes.h"
#include "usager_space.h"
#include "frdate.h"
#include "html.h"
#include "txn.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A statement's rows as a JSON array of arrays; types gives each column's
 * kind: 'i' integer, 'n' integer or null, 't' text. */
static json_t *rows(store_stmt *st, const char *types)
{
	json_t *all = json_array();
	while (store_step(st) == STORE_ROW) {
		json_t *row = json_array();
		for (int i = 0; types[i]; i++)
			json_array_append_new(row, types[i] == 't' ? json_string(store_col_text(st, i))
					      : types[i] == 'n' && store_col_null(st, i) ? json_null()
					      : json_integer(store_col_int(st, i)));
		json_array_append_new(all, row);
	}
	return all;
}

#define COL_I(row, i) ((int64_t)json_integer_value(json_array_get(row, i)))
#define COL_T(row, i) json_string_value(json_array_get(row, i))
#define COL_NULL(row, i) json_is_null(json_array_get(row, i))

struct space {
	int64_t usager, revoked; /* revoked: the revocation just made, to confirm */
	char csrf[65];
	json_t *who, *mandates, *auts, *revs, *uses;
};

static int load_work(struct txn *t, void *arg)
{
	static const char qu[] = "SELECT given_name, family_name FROM usagers WHERE id = $1";
	static const char qm[] =
		"SELECT m.id, m.duration, m.created_at, m.expires_at, m.revoked_at, s.name, s.city"
		" FROM mandates m JOIN structures s ON s.id = m.structure_id WHERE m.usager_id = $1"
		" ORDER BY m.created_at DESC, m.id DESC";
	static const char qa[] =
		"SELECT a.mandate_id, a.demarche, a.revoked_at, a.revocation_id FROM autorisations a"
		" JOIN mandates m ON m.id = a.mandate_id WHERE m.usager_id = $1 ORDER BY a.id";
	static const char qr[] =
		"SELECT v.id, v.mandate_id, v.whole, v.revoked_at, v.reason FROM revocations v"
		" JOIN mandates m ON m.id = v.mandate_id WHERE m.usager_id = $1 ORDER BY v.id";
	static const char qo[] =
		"SELECT o.mandate_id, o.used_at, s.name, o.demarche, a.first_name FROM oidc_tokens o"
		" JOIN structures s ON s.id = o.structure_id JOIN accounts a ON a.id = o.account_id"
		" WHERE o.usager_id = $1 AND o.used_at IS NOT NULL ORDER BY o.used_at DESC, o.id DESC";
	struct space *s = arg;
	const char *q[] = { qu, qm, qa, qr, qo }, *types[] = { "tt", "itiintt", "itnn", "iiiit", "iittt" };
	json_t **out[] = { &s->who, &s->mandates, &s->auts, &s->revs, &s->uses };
	for (int i = 0; i < 5; i++) {
		store_stmt *st = store_prep(t->db, q[i]);
		store_bind_int(st, 1, s->usager);
		*out[i] = rows(st, types[i]);
	}
	return 0;
}

static void when(struct page *p, int64_t t)
{
	char d[48], h[24];
	page_raw(p, "%s à %s", fr_date((time_t)t, d, sizeof d), fr_time((time_t)t, h, sizeof h));
}

static const char *label(const char *code)
{
	const struct ac_demarche *d = ac_demarche_find(code);
	return d ? d->label : code;
}

static void autorisations(struct page *p, const struct space *s, int64_t mandate, const char *status)
{
	json_t *a;
	size_t i;
	char d[48];
	page_raw(p, "<h3>Démarches autorisées</h3>\n<ul class=\"auts\">\n");
	json_array_foreach(s->auts, i, a) {
		if (COL_I(a, 0) != mandate)
			continue;
		page_raw(p, "<li><strong>");
		page_text(p, label(COL_T(a, 1)));
		page_raw(p, "</strong> — ");
		if (!COL_NULL(a, 2))
			page_raw(p, "%s le %s", COL_NULL(a, 3) ? "remplacée par un nouveau mandat"
				 : "révoquée", fr_date((time_t)COL_I(a, 2), d, sizeof d));
		else
			page_raw(p, "%s", !strcmp(status, "expired") ? "expirée" : "active");
		page_raw(p, "</li>\n");
	}
	page_raw(p, "</ul>\n");
}

static void uses(struct page *p, const struct space *s, int64_t mandate)
{
	json_t *u;
	size_t i;
	int n = 0;
	page_raw(p, "<h3>Utilisations</h3>\n");
	json_array_foreach(s->uses, i, u) {
		if (COL_I(u, 0) != mandate)
			continue;
		if (!n++)
			page_raw(p, "<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">"
				    "Structure</th><th scope=\"col\">Démarche</th><th scope=\"col\">"
				    "Aidant</th></tr></thead>\n<tbody>\n");
		page_raw(p, "<tr><td>");
		when(p, COL_I(u, 1));
		page_raw(p, "</td><td>");
		page_text(p, COL_T(u, 2));
		page_raw(p, "</td><td>");
		page_text(p, label(COL_T(u, 3)));
		page_raw(p, "</td><td>");
		page_text(p, COL_T(u, 4));
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, n ? "</tbody>\n</table>\n" : "<p>Aucune utilisation de ce mandat.</p>\n");
}

static void papers(struct page *p, const struct space *s, int64_t mandate)
{
	json_t *v;
	size_t i;
	char d[48];
	page_raw(p, "<h3>Attestations</h3>\n<ul>\n<li><a href=\"/usager/mandates/%lld/attestation\">"
		    "Attestation du mandat (PDF)</a></li>\n", (long long)mandate);
	json_array_foreach(s->revs, i, v) {
		if (COL_I(v, 1) != mandate)
			continue;
		page_raw(p, "<li><a href=\"/usager/revocations/%lld/attestation\">Attestation de "
			    "révocation %s du %s (PDF)</a>%s</li>\n", (long long)COL_I(v, 0),
			 COL_I(v, 2) ? "du mandat" : "partielle", fr_date((time_t)COL_I(v, 3), d, sizeof d),
			 !strcmp(COL_T(v, 4), "structure_deactivated")
				 ? " : la structure a cessé d'être habilitée à Aidants Connect, ses mandats "
				   "ont pris fin avec son habilitation"
				 : "");
	}
	page_raw(p, "</ul>\n");
}

static void revoke_form(struct page *p, const struct space *s, int64_t mandate, const char *code)
{
	page_raw(p, "<form method=\"post\" action=\"/usager/revoke\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<input type=\"hidden\" name=\"mandate\" value=\"%lld\">\n", s->csrf, (long long)mandate);
	if (code) {
		page_raw(p, "<input type=\"hidden\" name=\"demarche\" value=\"%s\">\n"
			    "<button type=\"submit\" class=\"secondary\">Révoquer « ", code);
		page_text(p, label(code));
		page_raw(p, " »</button>\n</form>\n");
	} else {
		page_raw(p, "<button type=\"submit\" class=\"danger\">Révoquer tout le mandat</button>\n"
			    "</form>\n");
	}
}

static void revoke_forms(struct page *p, const struct space *s, int64_t mandate)
{
	json_t *a;
	size_t i;
	int active = 0;
	json_array_foreach(s->auts, i, a)
		active += COL_I(a, 0) == mandate && COL_NULL(a, 2);
	if (!active)
		return;
	page_raw(p, "<h3>Révoquer</h3>\n<p>La révocation prend effet immédiatement : les aidants de "
		    "la structure ne pourront plus faire ces démarches en votre nom.</p>\n"
		    "<div class=\"actions\">\n");
	if (active > 1)
		json_array_foreach(s->auts, i, a)
			if (COL_I(a, 0) == mandate && COL_NULL(a, 2))
				revoke_form(p, s, mandate, COL_T(a, 1));
	revoke_form(p, s, mandate, NULL);
	page_raw(p, "</div>\n");
}

static void mandate(struct page *p, const struct space *s, json_t *m, time_t now)
{
	static const char *const names[][2] = { { "active", "En cours" }, { "expired", "Expiré" },
						{ "revoked", "Révoqué" } };
	int64_t id = COL_I(m, 0), expires = COL_I(m, 3);
	int st = !COL_NULL(m, 4) ? 2 : expires <= now ? 1 : 0;
	char d[48];
	page_raw(p, "<section class=\"mandate\" aria-labelledby=\"m%lld\">\n<h2 id=\"m%lld\">",
		 (long long)id, (long long)id);
	page_text(p, COL_T(m, 5));
	page_raw(p, " <span class=\"city\">(");
	page_text(p, COL_T(m, 6));
	page_raw(p, ")</span></h2>\n<p class=\"status %s\">Mandat n° %lld : %s</p>\n<dl>\n"
		    "<dt>Signé le</dt><dd>", names[st][0], (long long)id, names[st][1]);
	when(p, COL_I(m, 2));
	page_raw(p, "</dd>\n<dt>Durée</dt><dd>%s</dd>\n<dt>%s le</dt><dd>",
		 !strcmp(COL_T(m, 1), "short") ? "24 heures" : ac_duration_label(COL_T(m, 1)),
		 expires <= now ? "A expiré" : "Expire");
	when(p, expires);
	page_raw(p, "</dd>\n");
	if (st == 2)
		page_raw(p, "<dt>Révoqué le</dt><dd>%s</dd>\n", fr_date((time_t)COL_I(m, 4), d, sizeof d));
	page_raw(p, "</dl>\n");
	autorisations(p, s, id, names[st][0]);
	uses(p, s, id);
	papers(p, s, id);
	if (st == 0)
		revoke_forms(p, s, id);
	page_raw(p, "</section>\n");
}

static void confirmation(struct page *p, const struct space *s)
{
	json_t *v;
	size_t i;
	json_array_foreach(s->revs, i, v)
		if (COL_I(v, 0) == s->revoked)
			page_raw(p, "<div class=\"ok\" role=\"status\"><p><strong>Révocation "
				    "enregistrée.</strong> Les aidants de la structure ne peuvent plus "
				    "faire %s.</p>\n<p><a href=\"/usager/revocations/%lld/"
				    "attestation\">Télécharger l'attestation de révocation (PDF)</a></p>"
				    "</div>\n", COL_I(v, 2) ? "de démarche en votre nom avec ce mandat"
				 : "cette démarche en votre nom",
				 (long long)s->revoked);
}

static int space(struct req *r, int64_t usager)
{
	struct space s = { .usager = usager };
	const char *rv = req_query(r, "revoked");
	s.revoked = rv ? ac_text_id(rv) : 0;
	usager_csrf(r, "space", s.csrf);
	if (txn_run(r, 0, load_work, &s) != 0)
		return r->status;
	struct page p = { 0 };
	json_t *m;
	size_t i;
	page_begin(&p, "Vos mandats");
	page_raw(&p, "<div class=\"who\"><p>Connecté(e) : <strong>");
	page_text(&p, COL_T(json_array_get(s.who, 0), 0));
	page_raw(&p, " ");
	page_text(&p, COL_T(json_array_get(s.who, 0), 1));
	page_raw(&p, "</strong></p>\n<form method=\"post\" action=\"/usager/logout\">\n"
		     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		     "<button type=\"submit\" class=\"secondary\">Se déconnecter</button>\n</form></div>\n"
		     "<h1>Vos mandats</h1>\n", s.csrf);
	confirmation(&p, &s);
	if (!json_array_size(s.mandates))
		page_raw(&p, "<p class=\"notice\">Aucun mandat n'a été signé à votre nom.</p>\n");
	else
		page_raw(&p, "<p>Voici tous les mandats signés en votre nom, du plus récent au plus "
			     "ancien, avec chacune de leurs utilisations.</p>\n");
	json_array_foreach(s.mandates, i, m)
		mandate(&p, &s, m, r->now);
	page_raw(&p, "<h2>Vos données</h2>\n<p><a href=\"/usager/export\">Télécharger toutes les "
		     "données vous concernant (fichier JSON)</a></p>\n");
	page_end(&p);
	json_decref(s.who);
	json_decref(s.mandates);
	json_decref(s.auts);
	json_decref(s.revs);
	json_decref(s.uses);
	/* a shared computer's back button must not show someone's mandates */
	reply_header(r, "Cache-Control", "no-store");
	return reply_page(r, 200, &p);
}

int page_usager(struct req *r)
{
	int stale;
	int64_t usager = usager_session(r, &stale);
	if (usager)
		return space(r, usager);
	const char *out = req_query(r, "logout");
	return usager_login_page(r, 200, out ? "Vous êtes déconnecté(e)."
					 : stale ? "Votre session a pris fin : identifiez-vous à nouveau."
					 : NULL);
}
