/* auth.c — sessions from bearer tokens, and the authorization predicates. */
#include "ac.h"
#include "auth.h"
#include "crypto.h"
#include "server.h"
#include "tokens.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

int auth_load_account(store_conn *db, int64_t account, struct who *w)
{
	static const char qa[] =
		"SELECT email, is_operator FROM accounts WHERE id = $1 AND active = 1 AND locked = 0";
	static const char qm[] =
		"SELECT m.structure_id, m.is_aidant, m.is_referent FROM memberships m"
		" JOIN structures s ON s.id = m.structure_id"
		" WHERE m.account_id = $1 AND m.active = 1 AND s.active = 1 ORDER BY m.structure_id";
	store_stmt *st = store_prep(db, qa);
	store_bind_int(st, 1, account);
	if (store_step(st) != STORE_ROW)
		return -1;
	w->account = account;
	snprintf(w->email, sizeof w->email, "%s", store_col_text(st, 0));
	w->operator = (int)store_col_int(st, 1);
	st = store_prep(db, qm);
	store_bind_int(st, 1, account);
	w->nmember = 0;
	while (store_step(st) == STORE_ROW && w->nmember < MAX_MEMBERSHIPS) {
		struct membership *m = &w->member[w->nmember++];
		m->structure = store_col_int(st, 0);
		m->aidant = (int)store_col_int(st, 1);
		m->referent = (int)store_col_int(st, 2);
	}
	return 0;
}

int auth_session(struct req *r)
{
	static const char q[] = "SELECT account_id, last_seen, expires_at FROM sessions"
				" WHERE token_hash = $1";
	static const char touch[] = "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2";
	const char *h = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, "Authorization");
	if (h && !strncmp(h, "Bearer " API_TOKEN_PREFIX, 7 + strlen(API_TOKEN_PREFIX)) &&
	    strlen(h + 7) == API_TOKEN_LEN)
		return token_auth(r, h + 7);
	if (!h || strncmp(h, "Bearer ", 7) || strlen(h + 7) != TOKEN_HEX - 1) {
		reply_error(r, 401, "not_logged_in", "log in first (ac-login)");
		return -1;
	}
	uint8_t hash[32];
	crypto_token_hash(h + 7, hash);
	store_stmt *st = store_prep(r->db, q);
	store_bind_blob(st, 1, hash, sizeof hash);
	int64_t idle = (int64_t)srv.cfg.idle_minutes * 60;
	if (store_step(st) != STORE_ROW || store_col_int(st, 2) <= r->now ||
	    store_col_int(st, 1) + idle <= r->now) {
		reply_error(r, 401, "not_logged_in", "the session has expired or ended: log in again (ac-login)");
		return -1;
	}
	int64_t account = store_col_int(st, 0), last = store_col_int(st, 1);
	r->who.session_expires = (time_t)store_col_int(st, 2);
	if (auth_load_account(r->db, account, &r->who)) {
		reply_error(r, 401, "not_logged_in", "this account is no longer active");
		return -1;
	}
	/* idle time is tracked to the minute: no write on every request; when
	 * due, a transaction of its own, queued like any other writer */
	if (r->now - last >= 60 && store_begin(r->db, 1) == STORE_OK) {
		st = store_prep(r->db, touch);
		store_bind_int(st, 1, r->now);
		store_bind_blob(st, 2, hash, sizeof hash);
		if (store_exec(st) != STORE_DONE || store_commit(r->db) != STORE_OK)
			store_rollback(r->db);
	}
	return 0;
}

int authz_operator(const struct req *r) { return r->who.operator; }

int authz_referent_of(const struct req *r, int64_t structure)
{
	if (r->who.operator)
		return 1;
	for (int i = 0; i < r->who.nmember; i++)
		if (r->who.member[i].structure == structure && r->who.member[i].referent)
			return 1;
	return 0;
}

int authz_member_of(const struct req *r, int64_t structure)
{
	if (r->who.operator)
		return 1;
	for (int i = 0; i < r->who.nmember; i++)
		if (r->who.member[i].structure == structure)
			return 1;
	return 0;
}

int authz_aidant_of(const struct req *r, int64_t structure)
{
	for (int i = 0; i < r->who.nmember; i++)
		if (r->who.member[i].structure == structure && r->who.member[i].aidant)
			return 1;
	return 0;
}

int authz_referent_anywhere(const struct req *r)
{
	for (int i = 0; i < r->who.nmember; i++)
		if (r->who.member[i].referent)
			return 1;
	return r->who.operator;
}

int structure_exists(store_conn *db, int64_t id)
{
	static const char q[] = "SELECT COUNT(*) FROM structures WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	return store_int_or(st, 0) == 1;
}

int authz_manages_account(struct req *r, int64_t account, int past)
{
	static const char q[] = "SELECT structure_id FROM memberships WHERE account_id = $1"
				" AND (active = 1 OR $2 = 1)";
	if (r->who.operator)
		return 1;
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, account);
	store_bind_int(st, 2, past);
	while (store_step(st) == STORE_ROW)
		if (authz_referent_of(r, store_col_int(st, 0)))
			return 1;
	return 0;
}

/* -1: the account is an operator or has an active membership the caller does
 * not manage; otherwise the number of its active memberships. */
static int memberships_within(struct req *r, int64_t account)
{
	static const char qa[] = "SELECT is_operator FROM accounts WHERE id = $1";
	static const char qm[] = "SELECT structure_id FROM memberships WHERE account_id = $1"
				 " AND active = 1";
	store_stmt *st = store_prep(r->db, qa);
	store_bind_int(st, 1, account);
	if (store_int_or(st, 1) != 0)
		return -1;
	st = store_prep(r->db, qm);
	store_bind_int(st, 1, account);
	int n = 0;
	while (store_step(st) == STORE_ROW) {
		if (!authz_referent_of(r, store_col_int(st, 0)))
			return -1;
		n++;
	}
	return n;
}

int authz_account_within(struct req *r, int64_t account)
{
	return r->who.operator || memberships_within(r, account) >= 0;
}

int authz_manages_whole(struct req *r, int64_t account)
{
	return r->who.operator || memberships_within(r, account) > 0;
}

int64_t account_home(store_conn *db, int64_t account)
{
	static const char q[] = "SELECT MIN(structure_id) FROM memberships WHERE account_id = $1"
				" AND active = 1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, account);
	return store_int_or(st, 0);
}

int req_structure_filter(struct req *r, int64_t *structure)
{
	const char *s = req_query(r, "structure");
	/* a token narrowed to a structure lists that one's only */
	*structure = r->who.token_structure;
	if (!s)
		return 0;
	int64_t id = ac_text_id(s);
	if (!id) {
		reply_error(r, 400, "bad_structure", "structure must be a structure id (a whole number)");
		return -1;
	}
	if (!structure_exists(r->db, id) || !authz_member_of(r, id)) {
		reply_error(r, 404, "not_found", "no such structure: %lld", (long long)id);
		return -1;
	}
	*structure = id;
	return 0;
}

json_t *who_roles(const struct who *w)
{
	int aidant = 0, referent = 0;
	for (int i = 0; i < w->nmember; i++) {
		aidant |= w->member[i].aidant;
		referent |= w->member[i].referent;
	}
	json_t *a = json_array();
	if (w->operator)
		json_array_append_new(a, json_string("operator"));
	if (referent)
		json_array_append_new(a, json_string("referent"));
	if (aidant)
		json_array_append_new(a, json_string("aidant"));
	return a;
}

json_t *who_structures(store_conn *db, const struct who *w)
{
	static const char q[] = "SELECT name FROM structures WHERE id = $1";
	json_t *a = json_array();
	for (int i = 0; i < w->nmember; i++) {
		const struct membership *m = &w->member[i];
		store_stmt *st = store_prep(db, q);
		store_bind_int(st, 1, m->structure);
		const char *name = store_step(st) == STORE_ROW ? store_col_text(st, 0) : "";
		json_t *roles = json_array();
		if (m->referent)
			json_array_append_new(roles, json_string("referent"));
		if (m->aidant)
			json_array_append_new(roles, json_string("aidant"));
		json_array_append_new(a, json_pack("{s:I,s:s,s:o}", "id", (json_int_t)m->structure,
						   "name", name, "roles", roles));
	}
	return a;
}

int aidant_structure(struct req *r, int64_t given, int64_t *structure, struct fail *f)
{
	if (given) {
		if (!authz_aidant_of(r, given))
			return fail_set(f, 404, "not_found", "no such structure: %lld", (long long)given);
		*structure = given;
		return 0;
	}
	int n = 0;
	for (int i = 0; i < r->who.nmember; i++)
		if (r->who.member[i].aidant) {
			*structure = r->who.member[i].structure;
			n++;
		}
	if (n == 0)
		return fail_set(f, 403, "not_aidant", "only an aidant of a structure can do this");
	if (n > 1)
		return fail_set(f, 400, "structure_required",
				"you are aidant of %d structures: say which one with \"structure\"", n);
	return 0;
}
