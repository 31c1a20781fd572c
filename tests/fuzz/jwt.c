/* jwt.c (fuzz) — the tokens acd reads from FranceConnect (acd/fc_token.c):
 * the ID token, and the signed userinfo, verified against the provider's
 * JWKS.  The harness is the provider: it makes an ES256 and an RS256 key
 * (a JWKS of their public halves) at start.  First byte 0: the rest is a
 * compact JWS as the network hands it, which must never verify (the
 * fuzzer holds no key); 1 or 2: the rest is the claims, signed here with
 * the EC or the RSA key, which must verify and then go through the ID
 * token's checks; 3: the rest is "header\nclaims", a protected header of
 * the fuzzer's signed with the EC key. */
#include "fc.h"

#include <cjose/cjose.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ISSUER "https://fc.example/api/v2"
#define CLIENT "ac-client-0123"
#define NONCE "nonce-0123456789abcdef"
#define NOW 1795600800

static cjose_jwk_t *ec, *rsa;
static json_t *jwks;
static uint8_t nonce_hash[32];

static void add_public(cjose_jwk_t *k, const char *kid)
{
	cjose_err e;
	char *txt = cjose_jwk_to_json(k, false, &e);
	json_t *pub = json_loads(txt, 0, NULL);
	free(txt);
	json_object_set_new(pub, "kid", json_string(kid));
	json_object_set_new(pub, "use", json_string("sig"));
	json_array_append_new(json_object_get(jwks, "keys"), pub);
}

static void setup(void)
{
	cjose_err e;
	static const uint8_t f4[] = { 1, 0, 1 };
	ec = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &e);
	rsa = cjose_jwk_create_RSA_random(2048, f4, sizeof f4, &e);
	if (!ec || !rsa)
		abort();
	jwks = json_pack("{s:[]}", "keys");
	add_public(ec, "ec-1");
	add_public(rsa, "rsa-1");
	crypto_hash_sha256(nonce_hash, (const uint8_t *)NONCE, strlen(NONCE));
}

/* What fc.c does with a token: the signature, then the ID token's claims. */
static json_t *read_token(const char *compact)
{
	int no_key = -1;
	const char *why = NULL;
	json_t *claims = fc_jws_claims(compact, jwks, &no_key, &why);
	if ((!claims && !why) || (claims && !json_is_object(claims)) || (no_key && claims))
		abort();
	if (claims && fc_id_token_check(claims, ISSUER, CLIENT, nonce_hash, NOW, &why) && !why)
		abort();
	if (claims)
		fc_aud_ok(claims, CLIENT);
	return claims;
}

/* The claims signed under header (stolen); NULL when cjose will not sign. */
static char *sign(cjose_jwk_t *k, cjose_header_t *h, const uint8_t *claims, size_t n)
{
	cjose_err e;
	cjose_jws_t *jws = cjose_jws_sign(k, h, claims, n, &e);
	const char *ser = NULL;
	char *out = jws && cjose_jws_export(jws, &ser, &e) ? strdup(ser) : NULL;
	cjose_jws_release(jws);
	cjose_header_release(h);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!jwks)
		setup();
	if (size < 1)
		return 0;
	const uint8_t *rest = data + 1;
	size_t n = size - 1;
	cjose_err e;
	int mode = data[0] % 4;
	if (mode == 0) {
		char *compact = malloc(n + 1);
		memcpy(compact, rest, n);
		compact[n] = 0;
		json_t *claims = read_token(compact);
		if (claims)
			abort(); /* a token verified that no key of ours signed */
		free(compact);
		return 0;
	}
	cjose_header_t *h = NULL;
	if (mode == 3) {
		const uint8_t *nl = memchr(rest, '\n', n);
		if (!nl)
			return 0;
		h = (cjose_header_t *)json_loadb((const char *)rest, (size_t)(nl - rest), 0, NULL);
		if (!json_is_object((json_t *)h)) {
			json_decref((json_t *)h);
			return 0;
		}
		n -= (size_t)(nl + 1 - rest);
		rest = nl + 1;
	} else {
		h = cjose_header_new(&e);
		cjose_header_set(h, CJOSE_HDR_ALG, mode == 1 ? "ES256" : "RS256", &e);
		cjose_header_set(h, CJOSE_HDR_KID, mode == 1 ? "ec-1" : "rsa-1", &e);
	}
	char *compact = sign(mode == 2 ? rsa : ec, h, rest, n);
	if (!compact)
		return 0;
	json_t *claims = read_token(compact);
	json_t *want = json_loadb((const char *)rest, n, 0, NULL);
	/* our own key's token with an object for claims verifies, as those claims */
	if (mode != 3 && json_is_object(want) && !json_equal(claims, want))
		abort();
	json_decref(want);
	json_decref(claims);
	free(compact);
	return 0;
}
