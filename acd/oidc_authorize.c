/* oidc_authorize.c — GET /oidc/authorize: the authorization request as
 * FranceConnect sends it, checked strictly (OpenID Connect Core §3.1.2):
 * an unknown client or a redirect URI that is not the registered one gets an
 * error page, never a redirection; any other fault goes back to the client
 * with an error.  A valid request becomes a row bound to the browser, and the
 * aidant's login page. */
#include "oidc.h"
#include "crypto.h"
#include "demarches.h"
#include "fetch.h"
#include "html.h"
#include "routes.h"
#include "ac.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known[] = { "response_type", "client_id", "redirect_uri", "scope",
				     "state", "nonce", "acr_values", "prompt", "claims", NULL };

struct scan {
	int count[10];
	char unknown[64];
	int dup;
};

static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	struct scan *s = cls;
	for (int i = 0; known[i]; i++)
		if (!strcmp(key, known[i])) {
			s->dup |= ++s->count[i] > 1;
			return MHD_YES;
		}
	if (!*s->unknown)
		snprintf(s->unknown, sizeof s->unknown, "%s", key);
	return MHD_YES;
}

int oidc_token_ok(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 16 || n > 256)
		return 0;
	return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
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

/* Every scope known and openid among them: 1. */
static int scope_ok(const char *scope)
{
	char buf[600];
	int openid = 0;
	if (strlen(scope) >= sizeof buf)
		return 0;
	snprintf(buf, sizeof buf, "%s", scope);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!ac_in_list(oidc_scopes, w))
			return 0;
		openid |= !strcmp(w, "openid");
	}
	return openid;
}

/* The claims parameter's rep_scope (under id_token or userinfo), as codes in
 * catalogue order in out ("" when absent); -1 when malformed or unknown. */
static int rep_scope_of(const char *claims, char out[128], char why[200])
{
	*out = 0;
	if (!claims)
		return 0;
	json_t *c = json_loads(claims, JSON_REJECT_DUPLICATES, NULL), *wanted = json_array();
	int rc = 0;
	if (!json_is_object(c)) {
		snprintf(why, 200, "claims must be a JSON object");
		rc = -1;
	}
	const char *where[] = { "id_token", "userinfo" };
	for (int i = 0; i < 2 && !rc; i++) {
		json_t *rs = json_object_get(json_object_get(c, where[i]), "rep_scope");
		if (!rs || json_is_null(rs))
			continue;
		json_t *values = json_object_get(rs, "values"), *value = json_object_get(rs, "value");
		if (json_is_string(value))
			json_array_append(wanted, value);
		else if (json_is_array(values) && json_array_size(values))
			json_array_extend(wanted, values);
		else {
			snprintf(why, 200, "rep_scope must give \"values\" (a list) or \"value\"");
			rc = -1;
		}
	}
	size_t i;
	json_t *v;
	json_array_foreach(wanted, i, v) {
		if (rc)
			break;
		if (!json_is_string(v) || !ac_demarche_find(json_string_value(v))) {
			snprintf(why, 200, "rep_scope: unknown démarche %.40s",
				 json_is_string(v) ? json_string_value(v) : "(not a string)");
			rc = -1;
		}
	}
	if (!rc)
		for (const char *const *code = ac_demarche_codes; *code; code++) {
			int in = 0;
			json_array_foreach(wanted, i, v) in |= !strcmp(json_string_value(v), *code);
			if (in) {
				if (*out)
					strcat(out, ",");
				strcat(out, *code);
			}
		}
	json_decref(c);
	json_decref(wanted);
	return rc;
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
	struct scan s = { 0 };
	MHD_get_connection_values(r->mc, MHD_GET_ARGUMENT_KIND, scan_arg, &s);
	const char *client_id = req_query(r, "client_id"), *uri = req_query(r, "redirect_uri");
	struct oidc_client c;
	int found = s.count[1] == 1 ? oidc_client_find(r->db, client_id, &c) : 0;
	if (found < 0)
		return reply_page_error(r, 503, "Service indisponible",
					"Le service est momentanément indisponible : réessayez dans un instant.");
	if (!found)
		return reply_page_error(r, 400, "Service en ligne inconnu",
					"Le service en ligne qui vous a envoyé ici n'est pas enregistré auprès "
					"d'Aidants Connect (client_id inconnu). Retournez sur ce service et "
					"recommencez, ou signalez-lui le problème.");
	if (s.count[2] != 1 || strcmp(uri, c.redirect_uri))
		return reply_page_error(r, 400, "Adresse de retour refusée",
					"L'adresse de retour demandée n'est pas celle que ce service en ligne a "
					"enregistrée (redirect_uri) : la connexion est refusée. Signalez le "
					"problème au service en ligne.");
	/* from here on the redirect URI is trusted: errors go back to it */
	const char *state = req_query(r, "state");
	const char *echo = s.count[4] == 1 && oidc_token_ok(state) ? state : NULL;
	const char *rt = req_query(r, "response_type"), *scope = req_query(r, "scope");
	const char *nonce = req_query(r, "nonce"), *acr = req_query(r, "acr_values");
	const char *prompt = req_query(r, "prompt");
	char why[300];
	struct oidc_request q = { .client = c.id };
	if (s.dup)
		return oidc_redirect_error(r, uri, echo, "invalid_request", "a parameter is given twice");
	if (*s.unknown) {
		snprintf(why, sizeof why, "unknown parameter: %s", s.unknown);
		return oidc_redirect_error(r, uri, echo, "invalid_request", why);
	}
	if (!rt || strcmp(rt, "code"))
		return oidc_redirect_error(r, uri, echo, rt ? "unsupported_response_type" : "invalid_request",
					   "response_type must be code");
	if (!echo)
		return oidc_redirect_error(r, uri, NULL, "invalid_request",
					   state ? "state is malformed (16 to 256 characters A-Z a-z 0-9 - . _ ~)"
						 : "state is required");
	if (!scope || !scope_ok(scope))
		return oidc_redirect_error(r, uri, echo, "invalid_scope",
					   "scope must hold openid and only known scopes");
	if (!oidc_token_ok(nonce))
		return oidc_redirect_error(r, uri, echo, "invalid_request",
					   nonce ? "nonce is malformed (16 to 256 characters A-Z a-z 0-9 - . _ ~)"
						 : "nonce is required");
	if (!acr || strcmp(acr, "eidas1"))
		return oidc_redirect_error(r, uri, echo, "invalid_request", "acr_values must be eidas1");
	if (!prompt)
		return oidc_redirect_error(r, uri, echo, "invalid_request", "prompt must be login");
	if (strcmp(prompt, "login"))
		return oidc_redirect_error(r, uri, echo, "login_required",
					   "the aidant always logs in: prompt must be login");
	if (rep_scope_of(req_query(r, "claims"), q.rep_scope, why))
		return oidc_redirect_error(r, uri, echo, "invalid_request", why);
	snprintf(q.redirect_uri, sizeof q.redirect_uri, "%s", uri);
	snprintf(q.state, sizeof q.state, "%s", state);
	snprintf(q.nonce, sizeof q.nonce, "%s", nonce);
	snprintf(q.scope, sizeof q.scope, "%s", scope);
	snprintf(q.step, sizeof q.step, "login");
	struct new_request n = { .q = &q };
	page_browser_id(r, n.browser);
	if (txn_run(r, 1, insert_request, &n) != 0)
		return r->status ? r->status
				 : reply_page_error(r, 503, "Service indisponible",
						    "Le service est momentanément indisponible : réessayez dans un instant.");
	return oidc_page_login(r, &q, 200, NULL);
}
