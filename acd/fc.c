/* fc.c — the FranceConnect client: discovery, authorization URL, code
 * exchange, ID token verification (fc_token.c), userinfo. */
#include "fc.h"
#include "fetch.h"
#include "log.h"
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REFRESH_GAP 60  /* least seconds between two fetches of the keys */

/* The provider as its discovery document describes it: read on first use,
 * read again (at most once a minute) when a token names an unknown key. */
static struct {
	pthread_mutex_t lock;
	time_t fetched;
	json_t *meta, *jwks;
	char origin[256];
} prov = { .lock = PTHREAD_MUTEX_INITIALIZER };

static char secret[512];

int fc_configured(void) { return srv.cfg.fc_issuer && *srv.cfg.fc_issuer; }

int fc_setup(char *err, size_t errlen)
{
	if (!fc_configured())
		return 0;
	if (!srv.cfg.fc_client_id || !srv.cfg.fc_client_secret_file) {
		snprintf(err, errlen, "fc-issuer needs fc-client-id and fc-client-secret-file");
		return -1;
	}
	FILE *f = fopen(srv.cfg.fc_client_secret_file, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", srv.cfg.fc_client_secret_file, strerror(errno));
		return -1;
	}
	size_t n = fread(secret, 1, sizeof secret - 1, f);
	fclose(f);
	secret[n] = 0;
	secret[strcspn(secret, "\r\n")] = 0;
	if (!*secret) {
		snprintf(err, errlen, "%s: empty client secret", srv.cfg.fc_client_secret_file);
		return -1;
	}
	/* scheme://host[:port] of the issuer, for the pages' form-action */
	const char *iss = srv.cfg.fc_issuer, *p = strstr(iss, "://");
	size_t len = p ? (size_t)(strchrnul(p + 3, '/') - iss) : strlen(iss);
	snprintf(prov.origin, sizeof prov.origin, "%.*s", (int)len, iss);
	return 0;
}

const char *fc_origin(void) { return prov.origin; }

static const char *meta_str(const char *key)
{
	json_t *v = prov.meta ? json_object_get(prov.meta, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fetches discovery and keys; called with prov.lock held. */
static int refresh(char *err, size_t errlen)
{
	time_t now = time(NULL);
	if (prov.meta && now - prov.fetched < REFRESH_GAP)
		return 0;
	char url[1024];
	const char *issuer = srv.cfg.fc_issuer;
	size_t il = strlen(issuer);
	if (il && issuer[il - 1] == '/')
		il--;
	snprintf(url, sizeof url, "%.*s/.well-known/openid-configuration", (int)il, issuer);
	long status;
	json_t *meta = NULL, *jwks = NULL;
	struct fetch f = { .url = url };
	if (fetch_json(&f, &status, &meta, err, errlen))
		return -1;
	free(f.text);
	const char *iss = json_string_value(json_object_get(meta, "issuer"));
	if (status != 200 || !meta || !iss || strcmp(iss, srv.cfg.fc_issuer)) {
		snprintf(err, errlen, "%.300s: not a discovery document of issuer %.150s (HTTP %ld)", url,
			 srv.cfg.fc_issuer, status);
		json_decref(meta);
		return -1;
	}
	const char *need[] = { "authorization_endpoint", "token_endpoint", "userinfo_endpoint",
			       "jwks_uri", NULL };
	for (const char **k = need; *k; k++)
		if (!json_is_string(json_object_get(meta, *k))) {
			snprintf(err, errlen, "the discovery document has no %s", *k);
			json_decref(meta);
			return -1;
		}
	f = (struct fetch){ .url = json_string_value(json_object_get(meta, "jwks_uri")) };
	int got = fetch_json(&f, &status, &jwks, err, errlen);
	free(f.text);
	if (got ||
	    !json_is_array(json_object_get(jwks, "keys"))) {
		if (!*err || status)
			snprintf(err, errlen, "%s: no JWKS (HTTP %ld)", f.url, status);
		json_decref(meta);
		json_decref(jwks);
		return -1;
	}
	json_decref(prov.meta);
	json_decref(prov.jwks);
	prov.meta = meta;
	prov.jwks = jwks;
	prov.fetched = now;
	return 0;
}

static int provider_down(struct fail *f, const char *why)
{
	log_error("franceconnect: %s", why);
	return fail_set(f, 502, "fc_unavailable",
			"FranceConnect ne répond pas pour le moment : réessayez dans quelques minutes");
}

char *fc_authorize_url(const char *state, const char *nonce, struct fail *f)
{
	char err[512] = "";
	pthread_mutex_lock(&prov.lock);
	if (refresh(err, sizeof err)) {
		pthread_mutex_unlock(&prov.lock);
		provider_down(f, err);
		return NULL;
	}
	const char *ep = meta_str("authorization_endpoint");
	char redirect[1024];
	snprintf(redirect, sizeof redirect, "%s/fc/callback", srv.cfg.public_url);
	char *e_client = fetch_escape(srv.cfg.fc_client_id), *e_redirect = fetch_escape(redirect),
	     *e_scope = fetch_escape(FC_SCOPES);
	char *url = NULL;
	if (asprintf(&url, "%s%sresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s"
			   "&state=%s&nonce=%s&acr_values=eidas1&prompt=login",
		     ep, strchr(ep, '?') ? "&" : "?", e_client, e_redirect, e_scope, state, nonce) < 0)
		url = NULL;
	pthread_mutex_unlock(&prov.lock);
	free(e_client);
	free(e_redirect);
	free(e_scope);
	return url;
}

static int bad_token(struct fail *f, const char *why)
{
	log_error("franceconnect: ID token refused: %s", why);
	return fail_set(f, 400, "fc_token_invalid",
			"la réponse de FranceConnect n'a pas pu être vérifiée (%s) : recommencez", why);
}

/* A compact JWS signed by the provider with a key of its JWKS: its claims
 * (new reference), or NULL with f filled.  The keys are read again when the
 * token names one they do not have: the provider may have rotated.  The
 * check itself runs on a reference to the keys, outside the lock. */
static json_t *verify_jws(const char *compact, struct fail *f)
{
	const char *why = NULL;
	int no_key = 0;
	pthread_mutex_lock(&prov.lock);
	json_t *keys = json_incref(prov.jwks);
	pthread_mutex_unlock(&prov.lock);
	json_t *claims = fc_jws_claims(compact, keys, &no_key, &why);
	json_decref(keys);
	if (!claims && no_key) {
		char err[512] = "";
		pthread_mutex_lock(&prov.lock);
		int fresh = refresh(err, sizeof err) == 0;
		keys = json_incref(prov.jwks);
		pthread_mutex_unlock(&prov.lock);
		if (fresh)
			claims = fc_jws_claims(compact, keys, &no_key, &why);
		json_decref(keys);
	}
	if (!claims)
		bad_token(f, why);
	return claims;
}

/* Verifies the compact ID token; its claims (new reference) or NULL. */
static json_t *verify_id_token(const char *compact, const uint8_t nonce_hash[32], struct fail *f)
{
	json_t *claims = verify_jws(compact, f);
	const char *why;
	if (claims && fc_id_token_check(claims, srv.cfg.fc_issuer, srv.cfg.fc_client_id, nonce_hash,
					time(NULL), &why)) {
		bad_token(f, why);
		json_decref(claims);
		return NULL;
	}
	return claims;
}

static void copy_claim(json_t *ui, const char *k, char *dst, size_t cap)
{
	const char *v = json_string_value(json_object_get(ui, k));
	snprintf(dst, cap, "%s", v && strlen(v) < cap ? v : "");
}

int fc_finish(const char *code, const uint8_t nonce_hash[32], struct fc_identity *id,
	      struct fail *f)
{
	char err[512] = "", token_ep[1024], userinfo_ep[1024], redirect[1024];
	pthread_mutex_lock(&prov.lock);
	int down = refresh(err, sizeof err);
	if (!down) {
		snprintf(token_ep, sizeof token_ep, "%s", meta_str("token_endpoint"));
		snprintf(userinfo_ep, sizeof userinfo_ep, "%s", meta_str("userinfo_endpoint"));
	}
	pthread_mutex_unlock(&prov.lock);
	if (down)
		return provider_down(f, err);
	snprintf(redirect, sizeof redirect, "%s/fc/callback", srv.cfg.public_url);
	char *e_code = fetch_escape(code), *e_redirect = fetch_escape(redirect),
	     *e_id = fetch_escape(srv.cfg.fc_client_id), *e_secret = fetch_escape(secret), *form;
	/* client_secret_post, as FranceConnect expects */
	int n = asprintf(&form, "grant_type=authorization_code&code=%s&redirect_uri=%s"
				"&client_id=%s&client_secret=%s",
			 e_code, e_redirect, e_id, e_secret);
	sodium_memzero(e_secret, strlen(e_secret));
	free(e_code);
	free(e_redirect);
	free(e_id);
	free(e_secret);
	if (n < 0)
		return fail_set(f, 500, "internal", "out of memory");
	long status;
	json_t *tok = NULL, *ui = NULL, *claims = NULL;
	struct fetch rq = { .url = token_ep, .form = form };
	int rc = fetch_json(&rq, &status, &tok, err, sizeof err);
	free(rq.text);
	sodium_memzero(form, strlen(form));
	free(form);
	if (rc)
		return provider_down(f, err);
	const char *idt = json_string_value(json_object_get(tok, "id_token"));
	const char *at = json_string_value(json_object_get(tok, "access_token"));
	if (status != 200 || !idt || !at) {
		const char *e = json_string_value(json_object_get(tok, "error"));
		log_error("franceconnect: token endpoint answered HTTP %ld %s", status, e ? e : "");
		/* e lives in tok: the message is made before tok goes */
		fail_set(f, 400, "fc_code_refused",
			 "FranceConnect a refusé la connexion (%s) : recommencez depuis le lien",
			 e ? e : "réponse inattendue");
		json_decref(tok);
		return -1;
	}
	if (!(claims = verify_id_token(idt, nonce_hash, f))) {
		json_decref(tok);
		return -1;
	}
	rq = (struct fetch){ .url = userinfo_ep, .bearer = at };
	rc = fetch_json(&rq, &status, &ui, err, sizeof err);
	json_decref(tok);
	if (rc) {
		json_decref(claims);
		return provider_down(f, err);
	}
	if (!ui && rq.text && status == 200 && !strncmp(rq.ctype, "application/jwt", 15)) {
		/* a signed userinfo (as FranceConnect v2 answers): ours, from our provider */
		rq.text[strcspn(rq.text, "\r\n")] = 0;
		ui = verify_jws(rq.text, f);
		log_info("franceconnect: signed userinfo %s", ui ? "verified" : "refused");
		const char *ui_iss = json_string_value(json_object_get(ui, "iss"));
		if (ui && ((ui_iss && strcmp(ui_iss, srv.cfg.fc_issuer)) ||
			   (json_object_get(ui, "aud") && !fc_aud_ok(ui, srv.cfg.fc_client_id)))) {
			json_decref(ui);
			ui = NULL;
			bad_token(f, "userinfo for another client or from another issuer");
		}
		if (!ui) {
			free(rq.text);
			json_decref(claims);
			return -1;
		}
	}
	free(rq.text);
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *ui_sub = json_string_value(json_object_get(ui, "sub"));
	/* OpenID Connect Core §5.3.2: userinfo must be about the token's subject */
	if (status != 200 || !ui_sub || strcmp(ui_sub, sub)) {
		json_decref(claims);
		json_decref(ui);
		return bad_token(f, "userinfo about another subject");
	}
	memset(id, 0, sizeof *id);
	snprintf(id->sub, sizeof id->sub, "%s", sub);
	copy_claim(ui, "given_name", id->given_name, sizeof id->given_name);
	copy_claim(ui, "family_name", id->family_name, sizeof id->family_name);
	copy_claim(ui, "birthdate", id->birthdate, sizeof id->birthdate);
	copy_claim(ui, "birthplace", id->birthplace, sizeof id->birthplace);
	copy_claim(ui, "birthcountry", id->birthcountry, sizeof id->birthcountry);
	copy_claim(ui, "gender", id->gender, sizeof id->gender);
	copy_claim(ui, "email", id->email, sizeof id->email);
	copy_claim(ui, "preferred_username", id->preferred_username, sizeof id->preferred_username);
	json_decref(claims);
	json_decref(ui);
	if (!*id->given_name || !*id->family_name || !*id->birthdate)
		return fail_set(f, 400, "fc_identity_incomplete",
				"FranceConnect n'a pas transmis le nom, le prénom et la date de naissance");
	return 0;
}
