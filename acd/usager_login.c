/* usager_login.c — the usager's session in their space:
 *   POST /usager/login   (CSRF-checked) off to FranceConnect with state + nonce
 *   GET  /fc/callback    (through pages_sign.c) back: a session, or "Aucun mandat"
 *   POST /usager/logout  the session ends
 * Only an usager acd already knows (one who signed a mandate) gets a
 * session: FranceConnect vouches for anyone, but nothing is stored about a
 * person who has no mandate.  The session token lives in an HttpOnly cookie
 * scoped to /usager and is stored only as its hash. */
#include "routes.h"
#include "usager_space.h"
#include "crypto.h"
#include "fc.h"
#include "html.h"
#include "server.h"
#include "txn.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char unavailable[] =
	"Le service est momentanément indisponible : réessayez dans un instant.";

int64_t usager_session(struct req *r, int *stale)
{
	static const char q[] = "SELECT usager_id FROM usager_sessions"
				" WHERE token_hash = $1 AND expires_at > $2";
	char token[TOKEN_HEX];
	*stale = 0;
	if (req_cookie(r, USAGER_COOKIE, token, sizeof token))
		return 0;
	*stale = 1;
	if (!hex_ok(token, 64))
		return 0;
	uint8_t h[32];
	crypto_token_hash(token, h);
	sodium_memzero(token, sizeof token);
	store_stmt *st = store_prep(r->db, q);
	store_bind_blob(st, 1, h, sizeof h);
	store_bind_int(st, 2, r->now);
	int64_t id = store_int_or(st, 0);
	if (id)
		*stale = 0;
	return id;
}

void usager_csrf(struct req *r, const char *what, char out[65])
{
	char browser[33], target[40];
	page_browser_id(r, browser);
	snprintf(target, sizeof target, "usager/%s", what);
	page_csrf(browser, target, out);
}

int usager_csrf_ok(struct req *r, const char *what, char browser[33])
{
	char target[40];
	snprintf(target, sizeof target, "usager/%s", what);
	return page_csrf_ok(r, target, browser);
}

int usager_back(struct req *r, const char *query)
{
	char where[80];
	snprintf(where, sizeof where, "/usager%s%s", query ? "?" : "", query ? query : "");
	reply_header(r, "Location", where);
	struct page p = { 0 };
	page_begin(&p, "Votre espace");
	page_raw(&p, "<h1>Votre espace</h1>\n<p><a href=\"%s\">Continuer</a></p>\n", where);
	page_end(&p);
	return reply_page(r, 303, &p);
}

int usager_login_page(struct req *r, int status, const char *note)
{
	char csrf[65];
	usager_csrf(r, "login", csrf);
	struct page p = { 0 };
	page_begin(&p, "Votre espace usager");
	page_raw(&p, "<h1>Votre espace</h1>\n");
	if (note) {
		page_raw(&p, "<p class=\"notice\">");
		page_text(&p, note);
		page_raw(&p, "</p>\n");
	}
	page_raw(&p, "<p>Un mandat autorise les aidants professionnels d'une structure "
		     "(CCAS, France services, association…) à faire des démarches en ligne en votre "
		     "nom. Ici, vous pouvez :</p>\n<ul>\n"
		     "<li>voir tous les mandats signés en votre nom, en cours ou terminés ;</li>\n"
		     "<li>voir chaque utilisation de vos mandats : quand, par quelle structure, pour "
		     "quelle démarche ;</li>\n"
		     "<li>télécharger vos attestations ;</li>\n"
		     "<li>révoquer un mandat, en totalité ou pour une démarche.</li>\n</ul>\n"
		     "<p>Pour y accéder, identifiez-vous avec FranceConnect, comme lors de la signature "
		     "de votre mandat.</p>\n"
		     "<form method=\"post\" action=\"/usager/login\">\n"
		     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
		     "<button type=\"submit\">S'identifier avec FranceConnect</button>\n</form>\n",
		 csrf);
	page_end(&p);
	return reply_page(r, status, &p);
}

struct start {
	struct fc_trip trip;
};

static int start_work(struct txn *t, void *arg)
{
	static const char gc[] = "DELETE FROM usager_logins WHERE expires_at <= $1";
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM usager_logins";
	static const char ins[] = "INSERT INTO usager_logins (id, state_hash, nonce_hash, browser_hash,"
				  " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
	struct start *s = arg;
	store_stmt *st = store_prep(t->db, gc);
	store_bind_int(st, 1, t->now);
	if (store_exec(st) != STORE_DONE)
		return -1;
	int64_t id = store_int_or(store_prep(t->db, next), 1);
	st = store_prep(t->db, ins);
	store_bind_int(st, 1, id);
	store_bind_blob(st, 2, s->trip.state_hash, 32);
	store_bind_blob(st, 3, s->trip.nonce_hash, 32);
	store_bind_blob(st, 4, s->trip.browser_hash, 32);
	store_bind_int(st, 5, t->now);
	store_bind_int(st, 6, t->now + USAGER_LOGIN_TTL);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int page_usager_login(struct req *r)
{
	char browser[33];
	if (!usager_csrf_ok(r, "login", browser))
		return reply_page_error(r, 403, "Demande refusée",
					"Cette demande ne vient pas de la page de votre espace. Rouvrez "
					"la page de votre espace et utilisez son bouton.");
	struct start s;
	return fc_depart(r, browser, &s.trip, start_work, &s);
}

/* Takes the login off the table (single use) when the browser is the one
 * that started it. */
struct consumed {
	const uint8_t *state_hash, *browser_hash;
	int found, wrong_browser, late;
	uint8_t nonce_hash[32];
};

static int consume_work(struct txn *t, void *arg)
{
	static const char q[] = "SELECT id, nonce_hash, browser_hash, expires_at FROM usager_logins"
				" WHERE state_hash = $1";
	static const char del[] = "DELETE FROM usager_logins WHERE id = $1";
	struct consumed *c = arg;
	store_stmt *st = store_prep(t->db, q);
	store_bind_blob(st, 1, c->state_hash, 32);
	if (store_step(st) != STORE_ROW)
		return 0;
	c->found = 1;
	size_t n1, n2;
	const void *nh = store_col_blob(st, 1, &n1), *bh = store_col_blob(st, 2, &n2);
	if (n1 != 32 || n2 != 32 || sodium_memcmp(bh, c->browser_hash, 32)) {
		c->wrong_browser = 1;
		return 0;
	}
	int64_t id = store_col_int(st, 0);
	c->late = store_col_int(st, 3) <= t->now;
	memcpy(c->nonce_hash, nh, 32);
	st = store_prep(t->db, del);
	store_bind_int(st, 1, id);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

struct opened {
	uint8_t sub_hash[32], token_hash[32];
	int64_t usager;
	char actor[32];
};

/* The session, for an usager acd knows; nothing at all for another. */
static int open_work(struct txn *t, void *arg)
{
	static const char find[] = "SELECT id FROM usagers WHERE sub_hash = $1";
	static const char gc[] = "DELETE FROM usager_sessions WHERE expires_at <= $1";
	static const char ins[] = "INSERT INTO usager_sessions (token_hash, usager_id, created_at,"
				  " expires_at) VALUES ($1, $2, $3, $4)";
	struct opened *o = arg;
	store_stmt *st = store_prep(t->db, find);
	store_bind_blob(st, 1, o->sub_hash, 32);
	o->usager = store_int_or(st, 0);
	if (!o->usager)
		return 0;
	st = store_prep(t->db, gc);
	store_bind_int(st, 1, t->now);
	if (store_exec(st) != STORE_DONE)
		return -1;
	st = store_prep(t->db, ins);
	store_bind_blob(st, 1, o->token_hash, 32);
	store_bind_int(st, 2, o->usager);
	store_bind_int(st, 3, t->now);
	store_bind_int(st, 4, t->now + USAGER_SESSION_TTL);
	if (store_exec(st) != STORE_DONE)
		return -1;
	snprintf(o->actor, sizeof o->actor, "usager:%lld", (long long)o->usager);
	t->actor = o->actor;
	return journal_append(t, "usager_login", 0, o->actor,
			      json_pack("{s:s}", "via", "franceconnect"));
}

static int no_mandate(struct req *r)
{
	struct page p = { 0 };
	page_begin(&p, "Aucun mandat");
	page_raw(&p, "<h1>Aucun mandat</h1>\n<p class=\"notice\">FranceConnect a bien confirmé votre "
		     "identité, mais aucun mandat Aidants Connect n'a été signé à votre nom.</p>\n"
		     "<p>Rien n'a été enregistré à votre sujet. Si vous pensiez avoir signé un mandat, "
		     "vérifiez que vous vous êtes identifié(e) avec le même compte FranceConnect que "
		     "lors de la signature, ou adressez-vous à la structure qui vous accompagne.</p>\n"
		     "<p><a href=\"/usager\">Retour à l'accueil de l'espace</a></p>\n");
	page_end(&p);
	return reply_page(r, 200, &p);
}

static void set_cookie(struct req *r, const char *token)
{
	char c[300];
	snprintf(c, sizeof c, USAGER_COOKIE "=%s; Path=/usager; Max-Age=%d; HttpOnly; SameSite=Lax%s",
		 token, USAGER_SESSION_TTL,
		 !strncmp(srv.cfg.public_url, "https:", 6) ? "; Secure" : "");
	reply_header(r, "Set-Cookie", c);
}

int usager_fc_callback(struct req *r, const uint8_t state_hash[32], const uint8_t browser_hash[32])
{
	struct consumed c = { .state_hash = state_hash, .browser_hash = browser_hash };
	if (txn_run(r, 1, consume_work, &c) != 0)
		return r->status;
	if (!c.found)
		return 0;
	if (c.wrong_browser)
		return reply_page_error(r, 400, "Demande non reconnue",
					"Cette identification a été commencée dans un autre navigateur. "
					"Rouvrez votre espace dans celui-ci pour recommencer.");
	if (c.late)
		return reply_page_error(r, 410, "Délai dépassé",
					"L'identification doit se faire en moins de 10 minutes. Rouvrez "
					"votre espace pour recommencer.");
	struct fc_identity who;
	if (fc_return(r, c.nonce_hash, "Rouvrez votre espace pour recommencer.", &who))
		return r->status;
	struct opened o = { 0 };
	char token[TOKEN_HEX];
	crypto_keyed_hash("fc-sub", who.sub, strlen(who.sub), o.sub_hash);
	sodium_memzero(&who, sizeof who);
	crypto_token_new(token);
	crypto_token_hash(token, o.token_hash);
	if (txn_run(r, 1, open_work, &o) != 0) {
		sodium_memzero(token, sizeof token);
		return r->status ? r->status : reply_page_error(r, 503, "Service indisponible", unavailable);
	}
	if (!o.usager)
		return no_mandate(r);
	set_cookie(r, token);
	sodium_memzero(token, sizeof token);
	return usager_back(r, NULL);
}

static int close_work(struct txn *t, void *arg)
{
	static const char del[] = "DELETE FROM usager_sessions WHERE token_hash = $1";
	store_stmt *st = store_prep(t->db, del);
	store_bind_blob(st, 1, arg, 32);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int page_usager_logout(struct req *r)
{
	char browser[33];
	if (!usager_csrf_ok(r, "space", browser))
		return reply_page_error(r, 403, "Demande refusée",
					"Cette demande ne vient pas de la page de votre espace. Rouvrez "
					"la page de votre espace et utilisez son bouton.");
	char token[TOKEN_HEX];
	if (!req_cookie(r, USAGER_COOKIE, token, sizeof token) && hex_ok(token, 64)) {
		uint8_t h[32];
		crypto_token_hash(token, h);
		sodium_memzero(token, sizeof token);
		if (txn_run(r, 1, close_work, h) != 0)
			return reply_page_error(r, 503, "Service indisponible", unavailable);
	}
	char c[200];
	snprintf(c, sizeof c, USAGER_COOKIE "=; Path=/usager; Max-Age=0; HttpOnly; SameSite=Lax%s",
		 !strncmp(srv.cfg.public_url, "https:", 6) ? "; Secure" : "");
	reply_header(r, "Set-Cookie", c);
	return usager_back(r, "logout=1");
}
