/* oidc_authorize.c — GET /oidc/authorize: the authorization request, checked
 * against OpenID Connect Core §3.1.2 as any relying party may send it (and
 * as FranceConnect does): an unknown client or a redirect URI that is not
 * the registered one gets an error page, never a redirection; any other
 * fault goes back to the client with an error.  What acd needs is required
 * (state, nonce, acr_values=eidas1); the hints it does not need are taken
 * and ignored, and so is any parameter Core does not define.  A valid
 * request becomes a row bound to the browser, and the aidant's login page. */
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

/* The parameters OpenID Connect Core §3.1.2.1 defines (with RFC 6749 §4.1.1):
 * each at most once (RFC 6749 §3.1).  Any other parameter is ignored, as
 * RFC 6749 §3.1 asks of an unrecognised one. */
enum {
	P_RESPONSE_TYPE, P_CLIENT_ID, P_REDIRECT_URI, P_SCOPE, P_STATE, P_NONCE, P_ACR_VALUES,
	P_PROMPT, P_CLAIMS, P_MAX_AGE, P_UI_LOCALES, P_CLAIMS_LOCALES, P_ID_TOKEN_HINT,
	P_LOGIN_HINT, P_DISPLAY, P_RESPONSE_MODE, P_REQUEST, P_REQUEST_URI, P_REGISTRATION, P_COUNT
};
static const char *const known[P_COUNT] = {
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "acr_values",
	"prompt", "claims", "max_age", "ui_locales", "claims_locales", "id_token_hint",
	"login_hint", "display", "response_mode", "request", "request_uri", "registration"
};

struct scan {
	int count[P_COUNT];
	const char *value[P_COUNT]; /* NULL: absent */
	const char *dup;            /* a parameter given twice */
};

/* A parameter without a value counts as omitted (RFC 6749 §3.1). */
static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct scan *s = cls;
	if (!value || !*value)
		return MHD_YES;
	for (int i = 0; i < P_COUNT; i++)
		if (!strcmp(key, known[i])) {
			if (++s->count[i] > 1 && !s->dup)
				s->dup = known[i];
			s->value[i] = value;
			return MHD_YES;
		}
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

/* One individual claim request (Core §5.5.1): null, or an object in which
 * essential, when given, is a boolean and values a list; any other member
 * is ignored.  0, or -1 with why. */
static int claim_request_ok(const char *where, const char *name, json_t *r, char why[200])
{
	if (json_is_null(r))
		return 0;
	json_t *e = json_object_get(r, "essential"), *values = json_object_get(r, "values");
	if (!json_is_object(r))
		snprintf(why, 200, "claims: %s.%.40s must be null or an object", where, name);
	else if (e && !json_is_boolean(e))
		snprintf(why, 200, "claims: %s.%.40s.essential must be true or false", where, name);
	else if (values && !json_is_array(values))
		snprintf(why, 200, "claims: %s.%.40s.values must be a list", where, name);
	else
		return 0;
	return -1;
}

/* What a claim request asks as its value: value and the members of values,
 * appended to wanted; 0 when it names none. */
static size_t claim_values(json_t *r, json_t *wanted)
{
	size_t n = json_array_size(wanted);
	json_t *value = json_object_get(r, "value");
	if (value)
		json_array_append(wanted, value);
	json_array_extend(wanted, json_object_get(r, "values"));
	return json_array_size(wanted) - n;
}

/* The démarches rep_scope names in the claims parameter (under id_token or
 * userinfo, by value or values: together, what the aidant may choose from),
 * as codes in catalogue order in out; "" when it names none (rep_scope
 * absent, null or without a value: any démarche of the mandate).  NULL when
 * the request is good, else the error, with why: invalid_request when
 * malformed or naming a démarche not in the catalogue,
 * unmet_authentication_requirements when acr is essential with values that
 * are not eidas1 (§5.5.1.1: a failed authentication). */
static const char *claims_of(const char *claims, char out[128], char why[200])
{
	static const char *const where[] = { "id_token", "userinfo" };
	*out = 0;
	if (!claims)
		return NULL;
	json_t *c = json_loads(claims, JSON_REJECT_DUPLICATES, NULL), *wanted = json_array();
	json_t *acr = json_array();
	const char *error = "invalid_request";
	int rc = 0;
	if (!json_is_object(c)) {
		snprintf(why, 200, "claims must be a JSON object");
		rc = -1;
	}
	for (int i = 0; i < 2 && !rc; i++) {
		json_t *m = json_object_get(c, where[i]), *r;
		const char *name;
		if (!m)
			continue;
		if (!json_is_object(m)) {
			snprintf(why, 200, "claims: %s must be an object", where[i]);
			rc = -1;
			break;
		}
		json_object_foreach(m, name, r) {
			if ((rc = claim_request_ok(where[i], name, r, why)))
				break;
			json_t *values = json_object_get(r, "values");
			if (!strcmp(name, "rep_scope") && values && !json_array_size(values)) {
				snprintf(why, 200, "claims: %s.rep_scope.values names no démarche", where[i]);
				rc = -1;
				break;
			}
			if (!strcmp(name, "rep_scope"))
				claim_values(r, wanted);
			else if (!strcmp(name, "acr") && i == 0 && json_is_true(json_object_get(r, "essential")) &&
				 claim_values(r, acr)) {
				size_t k;
				json_t *v;
				int eidas1 = 0;
				json_array_foreach(acr, k, v) eidas1 |= json_is_string(v) &&
									!strcmp(json_string_value(v), "eidas1");
				if (!eidas1) {
					snprintf(why, 200, "acr is essential, and acd authenticates at eidas1 only");
					error = "unmet_authentication_requirements";
					rc = -1;
					break;
				}
			}
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
	json_decref(acr);
	return rc ? error : NULL;
}

/* prompt (Core §3.1.2.1): a space-separated list of none, login, consent and
 * select_account, none alone.  1 when it is none, 0 another good one or
 * absent, -1 not good. */
static int prompt_of(const char *prompt)
{
	static const char *const values[] = { "none", "login", "consent", "select_account", NULL };
	char buf[128];
	int none = 0, n = 0;
	if (!prompt)
		return 0;
	if (strlen(prompt) >= sizeof buf)
		return -1;
	snprintf(buf, sizeof buf, "%s", prompt);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), n++) {
		if (!ac_in_list(values, w))
			return -1;
		none |= !strcmp(w, "none");
	}
	return n == 0 || (none && n > 1) ? -1 : none;
}

/* max_age: a number of seconds, from 0. */
static int max_age_ok(const char *v)
{
	size_t n = strlen(v);
	return n >= 1 && n <= 10 && strspn(v, "0123456789") == n;
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
	const char *state = s.value[P_STATE];
	const char *echo = s.count[P_STATE] == 1 && oidc_token_ok(state) ? state : NULL;
	const char *rt = s.value[P_RESPONSE_TYPE], *scope = s.value[P_SCOPE];
	const char *nonce = s.value[P_NONCE], *acr = s.value[P_ACR_VALUES];
	const char *mode = s.value[P_RESPONSE_MODE], *max_age = s.value[P_MAX_AGE];
	char why[300];
	struct oidc_request q = { .client = c.id };
	if (s.dup) {
		snprintf(why, sizeof why, "%s is given twice", s.dup);
		return oidc_redirect_error(r, uri, echo, "invalid_request", why);
	}
	/* §6: the parameters may be in a request object, which acd does not read */
	if (s.value[P_REQUEST])
		return oidc_redirect_error(r, uri, echo, "request_not_supported",
					   "acd reads no request object: send the parameters in the query");
	if (s.value[P_REQUEST_URI])
		return oidc_redirect_error(r, uri, echo, "request_uri_not_supported",
					   "acd fetches no request object: send the parameters in the query");
	if (s.value[P_REGISTRATION])
		return oidc_redirect_error(r, uri, echo, "registration_not_supported",
					   "clients are registered by acd's operators");
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
	if (mode && strcmp(mode, "query"))
		return oidc_redirect_error(r, uri, echo, "invalid_request", "response_mode must be query");
	int none = prompt_of(s.value[P_PROMPT]);
	if (none < 0)
		return oidc_redirect_error(r, uri, echo, "invalid_request",
					   "prompt must list none (alone), login, consent or select_account");
	/* the aidant logs in on every request: any max_age is met, and auth_time
	 * is always in the ID token (§2) */
	if (max_age && !max_age_ok(max_age))
		return oidc_redirect_error(r, uri, echo, "invalid_request",
					   "max_age must be a number of seconds");
	const char *error = claims_of(s.value[P_CLAIMS], q.rep_scope, why);
	if (error)
		return oidc_redirect_error(r, uri, echo, error, why);
	if (none)
		return oidc_redirect_error(r, uri, echo, "login_required",
					   "the aidant logs in on every request: prompt=none cannot be answered");
	/* ui_locales, claims_locales, display, login_hint, id_token_hint: hints
	 * acd may ignore (the pages are French; the aidant always logs in and
	 * chooses the usager) */
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
