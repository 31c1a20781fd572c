/* oidc_meta.c — what a client learns of acd before it talks to it: the
 * discovery document and the JWKS; the issuer; the usager's subject. */
#include "oidc.h"
#include "crypto.h"
#include "routes.h"
#include "server.h"

#include <stdio.h>

const char *const oidc_scopes[] = { "openid", "given_name", "family_name", "birthdate",
				    "birthplace", "birthcountry", "gender", "email",
				    "preferred_username", "profile", "birth", NULL };
const char *const oidc_claims[] = { "sub", "given_name", "family_name", "birthdate", "gender",
				    "birthplace", "birthcountry", "email", "preferred_username",
				    "acr", "rep_scope", NULL };

const char *oidc_issuer(void) { return srv.cfg.public_url; }

static json_t *string_array(const char *const *s)
{
	json_t *a = json_array();
	for (; *s; s++)
		json_array_append_new(a, json_string(*s));
	return a;
}

int oidc_discovery(struct req *r)
{
	char ep[5][1100];
	const char *names[] = { "authorize", "token", "userinfo", "jwks", "logout" };
	for (int i = 0; i < 5; i++)
		snprintf(ep[i], sizeof ep[i], "%s/oidc/%s", oidc_issuer(), names[i]);
	json_t *d = json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:s,s:[s],s:[s],s:[s],s:[s],s:[sss],s:[ss],s:o,s:o,s:[s],s:b,s:b,"
		"s:b,s:b,s:[ssss]}",
		"issuer", oidc_issuer(), "authorization_endpoint", ep[0], "token_endpoint", ep[1],
		"userinfo_endpoint", ep[2], "jwks_uri", ep[3], "end_session_endpoint", ep[4],
		"response_types_supported", "code", "response_modes_supported", "query",
		"grant_types_supported", "authorization_code", "subject_types_supported", "public",
		"id_token_signing_alg_values_supported", "RS256", "ES256", "HS256",
		"token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post",
		"scopes_supported", string_array(oidc_scopes), "claims_supported",
		string_array(oidc_claims), "acr_values_supported", "eidas1", "claims_parameter_supported", 1,
		"authorization_response_iss_parameter_supported", 1, "request_parameter_supported", 0,
		/* omitted, it would mean true (Discovery §3) */
		"request_uri_parameter_supported", 0, "prompt_values_supported", "none", "login",
		"consent", "select_account");
	return reply_json(r, 200, d);
}

int oidc_jwks(struct req *r)
{
	reply_header(r, "Access-Control-Allow-Origin", "*");
	return reply_json(r, 200, keys_jwks(r->db, r->now));
}

int oidc_usager_sub(store_conn *db, int64_t usager, char hex[65])
{
	static const char q[] = "SELECT sub_hash FROM usagers WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, usager);
	if (store_step(st) != STORE_ROW)
		return -1;
	size_t n;
	const void *h = store_col_blob(st, 0, &n);
	uint8_t out[32];
	crypto_keyed_hash("oidc-sub", h, n, out);
	crypto_hex(out, sizeof out, hex);
	return 0;
}
