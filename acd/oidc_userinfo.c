/* oidc_userinfo.c — GET/POST /oidc/userinfo: the usager's identity for a
 * live access token, while the mandate still holds the démarche.  Its first
 * answer is the use of the mandate: autorisation_use in the journal and the
 * token's used_at, in one transaction.  GET /oidc/logout: end_session. */
#include "oidc.h"
#include "crypto.h"
#include "html.h"
#include "routes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int bearer_error(struct req *r, int status, const char *error, const char *description)
{
	char h[300];
	snprintf(h, sizeof h, "Bearer error=\"%s\"", error); /* ASCII only: the why is in the body */
	reply_header(r, "WWW-Authenticate", h);
	return reply_json(r, status, json_pack("{s:s,s:s}", "error", error, "error_description",
					       description));
}

struct use {
	uint8_t hash[32];
	const char *why;        /* refused: why */
	json_t *identity;
};

/* Each scope granted names the claims it carries (FranceConnect's scopes are
 * the claims' names; profile and birth group them). */
static int granted(const char *scope, const char *claim)
{
	static const char *const profile[] = { "given_name", "family_name", "birthdate", "gender",
					       "preferred_username", NULL };
	static const char *const birth[] = { "birthplace", "birthcountry", NULL };
	char buf[600];
	snprintf(buf, sizeof buf, "%s", scope);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strcmp(w, claim))
			return 1;
		const char *const *group = !strcmp(w, "profile") ? profile : !strcmp(w, "birth") ? birth : NULL;
		for (; group && *group; group++)
			if (!strcmp(*group, claim))
				return 1;
	}
	return 0;
}

static int use_work(struct txn *t, void *arg)
{
	static const char q[] =
		"SELECT k.id, k.account_id, k.structure_id, k.usager_id, k.mandate_id, k.demarche,"
		" k.expires_at, k.revoked_at IS NOT NULL, k.used_at IS NOT NULL, c.scope, a.email,"
		" cl.client_id"
		" FROM oidc_tokens k JOIN oidc_codes c ON c.id = k.code_id"
		" JOIN accounts a ON a.id = k.account_id JOIN oidc_clients cl ON cl.id = k.client_id"
		" WHERE k.token_hash = $1";
	static const char who[] = "SELECT given_name, family_name, birthdate, gender, birthplace,"
				  " birthcountry, email, preferred_username FROM usagers WHERE id = $1";
	static const char mark[] = "UPDATE oidc_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL";
	static const char *const names[] = { "given_name", "family_name", "birthdate", "gender",
					     "birthplace", "birthcountry", "email", "preferred_username" };
	struct use *u = arg;
	store_stmt *k = store_prep(t->db, q);
	store_bind_blob(k, 1, u->hash, 32);
	if (store_step(k) != STORE_ROW) {
		u->why = "unknown access token";
		return 0;
	}
	if (store_col_int(k, 7) || store_col_int(k, 6) <= t->now) {
		u->why = store_col_int(k, 7) ? "the access token was revoked" : "the access token has expired";
		return 0;
	}
	int64_t id = store_col_int(k, 0), structure = store_col_int(k, 2), usager = store_col_int(k, 3);
	int64_t mandate = store_col_int(k, 4), account = store_col_int(k, 1);
	int first = !store_col_int(k, 8);
	char demarche[16], scope[600], actor[256], client[64];
	snprintf(demarche, sizeof demarche, "%s", store_col_text(k, 5));
	snprintf(scope, sizeof scope, "%s", store_col_text(k, 9));
	snprintf(actor, sizeof actor, "%s", store_col_text(k, 10));
	snprintf(client, sizeof client, "%s", store_col_text(k, 11));
	if (!oidc_still_allowed(t->db, mandate, demarche, account, t->now)) {
		u->why = "the mandate is no longer active for this démarche, or the aidant no longer acts "
			 "for its structure";
		return 0;
	}
	char sub[65];
	if (oidc_usager_sub(t->db, usager, sub))
		return -1;
	store_stmt *w = store_prep(t->db, who);
	store_bind_int(w, 1, usager);
	if (store_step(w) != STORE_ROW)
		return -1;
	json_decref(u->identity);
	u->identity = json_pack("{s:s}", "sub", sub);
	for (int i = 0; i < 8; i++)
		if (granted(scope, names[i]))
			json_object_set_new(u->identity, names[i], json_string(store_col_text(w, i)));
	if (!first)
		return 0;
	store_stmt *m = store_prep(t->db, mark);
	store_bind_int(m, 1, t->now);
	store_bind_int(m, 2, id);
	if (store_exec(m) != STORE_DONE)
		return -1;
	char subject[32];
	snprintf(subject, sizeof subject, "usager:%lld", (long long)usager);
	t->actor = actor;
	return journal_append(t, "autorisation_use", structure, subject,
			      json_pack("{s:I,s:s,s:s,s:I}", "mandate", (json_int_t)mandate, "demarche",
					demarche, "client", client, "aidant", (json_int_t)account));
}

int oidc_userinfo(struct req *r)
{
	const char *h = req_header(r, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7))
		return bearer_error(r, 401, "invalid_request", "an Authorization: Bearer header is required");
	if (!hex_ok(h + 7, 64))
		return bearer_error(r, 401, "invalid_token", "unknown access token");
	struct use u = { 0 };
	crypto_token_hash(h + 7, u.hash);
	if (txn_run(r, 1, use_work, &u) != 0) {
		json_decref(u.identity);
		return r->status ? r->status : reply_error(r, 500, "internal", "userinfo failed");
	}
	if (u.why) {
		json_decref(u.identity);
		return bearer_error(r, 401, "invalid_token", u.why);
	}
	return reply_json(r, 200, u.identity);
}

int oidc_logout(struct req *r)
{
	const char *hint = req_query(r, "id_token_hint"), *uri = req_query(r, "post_logout_redirect_uri");
	const char *state = req_query(r, "state");
	json_t *claims = hint && strlen(hint) < 8192 ? oidc_verify_own(r->db, hint, r->now) : NULL;
	struct oidc_client c;
	const char *aud = json_string_value(json_object_get(claims, "aud"));
	int known = aud && oidc_client_find(r->db, aud, &c) == 1;
	json_decref(claims);
	if (known && uri && !strcmp(uri, c.redirect_uri)) {
		char *url = NULL;
		if (oidc_token_ok(state)) {
			if (asprintf(&url, "%s%sstate=%s", uri, strchr(uri, '?') ? "&" : "?", state) < 0)
				url = NULL;
		} else
			url = strdup(uri);
		if (url)
			return reply_page_redirect(r, url, "Vous êtes déconnecté(e)");
	}
	struct page p = { 0 };
	page_begin(&p, "Déconnexion");
	page_raw(&p, "<h1>Vous êtes déconnecté(e)</h1>\n<p class=\"ok\">Aidants Connect ne garde aucune "
		     "session ouverte : chaque connexion demande l'adresse et un code à usage unique. "
		     "Vous pouvez fermer cette page.</p>\n");
	page_end(&p);
	return reply_page(r, 200, &p);
}
