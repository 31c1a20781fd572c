/* tokens.c — requests made with an API token (tokens.h). */
#include "tokens.h"
#include "auth.h"
#include "routes.h"
#include "crypto.h"
#include "server.h"
#include "ac.h"

#include <string.h>

int token_narrow(struct who *w, int64_t structure)
{
	if (!structure)
		return 0;
	int kept = 0;
	for (int i = 0; i < w->nmember; i++)
		if (w->member[i].structure == structure)
			w->member[kept++] = w->member[i];
	w->nmember = kept;
	if (!kept && w->operator)
		w->member[w->nmember++] = (struct membership){ structure, 0, 1 };
	w->operator = 0;
	return w->nmember ? 0 : -1;
}

unsigned token_scopes_possible(const struct who *w)
{
	if (w->operator)
		return SC_ANY;
	unsigned s = 0;
	for (int i = 0; i < w->nmember; i++) {
		if (w->member[i].referent)
			s |= SC_STATS | SC_JOURNAL | SC_AIDANTS | SC_CARDS | SC_HABILITATIONS;
		if (w->member[i].aidant)
			s |= SC_MANDATES;
	}
	return s;
}

int token_auth(struct req *r, const char *token)
{
	static const char q[] = "SELECT id, account_id, scopes, structure_id, expires_at, revoked_at,"
				" last_used_at FROM api_tokens WHERE token_hash = $1";
	static const char touch[] = "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2";
	uint8_t hash[32];
	crypto_token_hash(token, hash);
	store_stmt *st = store_prep(r->db, q);
	store_bind_blob(st, 1, hash, sizeof hash);
	if (store_step(st) != STORE_ROW) {
		reply_error(r, 401, "not_logged_in", "unknown API token");
		return -1;
	}
	int64_t id = store_col_int(st, 0), account = store_col_int(st, 1);
	unsigned scopes = (unsigned)store_col_int(st, 2);
	int64_t structure = store_col_null(st, 3) ? 0 : store_col_int(st, 3);
	int64_t expires = store_col_int(st, 4), last = store_col_int(st, 6);
	int never_used = store_col_null(st, 6);
	if (!store_col_null(st, 5)) {
		reply_error(r, 401, "not_logged_in", "API token %lld was revoked", (long long)id);
		return -1;
	}
	if (expires <= r->now) {
		reply_error(r, 401, "not_logged_in", "API token %lld has expired: make another "
			    "(ac-token-new)", (long long)id);
		return -1;
	}
	/* the creator's rights as they are now: a leaver's token has none */
	if (auth_load_account(r->db, account, &r->who)) {
		reply_error(r, 401, "not_logged_in", "API token %lld: its account is no longer active",
			    (long long)id);
		return -1;
	}
	if (token_narrow(&r->who, structure)) {
		reply_error(r, 401, "not_logged_in", "API token %lld: its account no longer belongs "
			    "to structure %lld", (long long)id, (long long)structure);
		return -1;
	}
	r->who.token = id;
	r->who.scopes = scopes;
	r->who.token_structure = structure;
	r->who.session_expires = (time_t)expires;
	snprintf(r->who.actor, sizeof r->who.actor, "token:%lld", (long long)id);
	/* kept to the minute, as a session's last request */
	if ((never_used || r->now - last >= 60) && store_begin(r->db, 1) == STORE_OK) {
		st = store_prep(r->db, touch);
		store_bind_int(st, 1, r->now);
		store_bind_int(st, 2, id);
		if (store_exec(st) != STORE_DONE || store_commit(r->db) != STORE_OK)
			store_rollback(r->db);
	}
	return 0;
}

int token_route_check(struct req *r, unsigned route_scopes)
{
	if (!r->who.token || (route_scopes & r->who.scopes))
		return 0;
	char has[200] = "", needs[200] = "";
	for (unsigned b = 0; ac_scopes[b]; b++) {
		char *to = (r->who.scopes & (1u << b)) ? has : (route_scopes & (1u << b)) ? needs : NULL;
		if (to) {
			size_t n = strlen(to);
			snprintf(to + n, 200 - n, "%s%s", n ? ", " : "", ac_scopes[b]);
		}
	}
	if (!route_scopes)
		reply_error(r, 403, "insufficient_scope", "no API token may call %s %s: log in "
			    "(ac-login) to do this", r->method, r->route->path);
	else
		reply_error(r, 403, "insufficient_scope", "API token %lld has the scopes %s; %s %s "
			    "needs %s", (long long)r->who.token, has, r->method, r->route->path, needs);
	return -1;
}
