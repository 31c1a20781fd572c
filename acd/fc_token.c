/* fc_token.c — what acd reads of FranceConnect's tokens, apart from the
 * network: a compact JWS verified with cjose against the provider's JWKS
 * (RS256 or ES256 only), and the ID token's claims checked (iss, aud, exp,
 * iat, nonce, acr, sub).  fc.c fetches; the fuzzer (tests/fuzz/jwt.c) reads
 * the same code. */
#include "fc.h"
#include "jws.h"

#include <cjose/cjose.h>
#include <sodium.h>
#include <string.h>

#define CLOCK_SKEW 60   /* seconds of disagreement tolerated on exp and iat */

/* The JWKS key the token's header names, of the type its alg needs. */
static cjose_jwk_t *find_key(json_t *jwks, const char *kid, const char *kty)
{
	json_t *k;
	size_t i;
	json_array_foreach(json_object_get(jwks, "keys"), i, k) {
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *kk = json_string_value(json_object_get(k, "kid"));
		const char *t = json_string_value(json_object_get(k, "kty"));
		if ((use && strcmp(use, "sig")) || !t || strcmp(t, kty))
			continue;
		if (kid && (!kk || strcmp(kk, kid)))
			continue;
		cjose_err e;
		return cjose_jwk_import_json((cjose_header_t *)k, &e);
	}
	return NULL;
}

int fc_aud_ok(json_t *claims, const char *me)
{
	json_t *aud = json_object_get(claims, "aud");
	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), me);
	if (!json_is_array(aud))
		return 0;
	size_t i;
	json_t *a;
	int mine = 0;
	json_array_foreach(aud, i, a) mine |= json_is_string(a) && !strcmp(json_string_value(a), me);
	/* several audiences: the token must name us as its authorized party */
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	return mine && (json_array_size(aud) == 1 || (azp && !strcmp(azp, me)));
}

json_t *fc_jws_claims(const char *compact, json_t *jwks, int *no_key, const char **why)
{
	cjose_err e;
	*no_key = 0;
	cjose_jws_t *jws = jws_compact_ok(compact) ? cjose_jws_import(compact, strlen(compact), &e)
						   : NULL;
	if (!jws) {
		*why = "malformed";
		return NULL;
	}
	cjose_header_t *h = cjose_jws_get_protected(jws);
	const char *alg = cjose_header_get(h, CJOSE_HDR_ALG, &e);
	const char *kid = cjose_header_get(h, CJOSE_HDR_KID, &e);
	/* asymmetric only: "none" and HMAC (alg confusion) are refused */
	const char *kty = !alg ? NULL : !strcmp(alg, "RS256") ? "RSA" : !strcmp(alg, "ES256") ? "EC" : NULL;
	json_t *claims = NULL;
	cjose_jwk_t *key = kty ? find_key(jwks, kid, kty) : NULL;
	if (!kty) {
		*why = "unexpected signature algorithm";
	} else if (!key) {
		*no_key = 1;
		*why = "signed with an unknown key";
	} else if (!cjose_jws_verify(jws, key, &e)) {
		*why = "bad signature";
	} else {
		uint8_t *pt;
		size_t ptlen;
		if (!cjose_jws_get_plaintext(jws, &pt, &ptlen, &e) ||
		    !(claims = json_loadb((const char *)pt, ptlen, 0, NULL)) || !json_is_object(claims)) {
			json_decref(claims);
			claims = NULL;
			*why = "unreadable claims";
		}
	}
	cjose_jwk_release(key);
	cjose_jws_release(jws);
	return claims;
}

int fc_id_token_check(json_t *claims, const char *issuer, const char *client_id,
		      const uint8_t nonce_hash[32], time_t now, const char **why)
{
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *got_nonce = json_string_value(json_object_get(claims, "nonce"));
	const char *acr = json_string_value(json_object_get(claims, "acr"));
	json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
	if (!iss || strcmp(iss, issuer)) {
		*why = "wrong issuer";
		return -1;
	}
	if (!fc_aud_ok(claims, client_id)) {
		*why = "wrong audience";
		return -1;
	}
	/* now - skew: exp + skew would overflow on an exp near 2^63 */
	if (!json_is_integer(exp) || json_integer_value(exp) < (json_int_t)now - CLOCK_SKEW) {
		*why = "expired";
		return -1;
	}
	if (json_is_integer(iat) && json_integer_value(iat) > now + CLOCK_SKEW) {
		*why = "issued in the future";
		return -1;
	}
	uint8_t got_hash[32];
	if (got_nonce)
		crypto_hash_sha256(got_hash, (const uint8_t *)got_nonce, strlen(got_nonce));
	if (!got_nonce || sodium_memcmp(got_hash, nonce_hash, 32)) {
		*why = "wrong nonce";
		return -1;
	}
	if (acr && strcmp(acr, "eidas1") && strcmp(acr, "eidas2") && strcmp(acr, "eidas3")) {
		*why = "insufficient eIDAS level";
		return -1;
	}
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	if (!sub || !*sub || strlen(sub) >= sizeof ((struct fc_identity *)0)->sub) {
		*why = "no subject";
		return -1;
	}
	return 0;
}
