/* fc_token.c — the ID token's claims as acd checks them (acd/fc_token.c):
 * issuer, audience, expiry with its skew (also at the edge of 2^63, where
 * exp + skew overflowed, found by tests/fuzz/jwt.c), nonce, eIDAS level; and
 * the shape of a compact JWS before cjose reads it (jws.c). */
#include "fc.h"
#include "jws.h"
#include "tap.h"

#include <sodium.h>
#include <stdint.h>

#define NOW 1795600800

static uint8_t nonce_hash[32];

static const char *check(const char *extra)
{
	char txt[600];
	snprintf(txt, sizeof txt, "{\"iss\":\"https://fc.example\",\"aud\":\"me\",\"nonce\":\"n0\","
		 "\"sub\":\"s1\",\"acr\":\"eidas1\",\"exp\":%d%s}", NOW + 60, extra);
	json_t *c = json_loads(txt, 0, NULL);
	const char *why = NULL;
	int rc = fc_id_token_check(c, "https://fc.example", "me", nonce_hash, NOW, &why);
	json_decref(c);
	return rc ? why : "ok";
}

int main(void)
{
	crypto_hash_sha256(nonce_hash, (const uint8_t *)"n0", 2);
	is_str(check(""), "ok", "a good ID token");
	is_str(check(",\"exp\":9223372036854775807"), "ok", "exp at 2^63-1: far off, not expired");
	is_str(check(",\"exp\":-9223372036854775807"), "expired", "exp at -2^63+1: expired");
	char within[40], past[40];
	snprintf(within, sizeof within, ",\"exp\":%d", NOW - 60);
	snprintf(past, sizeof past, ",\"exp\":%d", NOW - 61);
	is_str(check(within), "ok", "expired by the skew (60 s): still good");
	is_str(check(past), "expired", "a second past the skew: expired");
	is_str(check(",\"exp\":\"2026\""), "expired", "exp must be an integer");
	is_str(check(",\"iss\":\"https://fc.example/\""), "wrong issuer", "the issuer exactly");
	is_str(check(",\"aud\":[\"me\",\"other\"]"), "wrong audience", "two audiences and no azp");
	is_str(check(",\"aud\":[\"me\",\"other\"],\"azp\":\"me\""), "ok", "two audiences, azp us");
	is_str(check(",\"nonce\":\"n1\""), "wrong nonce", "another nonce");
	is_str(check(",\"acr\":\"eidas0\""), "insufficient eIDAS level", "eidas0 is too low");
	is_str(check(",\"sub\":\"\""), "no subject", "an empty subject");
	ok(jws_compact_ok("eyJhbGciOiJFUzI1NiJ9.e30.AAAA") && jws_compact_ok("eyJhbGciOiJub25lIn0.e30."),
	   "a compact JWS, signed or not");
	ok(!jws_compact_ok("eyJhbGciOiJFUzI1NiJ9.A=.AA") && !jws_compact_ok("eyJhbGciOiJFUzI1NiJ9.e30.A"),
	   "padding, or a part of 1 mod 4 characters, on which cjose asserts");
	ok(!jws_compact_ok("a.b") && !jws_compact_ok("e30.e30.AA.AA") && !jws_compact_ok(".e30.AA") &&
	   !jws_compact_ok("e30.e+0.AA"), "two parts, four, no header, a character outside base64url");
	return tap_done();
}
