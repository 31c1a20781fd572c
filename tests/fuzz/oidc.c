/* oidc.c (fuzz) — what acd reads of a relying party (acd/oidc_params.c).
 * First byte 0: an authorization request's query, "key=value&...", through
 * oidc_params_add and oidc_params_check as GET /oidc/authorize runs them;
 * 1: a token request's form body, its parameters counted and read as
 * POST /oidc/token does; 2: an Authorization header's Basic credentials. */
#include "oidc.h"
#include "html.h"
#include "server.h"
#include "ac.h"

#include <stdlib.h>
#include <string.h>

/* oidc_scopes lives with the provider's metadata, which reads the configuration */
struct server srv;

static const char *const errors[] = {
	"invalid_request", "request_not_supported", "request_uri_not_supported",
	"registration_not_supported", "unsupported_response_type", "invalid_scope",
	"unmet_authentication_requirements", "login_required", NULL
};

static void authorize(char *query)
{
	struct oidc_params s = { 0 };
	for (char *save = NULL, *kv = strtok_r(query, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = 0;
		oidc_params_add(&s, kv, eq ? eq + 1 : NULL);
	}
	struct oidc_request q = { 0 };
	const char *echo = (const char *)1;
	char why[300] = "";
	const char *error = oidc_params_check(&s, &q, &echo, why);
	if (echo && !oidc_token_ok(echo))
		abort(); /* only a well-formed state goes back to the client */
	if (error) {
		if (!ac_in_list(errors, error) || !*why)
			abort();
		return;
	}
	if (!echo || strcmp(q.state, echo) || !oidc_token_ok(q.nonce) || !*q.scope)
		abort();
	/* rep_scope: démarche codes, comma-separated, each known */
	char rep[sizeof q.rep_scope];
	memcpy(rep, q.rep_scope, sizeof rep);
	for (char *save = NULL, *d = strtok_r(rep, ",", &save); d; d = strtok_r(NULL, ",", &save))
		if (!ac_demarche_find(d))
			abort();
}

static void token(const char *body)
{
	static const char *const names[] = { "grant_type", "code", "redirect_uri", "client_id",
					     "client_secret", NULL };
	char v[1100];
	for (const char *const *n = names; *n; n++) {
		int count = form_count(body, *n), got = form_field(body, *n, v, sizeof v);
		if (count < 0 || (got == 0 && count == 0) || (got == 0 && strlen(v) >= sizeof v))
			abort(); /* a field read is a field there */
	}
}

static void basic(const char *header)
{
	char id[256], secret[256];
	if (oidc_basic_credentials(header, id, secret) == 0 &&
	    (strnlen(id, sizeof id) == sizeof id || strnlen(secret, sizeof secret) == sizeof secret))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *in = malloc(size);
	memcpy(in, data + 1, size - 1);
	in[size - 1] = 0; /* what MHD hands over: C strings */
	switch (data[0] % 3) {
	case 0: authorize(in); break;
	case 1: token(in); break;
	case 2: basic(in); break;
	}
	free(in);
	return 0;
}
