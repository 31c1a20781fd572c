/* oidc_keys.c — acd's signing keys: made and retired by `acd keys rotate`,
 * their private halves sealed under the key file, their public halves
 * published in the JWKS until every token they signed has expired.  A
 * serving acd reads the current key from the database at each signature, so
 * a rotation by another process takes effect at once; the unsealed keys are
 * cached by kid (a kid never names another key). */
#include "oidc.h"
#include "jws.h"
#include "crypto.h"
#include "log.h"

#include <cjose/cjose.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *const algs[] = { "RS256", "ES256", NULL };

static struct {
	pthread_mutex_t lock;
	int n;
	struct { char kid[40]; cjose_jwk_t *jwk; } k[64];
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static cjose_jwk_t *make_key(const char *alg)
{
	cjose_err e;
	static const uint8_t f4[] = { 0x01, 0x00, 0x01 }; /* e = 65537 */
	return !strcmp(alg, "RS256") ? cjose_jwk_create_RSA_random(2048, f4, sizeof f4, &e)
				     : cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &e);
}

/* The public JWK as published: cjose's fields plus alg and use. */
static char *public_json(cjose_jwk_t *jwk, const char *alg)
{
	cjose_err e;
	char *pub = cjose_jwk_to_json(jwk, false, &e);
	json_t *o = pub ? json_loads(pub, 0, NULL) : NULL;
	free(pub);
	if (!o)
		return NULL;
	json_object_set_new(o, "alg", json_string(alg));
	json_object_set_new(o, "use", json_string("sig"));
	char *out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return out;
}

static int insert_key(struct txn *t, const char *alg, json_t *out)
{
	static const char ins[] = "INSERT INTO signing_keys (kid, alg, private_box, public_jwk,"
				  " created_at) VALUES ($1, $2, $3, $4, $5)";
	cjose_err e;
	uint8_t raw[8];
	char kid[17];
	crypto_random(raw, sizeof raw);
	crypto_hex(raw, sizeof raw, kid);
	cjose_jwk_t *jwk = make_key(alg);
	if (!jwk || !cjose_jwk_set_kid(jwk, kid, strlen(kid), &e)) {
		cjose_jwk_release(jwk);
		return -1;
	}
	char *priv = cjose_jwk_to_json(jwk, true, &e), *pub = public_json(jwk, alg);
	cjose_jwk_release(jwk);
	size_t boxlen = 0;
	uint8_t *box = priv ? crypto_seal_blob(priv, strlen(priv), &boxlen) : NULL;
	if (priv)
		sodium_memzero(priv, strlen(priv));
	free(priv);
	int rc = -1;
	if (box && pub) {
		store_stmt *st = store_prep(t->db, ins);
		store_bind_text(st, 1, kid);
		store_bind_text(st, 2, alg);
		store_bind_blob(st, 3, box, boxlen);
		store_bind_text(st, 4, pub);
		store_bind_int(st, 5, t->now);
		rc = store_exec(st) == STORE_DONE &&
				     !journal_append(t, "key_rotate", 0, kid, json_pack("{s:s}", "alg", alg))
			     ? 0 : -1;
	}
	if (!rc) {
		char at[32];
		iso_time(t->now, at);
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:n}", "kid", kid, "alg", alg,
						     "created_at", at, "retired_at"));
	}
	free(box);
	free(pub);
	return rc;
}

int keys_rotate(struct txn *t, json_t *out)
{
	static const char retire[] = "UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL";
	store_stmt *st = store_prep(t->db, retire);
	store_bind_int(st, 1, t->now);
	if (store_exec(st) != STORE_DONE)
		return -1;
	for (const char *const *a = algs; *a; a++)
		if (insert_key(t, *a, out))
			return -1;
	return 0;
}

int keys_present(store_conn *db)
{
	static const char q[] = "SELECT COUNT(DISTINCT alg) FROM signing_keys WHERE retired_at IS NULL";
	int64_t n = store_int_or(store_prep(db, q), -1);
	return n < 0 ? -1 : n == 2;
}

json_t *keys_jwks(store_conn *db, time_t now)
{
	static const char q[] = "SELECT public_jwk FROM signing_keys WHERE retired_at IS NULL"
				" OR retired_at > $1 ORDER BY created_at DESC, kid";
	json_t *keys = json_array();
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, now - KEY_GRACE);
	while (store_step(st) == STORE_ROW) {
		json_t *k = json_loads(store_col_text(st, 0), 0, NULL);
		if (k)
			json_array_append_new(keys, k);
	}
	return json_pack("{s:o}", "keys", keys);
}

json_t *keys_list(store_conn *db)
{
	static const char q[] = "SELECT kid, alg, created_at, retired_at FROM signing_keys"
				" ORDER BY created_at, kid";
	json_t *out = json_array();
	store_stmt *st = store_prep(db, q);
	while (store_step(st) == STORE_ROW) {
		char c[32], r[32];
		iso_time(store_col_int(st, 2), c);
		iso_time(store_col_int(st, 3), r);
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:o}", "kid", store_col_text(st, 0),
						     "alg", store_col_text(st, 1), "created_at", c,
						     "retired_at", store_col_null(st, 3) ? json_null()
											 : json_string(r)));
	}
	return out;
}

/* The unsealed key kid, from the cache or the database.  Called with
 * cache.lock held, which the caller keeps while it uses the key: cjose's
 * reference counts are not atomic, so a key is used by one thread at a time
 * (and stays in the cache for good: a kid never names another key). */
static cjose_jwk_t *key_by_kid(store_conn *db, const char *kid)
{
	static const char q[] = "SELECT private_box FROM signing_keys WHERE kid = $1";
	for (int i = 0; i < cache.n; i++)
		if (!strcmp(cache.k[i].kid, kid))
			return cache.k[i].jwk;
	store_stmt *st = store_prep(db, q);
	store_bind_text(st, 1, kid);
	if (store_step(st) != STORE_ROW)
		return NULL;
	size_t boxlen, n;
	const uint8_t *box = store_col_blob(st, 0, &boxlen);
	char *priv = crypto_open_blob(box, boxlen, &n);
	if (!priv) {
		log_error("signing key %s: not sealed by this key file", kid);
		return NULL;
	}
	cjose_err e;
	cjose_jwk_t *jwk = cjose_jwk_import(priv, n, &e);
	crypto_free_blob(priv);
	if (!jwk || cache.n == (int)(sizeof cache.k / sizeof cache.k[0]) ||
	    strlen(kid) >= sizeof cache.k[0].kid) {
		cjose_jwk_release(jwk);
		return NULL;
	}
	snprintf(cache.k[cache.n].kid, sizeof cache.k[0].kid, "%s", kid);
	cache.k[cache.n++].jwk = jwk;
	return jwk;
}

static char *sign_with(cjose_jwk_t *jwk, const char *alg, const char *kid, json_t *claims)
{
	cjose_err e;
	json_t *hdr = json_pack("{s:s,s:s}", "alg", alg, "typ", "JWT");
	if (kid)
		json_object_set_new(hdr, "kid", json_string(kid));
	char *body = json_dumps(claims, JSON_COMPACT);
	cjose_jws_t *jws = body ? cjose_jws_sign(jwk, (cjose_header_t *)hdr, (const uint8_t *)body,
						 strlen(body), &e) : NULL;
	const char *compact = NULL;
	char *out = jws && cjose_jws_export(jws, &compact, &e) ? strdup(compact) : NULL;
	if (!out)
		log_error("cannot sign an ID token (%s)", jws ? e.message : "signature failed");
	cjose_jws_release(jws);
	free(body);
	json_decref(hdr);
	return out;
}

char *oidc_sign(store_conn *db, const struct oidc_client *c, json_t *claims)
{
	static const char cur[] = "SELECT kid FROM signing_keys WHERE alg = $1 AND retired_at IS NULL"
				  " ORDER BY created_at DESC, kid LIMIT 1";
	cjose_err e;
	if (!strcmp(c->signing, "HS256")) {
		size_t n;
		char *secret = oidc_client_secret(db, c->id, &n);
		cjose_jwk_t *jwk = secret ? cjose_jwk_create_oct_spec((const uint8_t *)secret, n, &e) : NULL;
		crypto_free_blob(secret);
		char *out = jwk ? sign_with(jwk, "HS256", NULL, claims) : NULL;
		cjose_jwk_release(jwk);
		return out;
	}
	store_stmt *st = store_prep(db, cur);
	store_bind_text(st, 1, c->signing);
	if (store_step(st) != STORE_ROW) {
		log_error("no current %s signing key: run acd keys rotate", c->signing);
		return NULL;
	}
	char kid[40];
	snprintf(kid, sizeof kid, "%s", store_col_text(st, 0));
	pthread_mutex_lock(&cache.lock);
	cjose_jwk_t *jwk = key_by_kid(db, kid);
	char *out = jwk ? sign_with(jwk, c->signing, kid, claims) : NULL;
	pthread_mutex_unlock(&cache.lock);
	return out;
}

/* The claims of jws once verified with jwk (new reference), or NULL. */
static json_t *verified_claims(cjose_jws_t *jws, cjose_jwk_t *jwk)
{
	cjose_err e;
	uint8_t *pt;
	size_t n;
	if (!jwk || !cjose_jws_verify(jws, jwk, &e) || !cjose_jws_get_plaintext(jws, &pt, &n, &e))
		return NULL;
	json_t *claims = json_loadb((const char *)pt, n, 0, NULL);
	if (!json_is_object(claims)) {
		json_decref(claims);
		return NULL;
	}
	return claims;
}

json_t *oidc_verify_own(store_conn *db, const char *compact, time_t now)
{
	static const char published[] = "SELECT alg FROM signing_keys WHERE kid = $1"
					" AND (retired_at IS NULL OR retired_at > $2)";
	cjose_err e;
	if (!jws_compact_ok(compact))
		return NULL;
	cjose_jws_t *jws = cjose_jws_import(compact, strlen(compact), &e);
	if (!jws)
		return NULL;
	cjose_header_t *h = cjose_jws_get_protected(jws);
	const char *alg = cjose_header_get(h, CJOSE_HDR_ALG, &e);
	const char *kid = cjose_header_get(h, CJOSE_HDR_KID, &e);
	json_t *claims = NULL;
	if (alg && !strcmp(alg, "HS256")) {
		/* the client's secret is the key: the audience names the client */
		uint8_t *pt;
		size_t n;
		json_t *raw = cjose_jws_get_plaintext(jws, &pt, &n, &e)
				      ? json_loadb((const char *)pt, n, 0, NULL) : NULL;
		struct oidc_client c;
		const char *aud = json_string_value(json_object_get(raw, "aud"));
		if (aud && oidc_client_find(db, aud, &c) == 1 && !strcmp(c.signing, "HS256")) {
			size_t sn;
			char *secret = oidc_client_secret(db, c.id, &sn);
			cjose_jwk_t *jwk = secret ? cjose_jwk_create_oct_spec((const uint8_t *)secret, sn, &e)
						  : NULL;
			crypto_free_blob(secret);
			claims = verified_claims(jws, jwk);
			cjose_jwk_release(jwk);
		}
		json_decref(raw);
	} else if (alg && kid) {
		store_stmt *st = store_prep(db, published);
		store_bind_text(st, 1, kid);
		store_bind_int(st, 2, now - KEY_GRACE);
		if (store_step(st) == STORE_ROW && !strcmp(store_col_text(st, 0), alg)) {
			pthread_mutex_lock(&cache.lock);
			claims = verified_claims(jws, key_by_kid(db, kid));
			pthread_mutex_unlock(&cache.lock);
		}
	}
	cjose_jws_release(jws);
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	if (claims && (!iss || strcmp(iss, oidc_issuer()))) {
		json_decref(claims);
		claims = NULL;
	}
	return claims;
}
