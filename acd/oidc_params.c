/* oidc_params.c — the authorization request's parameters (GET
 * /oidc/authorize), read and checked against OpenID Connect Core §3.1.2
 * without the database: what oidc_authorize.c asks once the client and its
 * redirect URI are known, and what the fuzzer reads (tests/fuzz/oidc.c).
 * What acd needs is required (state, nonce, acr_values=eidas1); the hints it
 * does not need are taken and ignored, and so is any parameter Core does not
 * define.  Also the client's Basic credentials at the token endpoint. */
#include "oidc.h"
#include "html.h"
#include "ac.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const known[P_COUNT] = {
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "acr_values",
	"prompt", "claims", "max_age", "ui_locales", "claims_locales", "id_token_hint",
	"login_hint", "display", "response_mode", "request", "request_uri", "registration"
};

/* A parameter without a value counts as omitted (RFC 6749 §3.1). */
void oidc_params_add(struct oidc_params *s, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	for (int i = 0; i < P_COUNT; i++)
		if (!strcmp(key, known[i])) {
			if (++s->count[i] > 1 && !s->dup)
				s->dup = known[i];
			s->value[i] = value;
			return;
		}
}

int oidc_token_ok(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 16 || n > 256)
		return 0;
	return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
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

/* An error and its sentence. */
static const char *refuse(char why[300], const char *error, const char *sentence)
{
	snprintf(why, 300, "%s", sentence);
	return error;
}

const char *oidc_params_check(const struct oidc_params *s, struct oidc_request *q,
			      const char **echo_out, char why[300])
{
	const char *state = s->value[P_STATE];
	const char *echo = s->count[P_STATE] == 1 && oidc_token_ok(state) ? state : NULL;
	*echo_out = echo;
	const char *rt = s->value[P_RESPONSE_TYPE], *scope = s->value[P_SCOPE];
	const char *nonce = s->value[P_NONCE], *acr = s->value[P_ACR_VALUES];
	const char *mode = s->value[P_RESPONSE_MODE], *max_age = s->value[P_MAX_AGE];
	if (s->dup) {
		snprintf(why, 300, "%s is given twice", s->dup);
		return "invalid_request";
	}
	/* §6: the parameters may be in a request object, which acd does not read */
	if (s->value[P_REQUEST])
		return refuse(why, "request_not_supported",
			      "acd reads no request object: send the parameters in the query");
	if (s->value[P_REQUEST_URI])
		return refuse(why, "request_uri_not_supported",
			      "acd fetches no request object: send the parameters in the query");
	if (s->value[P_REGISTRATION])
		return refuse(why, "registration_not_supported",
			      "clients are registered by acd's operators");
	if (!rt || strcmp(rt, "code"))
		return refuse(why, rt ? "unsupported_response_type" : "invalid_request",
			      "response_type must be code");
	if (!echo)
		return refuse(why, "invalid_request",
			      state ? "state is malformed (16 to 256 characters A-Z a-z 0-9 - . _ ~)"
				    : "state is required");
	if (!scope || !scope_ok(scope))
		return refuse(why, "invalid_scope", "scope must hold openid and only known scopes");
	if (!oidc_token_ok(nonce))
		return refuse(why, "invalid_request",
			      nonce ? "nonce is malformed (16 to 256 characters A-Z a-z 0-9 - . _ ~)"
				    : "nonce is required");
	if (!acr || strcmp(acr, "eidas1"))
		return refuse(why, "invalid_request", "acr_values must be eidas1");
	if (mode && strcmp(mode, "query"))
		return refuse(why, "invalid_request", "response_mode must be query");
	int none = prompt_of(s->value[P_PROMPT]);
	if (none < 0)
		return refuse(why, "invalid_request",
			      "prompt must list none (alone), login, consent or select_account");
	/* the aidant logs in on every request: any max_age is met, and auth_time
	 * is always in the ID token (§2) */
	if (max_age && !max_age_ok(max_age))
		return refuse(why, "invalid_request", "max_age must be a number of seconds");
	const char *error = claims_of(s->value[P_CLAIMS], q->rep_scope, why);
	if (error)
		return error;
	if (none)
		return refuse(why, "login_required",
			      "the aidant logs in on every request: prompt=none cannot be answered");
	/* ui_locales, claims_locales, display, login_hint, id_token_hint: hints
	 * acd may ignore (the pages are French; the aidant always logs in and
	 * chooses the usager) */
	snprintf(q->redirect_uri, sizeof q->redirect_uri, "%s",
		 s->value[P_REDIRECT_URI] ? s->value[P_REDIRECT_URI] : "");
	snprintf(q->state, sizeof q->state, "%s", state);
	snprintf(q->nonce, sizeof q->nonce, "%s", nonce);
	snprintf(q->scope, sizeof q->scope, "%s", scope);
	return NULL;
}

/* RFC 6749 §2.3.1: the Basic credentials are form-urlencoded, then base64. */
int oidc_basic_credentials(const char *h, char id[256], char secret[256])
{
	char raw[600], pair[1300];
	size_t n;
	if (strncasecmp(h, "Basic ", 6) ||
	    sodium_base642bin((uint8_t *)raw, sizeof raw - 1, h + 6, strlen(h + 6), " ", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return -1;
	raw[n] = 0;
	char *colon = strchr(raw, ':');
	if (!colon || memchr(raw, 0, n))
		return -1;
	*colon = 0;
	snprintf(pair, sizeof pair, "i=%s&s=%s", raw, colon + 1);
	sodium_memzero(raw, sizeof raw);
	int rc = form_field(pair, "i", id, 256) || form_field(pair, "s", secret, 256) ? -1 : 0;
	sodium_memzero(pair, sizeof pair);
	return rc;
}
