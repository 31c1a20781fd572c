/* pages_sign.c — the usager's side of a signature, in the browser:
 *   GET  /sign/TOKEN     the draft, and a button to FranceConnect
 *   POST /sign/TOKEN     (CSRF-checked) off to FranceConnect with state + nonce
 *   GET  /fc/callback    back from FranceConnect: the usager is identified
 *                        (or, for a state of the usager's space, usager_login.c)
 * The state is single-use and bound to the browser that started the round
 * trip (a cookie), so a link forwarded mid-way or a forged callback fails. */
#include "routes.h"
#include "crypto.h"
#include "draft.h"
#include "html.h"
#include "usager_space.h"
#include "waiters.h"
#include "ac.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A draft that can still be signed from its link, or an error page. */
static int usable(struct req *r, struct draft *d)
{
	int found = hex_ok(r->arg, 64) ? draft_by_token(r->db, r->arg, d) : 0;
	if (found < 0)
		return reply_page_error(r, 503, "Service indisponible",
					"Le service est momentanément indisponible : réessayez dans un instant.");
	if (!found)
		return reply_page_error(r, 404, "Lien inconnu",
					"Ce lien de signature n'existe pas. Vérifiez qu'il a été recopié en entier, "
					"ou demandez un nouveau lien à votre aidant.");
	const char *st = draft_state(d, r->now);
	if (!strcmp(st, "identified") || !strcmp(st, "used") || !strcmp(st, "other_usager"))
		return reply_page_error(r, 410, "Lien déjà utilisé",
					"Ce lien de signature a déjà servi : il ne peut être utilisé qu'une fois. "
					"Si vous n'êtes pas à l'origine de cette signature, prévenez l'aidant.");
	if (!strcmp(st, "expired"))
		return reply_page_error(r, 410, "Lien expiré",
					"Ce lien de signature n'est valable que 10 minutes et il a expiré. "
					"Demandez à votre aidant de recommencer : un nouveau lien vous sera donné.");
	return 0;
}

/* error: the form came back without the consent ticked */
static void draft_body(struct req *r, struct page *p, const struct draft *d, const char *csrf,
		       int error)
{
	static const char q[] = "SELECT s.name, s.address, s.zipcode, s.city, a.first_name, a.last_name"
				" FROM structures s, accounts a WHERE s.id = $1 AND a.id = $2";
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, d->structure);
	store_bind_int(st, 2, d->account);
	store_step(st);
	page_raw(p, "<p class=\"draft\">Projet de mandat, sans valeur juridique</p>\n"
		    "<h1>Signature d'un mandat</h1>\n<p>Vous allez autoriser la structure</p>\n<p><strong>");
	page_text(p, store_col_text(st, 0));
	page_raw(p, "</strong><br>");
	page_text(p, store_col_text(st, 1));
	page_raw(p, " ");
	page_text(p, store_col_text(st, 2));
	page_raw(p, " ");
	page_text(p, store_col_text(st, 3));
	page_raw(p, "</p>\n<p>et ses aidants professionnels habilités, dont ");
	page_text(p, store_col_text(st, 4));
	page_raw(p, " ");
	page_text(p, store_col_text(st, 5));
	page_raw(p, d->remote ? " qui vous propose ce mandat, à réaliser en votre nom les démarches "
			       "en ligne suivantes :</p>\n<ul class=\"demarches\">\n"
			     : " qui vous accompagne, à réaliser en votre nom les démarches en ligne "
			       "suivantes :</p>\n<ul class=\"demarches\">\n");
	json_t *codes = demarches_json(d->demarches), *c;
	size_t i;
	json_array_foreach(codes, i, c) {
		const struct ac_demarche *dm = ac_demarche_find(json_string_value(c));
		page_raw(p, "<li><strong>");
		page_text(p, dm->label);
		page_raw(p, "</strong><span class=\"examples\">");
		page_text(p, dm->examples);
		page_raw(p, "</span></li>\n");
	}
	json_decref(codes);
	page_raw(p, "</ul>\n<p>Durée du mandat : <strong>%s</strong> à compter de la signature.</p>\n",
		 !strcmp(d->duration, "short") ? "24 heures" : ac_duration_label(d->duration));
	if (demarches_has(d->demarches, "argent"))
		page_raw(p, "<p class=\"warning\">Démarches d'argent : un aidant ne peut pas remplir "
			    "à votre place un dossier de surendettement auprès de la Banque de France ; "
			    "il peut vous orienter vers une structure spécialisée.</p>\n");
	page_raw(p, "<h2>Ce que vous autorisez</h2>\n<ul>\n"
		    "<li>Les aidants de la structure pourront se connecter en votre nom, avec votre "
		    "identité FranceConnect, pour ces démarches seulement et pendant cette durée.</li>\n"
		    "<li>Chaque utilisation du mandat est enregistrée ; vous pouvez la consulter.</li>\n"
		    "</ul>\n<h2>Ce qui vous est garanti</h2>\n<ul>\n"
		    "<li>Vous pouvez révoquer le mandat à tout moment, en totalité ou pour une partie "
		    "des démarches.</li>\n"
		    "<li>Vos mots de passe ne sont ni demandés ni conservés : vous vous identifiez "
		    "vous-même avec FranceConnect.</li>\n"
		    "<li>Les aidants sont tenus au secret professionnel et n'agissent que pour les "
		    "démarches choisies.</li>\n</ul>\n"
		    "<p class=\"notice\">%s</p>\n"
		    "<form method=\"post\" action=\"/sign/%s\">\n"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		    "<p class=\"consent\"><input type=\"checkbox\" name=\"consent\" value=\"1\" "
		    "id=\"consent\" required%s> <label for=\"consent\">J'accepte ce mandat et je "
		    "m'engage à donner des informations exactes pour mes démarches.</label></p>\n"
		    "%s%s"
		    "<button type=\"submit\">S'identifier avec FranceConnect</button>\n</form>\n",
		 d->remote ? "Vous signez à distance. Pour signer, cochez la case ci-dessous puis "
			     "identifiez-vous avec FranceConnect ; votre aidant finalisera ensuite le "
			     "mandat, et son attestation vous sera envoyée par courriel."
			   : "Pour signer, cochez la case ci-dessous puis identifiez-vous avec "
			     "FranceConnect. Votre aidant vous remettra ensuite une attestation papier "
			     "du mandat (si vous signez seul·e, cochez aussi la seconde case).",
		 r->arg, csrf, error ? " aria-describedby=\"consent-error\"" : "",
		 error ? "<p class=\"error\" id=\"consent-error\" role=\"alert\">Cochez la case pour "
			 "accepter le mandat : il ne peut pas être signé sans votre accord.</p>\n" : "",
		 /* opened on the usager's own device, nobody beside them: they say so,
		  * and the attestation goes to them by mail */
		 d->remote ? ""
			   : "<p class=\"alone\"><input type=\"checkbox\" name=\"alone\" value=\"1\" "
			     "id=\"alone\"> <label for=\"alone\">Je signe seul·e, sur mon propre appareil : "
			     "aucun aidant n'est à côté de moi. L'attestation du mandat me sera envoyée "
			     "par courriel, à l'adresse que connaît FranceConnect.</label></p>\n");
}

int page_sign_show(struct req *r)
{
	struct draft d;
	if (usable(r, &d))
		return r->status;
	char browser[33], csrf[65];
	page_browser_id(r, browser);
	page_csrf(browser, r->arg, csrf);
	struct page p = { 0 };
	page_begin(&p, "Projet de mandat");
	draft_body(r, &p, &d, csrf, 0);
	page_end(&p);
	return reply_page(r, 200, &p);
}

struct start {
	int64_t draft, structure;
	int consented; /* already, on an earlier visit */
	int alone;     /* the usager says no aidant is beside them */
	struct fc_trip trip;
};

/* The usager's word that they sign alone: the draft becomes remote, once. */
static int alone_work(struct txn *t, struct start *s)
{
	static const char up[] = "UPDATE mandate_drafts SET remote = 1 WHERE id = $1 AND remote = 0";
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, s->draft);
	if (store_exec(st) != STORE_DONE)
		return -1;
	char subject[32];
	snprintf(subject, sizeof subject, "draft:%lld", (long long)s->draft);
	return store_changes(t->db) == 0 ? 0 : journal_append(t, "usager_alone", s->structure,
							       subject, NULL);
}

static int start_work(struct txn *t, void *arg)
{
	static const char up[] = "UPDATE mandate_drafts SET fc_state_hash = $1, nonce_hash = $2,"
				 " browser_hash = $3 WHERE id = $4 AND state = 'pending'";
	struct start *s = arg;
	store_stmt *st = store_prep(t->db, up);
	store_bind_blob(st, 1, s->trip.state_hash, 32);
	store_bind_blob(st, 2, s->trip.nonce_hash, 32);
	store_bind_blob(st, 3, s->trip.browser_hash, 32);
	store_bind_int(st, 4, s->draft);
	if (store_exec(st) != STORE_DONE || (s->alone && alone_work(t, s)))
		return -1;
	if (s->consented)
		return 0;
	/* the usager's own consent, before FranceConnect: journaled once */
	static const char yes[] = "UPDATE mandate_drafts SET usager_consent_at = $1 WHERE id = $2"
				  " AND usager_consent_at IS NULL";
	st = store_prep(t->db, yes);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, s->draft);
	char subject[32];
	snprintf(subject, sizeof subject, "draft:%lld", (long long)s->draft);
	return store_exec(st) == STORE_DONE && (store_changes(t->db) == 0 ||
						journal_append(t, "usager_consent", s->structure, subject,
							       NULL) == 0) ? 0 : -1;
}

int page_sign_start(struct req *r)
{
	struct draft d;
	if (usable(r, &d))
		return r->status;
	char browser[33];
	if (!page_csrf_ok(r, r->arg, browser))
		return reply_page_error(r, 403, "Demande refusée",
					"Cette demande ne vient pas de la page de signature. Rouvrez le lien "
					"de signature et utilisez le bouton de la page.");
	char consent[8] = "";
	if (form_field(r->body ? r->body : "", "consent", consent, sizeof consent) || strcmp(consent, "1")) {
		char csrf[65];
		page_csrf(browser, r->arg, csrf);
		struct page p = { 0 };
		page_begin(&p, "Projet de mandat");
		draft_body(r, &p, &d, csrf, 1);
		page_end(&p);
		return reply_page(r, 400, &p);
	}
	char alone[8] = "";
	struct start s = { .draft = d.id, .structure = d.structure,
			   .consented = d.usager_consent_at != 0,
			   .alone = !form_field(r->body ? r->body : "", "alone", alone, sizeof alone) &&
				    !strcmp(alone, "1") };
	return fc_depart(r, browser, &s.trip, start_work, &s);
}

struct identified {
	int64_t draft;
	struct fc_identity who;
	int64_t usager;
	int late;
	int other;     /* a renewal, and FranceConnect named someone else */
};

/* A renewal at a distance renews one usager's mandate: FranceConnect must
 * name that usager (their sub's keyed hash).  1 when it named another. */
static int other_usager(struct txn *t, const struct draft *d, const struct fc_identity *who)
{
	static const char q[] = "SELECT u.sub_hash FROM mandates m JOIN usagers u ON u.id = m.usager_id"
				" WHERE m.id = $1";
	uint8_t h[32];
	size_t n = 0;
	crypto_keyed_hash("fc-sub", who->sub, strlen(who->sub), h);
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, d->renewal_of);
	const uint8_t *known = store_step(st) == STORE_ROW ? store_col_blob(st, 0, &n) : NULL;
	return !known || n != 32 || sodium_memcmp(known, h, 32) != 0;
}

/* Nothing of the person is kept: the draft ends, the journal says why. */
static int other_work(struct txn *t, struct identified *x, const struct draft *d)
{
	static const char up[] = "UPDATE mandate_drafts SET state = 'other_usager' WHERE id = $1"
				 " AND state = 'pending'";
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, x->draft);
	if (store_exec(st) != STORE_DONE)
		return -1;
	x->other = 1;
	char subject[32];
	snprintf(subject, sizeof subject, "draft:%lld", (long long)x->draft);
	return journal_append(t, "renewal_other_usager", d->structure, subject,
			      json_pack("{s:I}", "renewal_of", (json_int_t)d->renewal_of));
}

static int identified_work(struct txn *t, void *arg)
{
	static const char up[] = "UPDATE mandate_drafts SET state = 'identified', usager_id = $1,"
				 " identified_at = $2, expires_at = $3 WHERE id = $4"
				 " AND state = 'pending' AND expires_at > $2";
	struct identified *x = arg;
	struct draft d;
	if (draft_load(t->db, x->draft, &d) != 1)
		return -1;
	t->actor = "franceconnect";
	if (d.renewal_of && other_usager(t, &d, &x->who))
		return other_work(t, x, &d);
	if (usager_upsert(t, &x->who, &x->usager))
		return -1;
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, x->usager);
	store_bind_int(st, 2, t->now);
	store_bind_int(st, 3, t->now + DRAFT_TTL);
	store_bind_int(st, 4, x->draft);
	if (store_exec(st) != STORE_DONE)
		return -1;
	if (store_changes(t->db) != 1) {
		x->late = 1; /* expired while FranceConnect answered: nothing recorded */
		return -1;
	}
	if (store_notify(t->db, WAITERS_CHANNEL) != STORE_DONE) /* the other acd's long polls */
		return -1;
	char subject[32];
	snprintf(subject, sizeof subject, "usager:%lld", (long long)x->usager);
	return journal_append(t, "usager_identified", d.structure, subject,
			      json_pack("{s:I}", "draft", (json_int_t)x->draft));
}

/* Takes the state off the draft (single use) when the browser is the one
 * that started; the draft and its nonce hash, or 0. */
struct consumed {
	uint8_t state_hash[32], browser_hash[32];
	int64_t draft;
	uint8_t nonce_hash[32];
	int wrong_browser;
};

static int consume_work(struct txn *t, void *arg)
{
	static const char q[] = "SELECT id, nonce_hash, browser_hash FROM mandate_drafts"
				" WHERE fc_state_hash = $1 AND state = 'pending' AND expires_at > $2";
	static const char clear[] = "UPDATE mandate_drafts SET fc_state_hash = NULL WHERE id = $1";
	struct consumed *c = arg;
	store_stmt *st = store_prep(t->db, q);
	store_bind_blob(st, 1, c->state_hash, 32);
	store_bind_int(st, 2, t->now);
	if (store_step(st) != STORE_ROW)
		return 0;
	size_t n1, n2;
	const void *nh = store_col_blob(st, 1, &n1), *bh = store_col_blob(st, 2, &n2);
	if (n1 != 32 || n2 != 32 || sodium_memcmp(bh, c->browser_hash, 32)) {
		c->wrong_browser = 1;
		return 0;
	}
	c->draft = store_col_int(st, 0);
	memcpy(c->nonce_hash, nh, 32);
	st = store_prep(t->db, clear);
	store_bind_int(st, 1, c->draft);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int page_fc_callback(struct req *r)
{
	const char *state = req_query(r, "state");
	char browser[33] = "";
	struct consumed c = { 0 };
	if (!state || !hex_ok(state, 64) || req_cookie(r, PAGE_BROWSER_COOKIE, browser, sizeof browser))
		return reply_page_error(r, 400, "Demande non reconnue",
					"Cette réponse de FranceConnect ne correspond à aucune signature en "
					"cours dans ce navigateur. Rouvrez le lien de signature pour recommencer.");
	crypto_token_hash(state, c.state_hash);
	crypto_token_hash(browser, c.browser_hash);
	if (txn_run(r, 1, consume_work, &c) != 0)
		return r->status;
	/* no signature's: perhaps an usager logging into their space */
	if (!c.draft && !c.wrong_browser) {
		int rc = usager_fc_callback(r, c.state_hash, c.browser_hash);
		if (rc)
			return rc;
	}
	if (!c.draft)
		return reply_page_error(r, 400, "Demande non reconnue",
					c.wrong_browser
						? "Cette signature a été commencée dans un autre navigateur : "
						  "terminez-la dans celui-ci en rouvrant le lien de signature."
						: "Cette réponse de FranceConnect ne correspond à aucune signature en "
						  "cours (elle a déjà servi ou le lien a expiré). Rouvrez le lien de "
						  "signature pour recommencer.");
	struct identified x = { .draft = c.draft };
	if (fc_return(r, c.nonce_hash, "Rouvrez le lien de signature pour recommencer.", &x.who))
		return r->status;
	int rc = txn_run(r, 1, identified_work, &x);
	sodium_memzero(&x.who, sizeof x.who);
	if (rc != 0 && x.late)
		return reply_page_error(r, 410, "Lien expiré",
					"Le délai de 10 minutes est dépassé : demandez à votre aidant de "
					"recommencer.");
	if (rc != 0)
		return r->status ? r->status
				 : reply_page_error(r, 500, "Erreur", "L'identification n'a pas pu être enregistrée.");
	waiters_wake();
	if (x.other)
		return reply_page_error(r, 409, "Identité différente",
					"FranceConnect vous a identifié·e comme une autre personne que celle "
					"dont le mandat est renouvelé : le mandat n'est pas renouvelé et rien "
					"de vous n'est conservé. Prévenez votre aidant.");
	struct page p = { 0 };
	page_begin(&p, "Identité vérifiée");
	struct draft d;
	int remote = draft_load(r->db, c.draft, &d) == 1 && d.remote;
	page_raw(&p, "<h1>Identité vérifiée</h1>\n<p class=\"ok\">Merci. FranceConnect a confirmé votre "
		     "identité. %s</p>\n<p>Vous pouvez fermer cette page.</p>\n",
		 remote ? "Votre aidant va maintenant finaliser le mandat ; son attestation vous "
			  "sera envoyée par courriel."
			: "Retournez auprès de votre aidant : il va finaliser le mandat et vous "
			  "remettre l'attestation à signer.");
	page_end(&p);
	return reply_page(r, 200, &p);
}
