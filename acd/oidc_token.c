/* oidc_token.c — POST /oidc/token: a code, once, for an access token and an
 * ID token (RFC 6749 §4.1.3, OpenID Connect Core §3.1.3).  A code presented
 * a second time is refused and what its first use issued is revoked
 * (RFC 6749 §4.1.2); a code whose mandate or autorisation ended meanwhile
 * gives nothing. */
#include "oidc.h"
#include "crypto.h"
#include "html.h"
#include "routes.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int oauth_error(struct req *r, int status, const char *error, const char *description)
{
	reply_header(r, "Pragma", "no-cache");
	return reply_json(r, status, json_pack("{s:s,s:s}", "error", error, "error_description",
					       description));
}

struct grant {
	const struct oidc_client *c;
	char code[80], redirect_uri[1100];
	/* out */
	const char *error, *why;
	char token[TOKEN_HEX];
	char *id_token;
	char scope[600];
	char actor[80];         /* the journal's actor: "client:ac_…" */
};

static int revoke_reused(struct txn *t, int64_t code_id, int64_t structure, struct grant *g)
{
	static const char rev[] = "UPDATE oidc_tokens SET revoked_at = $1 WHERE code_id = $2"
				  " AND revoked_at IS NULL";
	store_stmt *st = store_prep(t->db, rev);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, code_id);
	if (store_exec(st) != STORE_DONE)
		return -1;
	int64_t n = store_changes(t->db);
	char subject[32];
	snprintf(subject, sizeof subject, "code:%lld", (long long)code_id);
	g->error = "invalid_grant";
	g->why = "this code was already used: what it gave is now revoked";
	return journal_append(t, "token_reuse", structure, subject,
			      json_pack("{s:s,s:I}", "client", g->c->client_id, "revoked", (json_int_t)n));
}

static json_t *id_claims(struct txn *t, struct grant *g, store_stmt *code, const char *sub)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s}", "iss", oidc_issuer(), "aud",
			 g->c->client_id, "sub", sub, "nonce", store_col_text(code, 3), "acr", "eidas1",
			 "iat", (json_int_t)t->now, "exp", (json_int_t)(t->now + OIDC_ID_TOKEN_TTL),
			 "auth_time", (json_int_t)store_col_int(code, 11), "rep_scope",
			 store_col_text(code, 9));
}

static int grant_work(struct txn *t, void *arg)
{
	static const char q[] =
		"SELECT id, client_id, redirect_uri, nonce, scope, account_id, structure_id, usager_id,"
		" mandate_id, demarche, expires_at, auth_time, used_at IS NOT NULL FROM oidc_codes"
		" WHERE code_hash = $1";
	static const char used[] = "UPDATE oidc_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL";
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM oidc_tokens";
	static const char ins[] =
		"INSERT INTO oidc_tokens (id, token_hash, code_id, client_id, account_id, structure_id,"
		" usager_id, mandate_id, demarche, created_at, expires_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
	struct grant *g = arg;
	t->actor = g->actor; /* what this transaction journals, the client does */
	uint8_t hash[32];
	g->error = NULL;
	crypto_token_hash(g->code, hash);
	store_stmt *c = store_prep(t->db, q);
	store_bind_blob(c, 1, hash, 32);
	if (store_step(c) != STORE_ROW || store_col_int(c, 1) != g->c->id) {
		g->error = "invalid_grant";
		g->why = "unknown code, or a code given to another client";
		return 0;
	}
	int64_t code_id = store_col_int(c, 0), structure = store_col_int(c, 6);
	if (store_col_int(c, 12))
		return revoke_reused(t, code_id, structure, g);
	if (store_col_int(c, 10) <= t->now) {
		g->error = "invalid_grant";
		g->why = "the code has expired (it is valid 60 seconds)";
		return 0;
	}
	if (strcmp(store_col_text(c, 2), g->redirect_uri)) {
		g->error = "invalid_grant";
		g->why = "redirect_uri differs from the authorization request's";
		return 0;
	}
	int64_t account = store_col_int(c, 5), usager = store_col_int(c, 7), mandate = store_col_int(c, 8);
	char demarche[16];
	snprintf(demarche, sizeof demarche, "%s", store_col_text(c, 9));
	snprintf(g->scope, sizeof g->scope, "%s", store_col_text(c, 4));
	int live = oidc_still_allowed(t->db, mandate, demarche, account, t->now);
	/* the code is spent whatever follows */
	store_stmt *u = store_prep(t->db, used);
	store_bind_int(u, 1, t->now);
	store_bind_int(u, 2, code_id);
	if (store_exec(u) != STORE_DONE)
		return -1;
	if (!live) {
		g->error = "invalid_grant";
		g->why = "the mandate is no longer active for this démarche";
		return 0;
	}
	char sub[65];
	if (oidc_usager_sub(t->db, usager, sub))
		return -1;
	/* c was reset by the statements above: read the code's row again */
	c = store_prep(t->db, q);
	store_bind_blob(c, 1, hash, 32);
	if (store_step(c) != STORE_ROW)
		return -1;
	json_t *claims = id_claims(t, g, c, sub);
	g->id_token = oidc_sign(t->db, g->c, claims);
	json_decref(claims);
	if (!g->id_token)
		return -1;
	uint8_t th[32];
	crypto_token_new(g->token);
	crypto_token_hash(g->token, th);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, store_int_or(store_prep(t->db, next), 1));
	store_bind_blob(st, 2, th, 32);
	store_bind_int(st, 3, code_id);
	store_bind_int(st, 4, g->c->id);
	store_bind_int(st, 5, account);
	store_bind_int(st, 6, structure);
	store_bind_int(st, 7, usager);
	store_bind_int(st, 8, mandate);
	store_bind_text(st, 9, demarche);
	store_bind_int(st, 10, t->now);
	store_bind_int(st, 11, t->now + OIDC_TOKEN_TTL);
	if (store_exec(st) != STORE_DONE)
		return -1;
	char subject[32];
	snprintf(subject, sizeof subject, "usager:%lld", (long long)usager);
	return journal_append(t, "token_issue", structure, subject,
			      json_pack("{s:I,s:s,s:s,s:I}", "mandate", (json_int_t)mandate, "demarche",
					demarche, "client", g->c->client_id, "aidant", (json_int_t)account));
}

int oidc_token(struct req *r)
{
	const char *body = r->body ? r->body : "";
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33))
		return oauth_error(r, 400, "invalid_request",
				   "the body must be application/x-www-form-urlencoded");
	const char *once[] = { "grant_type", "code", "redirect_uri", "client_id", "client_secret", NULL };
	for (const char **p = once; *p; p++)
		if (form_count(body, *p) > 1)
			return oauth_error(r, 400, "invalid_request", "a parameter is given twice");
	struct oidc_client c;
	if (oidc_client_auth(r, &c))
		return r->status;
	char gt[40];
	struct grant g = { .c = &c };
	snprintf(g.actor, sizeof g.actor, "client:%s", c.client_id);
	if (form_field(body, "grant_type", gt, sizeof gt))
		return oauth_error(r, 400, "invalid_request", "grant_type is required");
	if (strcmp(gt, "authorization_code"))
		return oauth_error(r, 400, "unsupported_grant_type", "grant_type must be authorization_code");
	if (form_field(body, "code", g.code, sizeof g.code) || !hex_ok(g.code, 64))
		return oauth_error(r, 400, form_count(body, "code") ? "invalid_grant" : "invalid_request",
				   "code is missing or is not one of ours");
	if (form_field(body, "redirect_uri", g.redirect_uri, sizeof g.redirect_uri))
		return oauth_error(r, 400, "invalid_request", "redirect_uri is required");
	int rc = txn_run(r, 1, grant_work, &g);
	sodium_memzero(g.code, sizeof g.code);
	if (rc != 0) {
		free(g.id_token);
		return r->status ? r->status : oauth_error(r, 500, "server_error", "the token could not be made");
	}
	if (g.error)
		return oauth_error(r, 400, g.error, g.why);
	reply_header(r, "Pragma", "no-cache");
	reply_json(r, 200, json_pack("{s:s,s:s,s:i,s:s,s:s}", "access_token", g.token, "token_type",
				     "Bearer", "expires_in", OIDC_TOKEN_TTL, "id_token", g.id_token,
				     "scope", g.scope));
	sodium_memzero(g.token, sizeof g.token);
	free(g.id_token);
	return r->status;
}
