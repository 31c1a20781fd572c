/* fc.h — acd as an OpenID Connect client of FranceConnect: the authorization
 * request, then the code exchanged, the ID token verified (signature against
 * the provider's JWKS, iss, aud, exp, nonce, acr) and userinfo fetched.  The
 * provider's endpoints and keys come from its discovery document, so any
 * conformant provider can stand in. */
#ifndef FC_H
#define FC_H
#include "req.h"

#define FC_SCOPES "openid given_name family_name birthdate birthplace birthcountry gender " \
		  "email preferred_username"

struct fc_identity {
	char sub[256];
	char given_name[256], family_name[256], birthdate[16], birthplace[16], birthcountry[16];
	char gender[16], email[256], preferred_username[256];
};

/* Reads the client secret file; 0, or -1 with a sentence in err.  Without
 * fc-issuer acd runs without mandates (fc_configured() == 0). */
int fc_setup(char *err, size_t errlen);
int fc_configured(void);
/* The provider's origin (scheme://host:port), for the pages' form-action. */
const char *fc_origin(void);
/* The URL to send the browser to (malloc'd), or NULL with f filled. */
char *fc_authorize_url(const char *state, const char *nonce, struct fail *f);
/* Exchanges code, verifies the ID token (its nonce must hash, SHA-256, to
 * nonce_hash), reads userinfo. */
int fc_finish(const char *code, const uint8_t nonce_hash[32], struct fc_identity *id,
	      struct fail *f);
/* fc_token.c: the claims (new reference) of a compact JWS signed with a key
 * of jwks ({"keys":[...]}) by RS256 or ES256, or NULL with why; *no_key
 * when the token names a key jwks does not hold (read the keys again). */
json_t *fc_jws_claims(const char *compact, json_t *jwks, int *no_key, const char **why);
/* An ID token's claims for client_id from issuer at now, its nonce hashing
 * (SHA-256) to nonce_hash: 0, or -1 with why. */
int fc_id_token_check(json_t *claims, const char *issuer, const char *client_id,
		      const uint8_t nonce_hash[32], time_t now, const char **why);
/* aud names client_id, alone or as the authorized party (azp): 1. */
int fc_aud_ok(json_t *claims, const char *client_id);
/* The hashes a caller keeps of a trip, in its own table, until the return. */
struct fc_trip {
	uint8_t state_hash[32], nonce_hash[32], browser_hash[32];
};
struct txn;
/* Sends the browser (its cookie value: browser) to FranceConnect: fills trip,
 * runs save(t, arg) in a write transaction to keep it, and replies the 303
 * (or an error page). */
int fc_depart(struct req *, const char *browser, struct fc_trip *trip, int (*save)(struct txn *, void *),
	      void *arg);
/* At /fc/callback, once the state is found: checks the answer's iss, error and
 * code, then fc_finish().  0 with who filled; or -1 with an error page
 * replied, whose text ends with again ("Rouvrez ... pour recommencer."). */
int fc_return(struct req *, const uint8_t nonce_hash[32], const char *again, struct fc_identity *who);
#endif
