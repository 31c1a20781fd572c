/* oidc_clients.c — the clients of acd as identity provider (FranceConnect,
 * test sites): registered by operators (POST /v1/clients, GET /v1/clients),
 * found by client_id, authenticated at the token endpoint.  A secret is shown
 * once; acd keeps its SHA-256, and for an HS256 client (whose ID tokens are
 * MACed with it) the secret itself sealed under the key file. */
#include "oidc.h"
#include "bodies.h"
#include "auth.h"
#include "crypto.h"
#include "html.h"
#include "routes.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CLIENT_COLS "id, client_id, name, redirect_uri, signing, created_at"

static json_t *client_json(store_stmt *st)
{
	char at[32];
	iso_time(store_col_int(st, 5), at);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)store_col_int(st, 0),
			 "client_id", store_col_text(st, 1), "name", store_col_text(st, 2),
			 "redirect_uri", store_col_text(st, 3), "signing", store_col_text(st, 4),
			 "created_at", at);
}

/* An absolute http(s) URL with a host, no fragment, no space or control. */
static int redirect_uri_ok(const char *u)
{
	size_t n = strlen(u);
	const char *host = !strncmp(u, "https://", 8) ? u + 8 : !strncmp(u, "http://", 7) ? u + 7 : NULL;
	if (!host || n > 1000 || !*host || *host == '/' || strchr(u, '#'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

struct new_client {
	json_t *in, *out;
	struct fail f;
};

static int create_work(struct txn *t, void *arg)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM oidc_clients";
	static const char ins[] = "INSERT INTO oidc_clients (id, client_id, name, redirect_uri, signing,"
				  " secret_hash, secret_box, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
	static const char get[] = "SELECT " CLIENT_COLS " FROM oidc_clients WHERE id = $1";
	struct new_client *c = arg;
	const char *name = jstr(c->in, "name", ""), *uri = jstr(c->in, "redirect_uri", "");
	const char *signing = jstr(c->in, "signing", "RS256");
	char raw_id[2 * 16 + 1], client_id[40], secret[TOKEN_HEX];
	uint8_t rnd[16], hash[32];
	crypto_random(rnd, sizeof rnd);
	crypto_hex(rnd, sizeof rnd, raw_id);
	snprintf(client_id, sizeof client_id, "ac_%s", raw_id);
	crypto_token_new(secret);
	crypto_token_hash(secret, hash);
	size_t boxlen = 0;
	uint8_t *box = !strcmp(signing, "HS256") ? crypto_seal_blob(secret, strlen(secret), &boxlen) : NULL;
	int64_t id = store_int_or(store_prep(t->db, next), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, client_id);
	store_bind_text(st, 3, name);
	store_bind_text(st, 4, uri);
	store_bind_text(st, 5, signing);
	store_bind_blob(st, 6, hash, sizeof hash);
	if (box)
		store_bind_blob(st, 7, box, boxlen);
	else
		store_bind_null(st, 7);
	store_bind_int(st, 8, t->now);
	int rc = store_exec(st);
	free(box);
	if (rc != STORE_DONE ||
	    journal_append(t, "client_create", 0, client_id,
			   json_pack("{s:s,s:s,s:s}", "name", name, "redirect_uri", uri, "signing", signing))) {
		sodium_memzero(secret, sizeof secret);
		fail_set(&c->f, 500, "internal", "cannot register the client");
		return -1;
	}
	st = store_prep(t->db, get);
	store_bind_int(st, 1, id);
	store_step(st);
	c->out = client_json(st);
	json_object_set_new(c->out, "client_secret", json_string(secret));
	sodium_memzero(secret, sizeof secret);
	return 0;
}

int api_client_create(struct req *r)
{
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only an operator registers clients");
	struct new_client c = { 0 };
	if (!(c.in = req_object(r, body_client_create, &c.f)))
		return reply_fail(r, &c.f);
	const char *name = jstr(c.in, "name", ""), *signing = jstr(c.in, "signing", "RS256");
	if (!*name || strlen(name) > 200)
		reply_error(r, 400, "bad_name", "\"name\" must be 1 to 200 characters");
	else if (!redirect_uri_ok(jstr(c.in, "redirect_uri", "")))
		reply_error(r, 400, "bad_redirect_uri",
			    "\"redirect_uri\" must be an absolute http(s) URL without fragment, at most "
			    "1000 bytes");
	else if (strcmp(signing, "HS256") && strcmp(signing, "RS256") && strcmp(signing, "ES256"))
		reply_error(r, 400, "bad_signing", "\"signing\" must be HS256, RS256 or ES256");
	else if (txn_run(r, 1, create_work, &c) != 0) {
		if (c.f.status)
			reply_fail(r, &c.f);
	} else
		reply_json(r, 201, c.out);
	json_decref(c.in);
	return r->status;
}

int api_client_list(struct req *r)
{
	static const char q[] = "SELECT " CLIENT_COLS " FROM oidc_clients WHERE active = 1 ORDER BY id";
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only an operator lists clients");
	json_t *lines = json_array();
	store_stmt *st = store_prep(r->db, q);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(lines, client_json(st));
	return reply_lines(r, lines);
}

int oidc_client_find(store_conn *db, const char *client_id, struct oidc_client *c)
{
	static const char q[] = "SELECT id, client_id, name, redirect_uri, signing FROM oidc_clients"
				" WHERE client_id = $1 AND active = 1";
	if (!client_id || strlen(client_id) >= sizeof c->client_id)
		return 0;
	store_stmt *st = store_prep(db, q);
	store_bind_text(st, 1, client_id);
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	c->id = store_col_int(st, 0);
	snprintf(c->client_id, sizeof c->client_id, "%s", store_col_text(st, 1));
	snprintf(c->name, sizeof c->name, "%s", store_col_text(st, 2));
	snprintf(c->redirect_uri, sizeof c->redirect_uri, "%s", store_col_text(st, 3));
	snprintf(c->signing, sizeof c->signing, "%s", store_col_text(st, 4));
	return 1;
}

char *oidc_client_secret(store_conn *db, int64_t id, size_t *n)
{
	static const char q[] = "SELECT secret_box FROM oidc_clients WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW || store_col_null(st, 0))
		return NULL;
	size_t boxlen;
	const uint8_t *box = store_col_blob(st, 0, &boxlen);
	return crypto_open_blob(box, boxlen, n);
}

static int auth_error(struct req *r, int basic, const char *description)
{
	if (basic)
		reply_header(r, "WWW-Authenticate", "Basic realm=\"acd\"");
	return reply_json(r, 401, json_pack("{s:s,s:s}", "error", "invalid_client",
					    "error_description", description));
}

int oidc_client_auth(struct req *r, struct oidc_client *c)
{
	const char *h = req_header(r, "Authorization"), *body = r->body ? r->body : "";
	char id[256] = "", secret[256] = "", posted_id[256] = "";
	int basic = h != NULL, posted = !form_field(body, "client_secret", secret, sizeof secret);
	int has_id = !form_field(body, "client_id", posted_id, sizeof posted_id);
	if (basic && posted) {
		sodium_memzero(secret, sizeof secret);
		return reply_json(r, 400, json_pack("{s:s,s:s}", "error", "invalid_request",
						    "error_description",
						    "use one client authentication method, not two")), -1;
	}
	if (basic && oidc_basic_credentials(h, id, secret))
		return auth_error(r, 1, "malformed Basic credentials"), -1;
	if (!basic)
		memcpy(id, posted_id, sizeof id);
	int rc = -1;
	if (!basic && !posted)
		auth_error(r, 0, "no client authentication (client_secret_basic or client_secret_post)");
	else if (basic && has_id && strcmp(posted_id, id))
		auth_error(r, 1, "client_id differs from the authenticated client");
	else if (oidc_client_find(r->db, id, c) != 1)
		auth_error(r, basic, "unknown client or wrong secret");
	else {
		static const char q[] = "SELECT secret_hash FROM oidc_clients WHERE id = $1";
		uint8_t hash[32];
		size_t n;
		crypto_token_hash(secret, hash);
		store_stmt *st = store_prep(r->db, q);
		store_bind_int(st, 1, c->id);
		const void *want = store_step(st) == STORE_ROW ? store_col_blob(st, 0, &n) : NULL;
		if (want && n == 32 && !sodium_memcmp(want, hash, 32))
			rc = 0;
		else
			auth_error(r, basic, "unknown client or wrong secret");
	}
	sodium_memzero(secret, sizeof secret);
	return rc;
}
