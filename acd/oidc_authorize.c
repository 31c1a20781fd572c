/* oidc_authorize.c — GET /oidc/authorize: the authorization request, checked
 * against OpenID Connect Core §3.1.2 as any relying party may send it (and
 * as FranceConnect does): an unknown client or a redirect URI that is not
 * the registered one gets an error page, never a redirection; any other
 * fault goes back to the client with an error.  What acd needs is required
 * (state, nonce, acr_values=eidas1); the hints it does not need are taken
 * and ignored, and so is any parameter Core does not define.  A valid
 * request becomes a row bound to the browser, and the aidant's login page.
 * The parameters themselves are read and checked in oidc_params.c. */
#include "oidc.h"
#include "crypto.h"
#include "fetch.h"
#include "html.h"
#include "routes.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	oidc_params_add(cls, key, value);
	return MHD_YES;
}

static void append_param(char **url, const char *name, const char *value)
{
	char *e = fetch_escape(value), *next = NULL;
	if (asprintf(&next, "%s%s%s=%s", *url, strchr(*url, '?') ? "&" : "?", name, e) < 0)
		next = NULL;
	free(e);
	free(*url);
	*url = next;
}

static int redirect(struct req *r, char *url)
{
	return reply_page_redirect(r, url, "Retour vers le service en ligne");
}

int oidc_redirect_error(struct req *r, const char *redirect_uri, const char *state,
			const char *error, const char *description)
{
	char *url = strdup(redirect_uri);
	append_param(&url, "error", error);
	if (url)
		append_param(&url, "error_description", description);
	if (url && state)
		append_param(&url, "state", state);
	if (url)
		append_param(&url, "iss", oidc_issuer());
	return redirect(r, url);
}

int oidc_redirect_code(struct req *r, const char *redirect_uri, const char *state, const char *code)
{
	char *url = strdup(redirect_uri);
	append_param(&url, "code", code);
	if (url)
		append_param(&url, "state", state);
	if (url)
		append_param(&url, "iss", oidc_issuer());
	return redirect(r, url);
}

struct new_request {
	struct oidc_request *q;
	char browser[33];
};

static int insert_request(struct txn *t, void *arg)
{
	static const char gc[] = "DELETE FROM oidc_requests WHERE expires_at < $1";
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM oidc_requests";
	static const char ins[] =
		"INSERT INTO oidc_requests (id, handle_hash, browser_hash, client_id, redirect_uri, state,"
		" nonce, scope, rep_scope, step, created_at, expires_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'login', $10, $11)";
	struct new_request *n = arg;
	struct oidc_request *q = n->q;
	store_stmt *st = store_prep(t->db, gc);
	store_bind_int(st, 1, t->now - 3600); /* an hour after, nothing refers to it */
	if (store_exec(st) != STORE_DONE)
		return -1;
	uint8_t hh[32], bh[32];
	crypto_token_new(q->handle);
	crypto_token_hash(q->handle, hh);
	crypto_token_hash(n->browser, bh);
	page_csrf(n->browser, q->handle, q->csrf);
	q->id = store_int_or(store_prep(t->db, next), 1);
	st = store_prep(t->db, ins);
	store_bind_int(st, 1, q->id);
	store_bind_blob(st, 2, hh, 32);
	store_bind_blob(st, 3, bh, 32);
	store_bind_int(st, 4, q->client);
	store_bind_text(st, 5, q->redirect_uri);
	store_bind_text(st, 6, q->state);
	store_bind_text(st, 7, q->nonce);
	store_bind_text(st, 8, q->scope);
	store_bind_text(st, 9, *q->rep_scope ? q->rep_scope : NULL);
	store_bind_int(st, 10, t->now);
	store_bind_int(st, 11, t->now + OIDC_REQUEST_TTL);
	q->expires_at = t->now + OIDC_REQUEST_TTL;
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int oidc_authorize(struct req *r)
{
	struct oidc_params s = { 0 };
	MHD_get_connection_values(r->mc, MHD_GET_ARGUMENT_KIND, scan_arg, &s);
	const char *client_id = s.value[P_CLIENT_ID], *uri = s.value[P_REDIRECT_URI];
	struct oidc_client c;
	int found = s.count[P_CLIENT_ID] == 1 ? oidc_client_find(r->db, client_id, &c) : 0;
	if (found < 0)
		return reply_page_error(r, 503, "Service indisponible",
					"Le service est momentanément indisponible : réessayez dans un instant.");
	if (!found)
		return reply_page_error(r, 400, "Service en ligne inconnu",
					"Le service en ligne qui vous a envoyé ici n'est pas enregistré auprès "
					"d'Aidants Connect (client_id inconnu). Retournez sur ce service et "
					"recommencez, ou signalez-lui le problème.");
	if (s.count[P_REDIRECT_URI] != 1 || strcmp(uri, c.redirect_uri))
		return reply_page_error(r, 400, "Adresse de retour refusée",
					"L'adresse de retour demandée n'est pas celle que ce service en ligne a "
					"enregistrée (redirect_uri) : la connexion est refusée. Signalez le "
					"problème au service en ligne.");
	/* from here on the redirect URI is trusted: errors go back to it */
	const char *echo;
	char why[300];
	struct oidc_request q = { .client = c.id };
	const char *error = oidc_params_check(&s, &q, &echo, why);
	if (error)
		return oidc_redirect_error(r, uri, echo, error, why);
	snprintf(q.step, sizeof q.step, "login");
	struct new_request n = { .q = &q };
	page_browser_id(r, n.browser);
	if (txn_run(r, 1, insert_request, &n) != 0)
		return r->status ? r->status
				 : reply_page_error(r, 503, "Service indisponible",
						    "Le service est momentanément indisponible : réessayez dans un instant.");
	return oidc_page_login(r, &q, 200, NULL);
}
