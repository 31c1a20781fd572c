/* api_tokens.c — API tokens (tokens.h): POST /v1/tokens makes one for the
 * caller and shows it once, GET /v1/tokens lists them (an operator: every
 * account's), POST /v1/tokens/revoke ends them.  Only a person with a session
 * reaches these routes: a token never makes a token. */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "crypto.h"
#include "tokens.h"
#include "txn.h"
#include "ac.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 100
#define DAYS_DEFAULT 365
#define DAYS_MAX 730

#define TOKEN_COLS                                                                             \
	"t.id, t.name, t.scopes, t.structure_id, a.email, t.created_at, t.expires_at,"         \
	" t.last_used_at, t.revoked_at"

static json_t *time_or_null(store_stmt *st, int col)
{
	char at[32];
	if (store_col_null(st, col))
		return json_null();
	iso_time(store_col_int(st, col), at);
	return json_string(at);
}

static json_t *token_json(store_stmt *st, time_t now)
{
	json_t *o = json_pack("{s:I,s:s,s:o,s:o,s:s,s:o,s:o,s:o}", "id", (json_int_t)store_col_int(st, 0),
			      "name", store_col_text(st, 1),
			      "scopes", ac_scopes_json((unsigned)store_col_int(st, 2)),
			      "structure", store_col_null(st, 3) ? json_null()
					   : json_integer(store_col_int(st, 3)),
			      "account", store_col_text(st, 4), "created_at", time_or_null(st, 5),
			      "expires_at", time_or_null(st, 6), "last_used_at", time_or_null(st, 7));
	const char *status = !store_col_null(st, 8) ? "revoked"
			     : store_col_int(st, 6) <= now ? "expired" : "active";
	json_object_set_new(o, "status", json_string(status));
	/* null until revoked: every line has the same fields, as --csv's header
	 * is the first line's */
	json_object_set_new(o, "revoked_at", time_or_null(st, 8));
	return o;
}

/* A name people will recognise in a list: 1 to 100 characters, no control. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > NAME_MAX_LEN)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* "scopes": a non-empty list of known scopes, each once. */
static unsigned scopes_of(json_t *a, struct fail *f)
{
	char words[300];
	unsigned mask = 0;
	size_t i;
	json_t *v;
	if (!json_array_size(a)) {
		fail_set(f, 400, "bad_scopes", "\"scopes\" must list one or more of: %s",
			 ac_list_words(ac_scopes, words, sizeof words));
		return 0;
	}
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		unsigned b = 0;
		while (s && ac_scopes[b] && strcmp(ac_scopes[b], s))
			b++;
		if (!s || !ac_scopes[b]) {
			fail_set(f, 400, "bad_scopes", "unknown scope %s%.40s%s; the scopes are: %s",
				 s ? "\"" : "", s ? s : "(not a string)", s ? "\"" : "",
				 ac_list_words(ac_scopes, words, sizeof words));
			return 0;
		}
		if (mask & (1u << b)) {
			fail_set(f, 400, "bad_scopes", "scope \"%s\" is given twice", s);
			return 0;
		}
		mask |= 1u << b;
	}
	return mask;
}

struct new_token {
	const char *name;
	unsigned scopes;
	int64_t structure;
	int days;
	json_t *out;
	struct fail f;
};

static int create_work(struct txn *t, void *arg)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM api_tokens";
	static const char ins[] = "INSERT INTO api_tokens (id, name, account_id, scopes, structure_id,"
				  " token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
	struct new_token *n = arg;
	const struct who *w = &t->r->who;
	char hex[TOKEN_HEX], token[API_TOKEN_LEN + 1], subject[32], exp[32];
	uint8_t hash[32];
	crypto_token_new(hex);
	snprintf(token, sizeof token, "%s%s", API_TOKEN_PREFIX, hex);
	sodium_memzero(hex, sizeof hex);
	crypto_token_hash(token, hash);
	int64_t id = store_int_or(store_prep(t->db, next), 1);
	int64_t expires = (int64_t)t->now + (int64_t)n->days * 86400;
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, n->name);
	store_bind_int(st, 3, w->account);
	store_bind_int(st, 4, n->scopes);
	if (n->structure)
		store_bind_int(st, 5, n->structure);
	else
		store_bind_null(st, 5);
	store_bind_blob(st, 6, hash, sizeof hash);
	store_bind_int(st, 7, t->now);
	store_bind_int(st, 8, expires);
	snprintf(subject, sizeof subject, "token:%lld", (long long)id);
	iso_time((time_t)expires, exp);
	json_t *structure = n->structure ? json_integer(n->structure) : json_null();
	if (store_exec(st) != STORE_DONE ||
	    journal_append(t, "token_create", n->structure ? n->structure : account_home(t->db, w->account),
			   subject, json_pack("{s:s,s:o,s:O,s:s}", "name", n->name, "scopes",
					      ac_scopes_json(n->scopes), "structure", structure,
					      "expires_at", exp))) {
		json_decref(structure);
		sodium_memzero(token, sizeof token);
		return fail_set(&n->f, 500, "internal", "cannot make the token");
	}
	n->out = json_pack("{s:I,s:s,s:o,s:o,s:s,s:s}", "id", (json_int_t)id, "name", n->name,
			   "scopes", ac_scopes_json(n->scopes), "structure", structure,
			   "expires_at", exp, "token", token);
	sodium_memzero(token, sizeof token);
	return 0;
}

/* Why w's rights cannot give scope bit b. */
static const char *who_lacks(unsigned b)
{
	return b == SC_REMINDERS ? "only an operator's, and not narrowed to a structure"
	       : b == SC_MANDATES ? "an aidant's only (mandates are seen by their structure's aidants)"
				  : "an operator's or a référent's only";
}

int api_token_create(struct req *r)
{
	struct new_token n = { 0 };
	json_t *in = req_object(r, body_token_create, &n.f);
	if (!in)
		return reply_fail(r, &n.f);
	n.name = jstr(in, "name", "");
	int64_t days = jint(in, "expires_in", DAYS_DEFAULT);
	n.structure = jint(in, "structure", 0);
	struct who narrowed = r->who;
	if (!name_ok(n.name))
		reply_error(r, 400, "bad_name", "\"name\" must be 1 to %d characters, none a control "
			    "character: what the token is for (\"cron rappels\")", NAME_MAX_LEN);
	else if (!(n.scopes = scopes_of(json_object_get(in, "scopes"), &n.f)))
		reply_fail(r, &n.f);
	else if (days < 1 || days > DAYS_MAX)
		reply_error(r, 400, "bad_expires_in", "\"expires_in\" must be 1 to %d days (default %d)",
			    DAYS_MAX, DAYS_DEFAULT);
	else if (json_object_get(in, "structure") &&
		 (n.structure <= 0 || !structure_exists(r->db, n.structure) ||
		  !authz_member_of(r, n.structure) || token_narrow(&narrowed, n.structure)))
		reply_error(r, 404, "not_found", "no such structure: %lld", (long long)n.structure);
	else {
		unsigned missing = n.scopes & ~token_scopes_possible(&narrowed);
		n.days = (int)days;
		if (missing) {
			unsigned b = 0;
			while (!(missing & (1u << b)))
				b++;
			reply_error(r, 403, "scope_not_allowed", "a token carries at most your rights: "
				    "the scope %s is %s%s", ac_scopes[b], who_lacks(1u << b),
				    n.structure ? " in that structure" : "");
		} else if (txn_run(r, 1, create_work, &n) != 0) {
			if (n.f.status)
				reply_fail(r, &n.f);
		} else
			reply_json(r, 201, n.out);
	}
	json_decref(in);
	return r->status;
}

int api_token_list(struct req *r)
{
	static const char q[] = "SELECT " TOKEN_COLS " FROM api_tokens t JOIN accounts a"
				" ON a.id = t.account_id WHERE ($1 = 1 OR t.account_id = $2)"
				" AND ($3 = 1 OR (t.revoked_at IS NULL AND t.expires_at > $4))"
				" ORDER BY t.id";
	const char *all = req_query(r, "all");
	if (all && strcmp(all, "1") && strcmp(all, "0"))
		return reply_error(r, 400, "bad_filter", "all must be 0 or 1");
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, authz_operator(r));
	store_bind_int(st, 2, r->who.account);
	store_bind_int(st, 3, all && !strcmp(all, "1"));
	store_bind_int(st, 4, r->now);
	json_t *lines = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(lines, token_json(st, r->now));
	if (rc != STORE_DONE) {
		json_decref(lines);
		return reply_error(r, 503, "busy", "the tokens could not be read; retry in a moment");
	}
	return reply_lines(r, lines);
}

static int revoke_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char q[] = "SELECT " TOKEN_COLS ", t.account_id FROM api_tokens t JOIN accounts a"
				" ON a.id = t.account_id WHERE t.id = $1";
	static const char up[] = "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2"
				 " AND revoked_at IS NULL";
	int64_t id = jint(in, "id", 0);
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, id);
	/* someone else's token is not there, unless one is an operator */
	if (store_step(st) != STORE_ROW ||
	    (!authz_operator(t->r) && store_col_int(st, 9) != t->r->who.account))
		return fail_set(f, 404, "not_found", "no such token: %lld", (long long)id);
	if (!store_col_null(st, 8)) {
		json_object_update_new(out, token_json(st, t->now));
		json_object_set_new(out, "changed", json_false());
		return 0;
	}
	char subject[32], name[NAME_MAX_LEN + 1];
	snprintf(name, sizeof name, "%s", store_col_text(st, 1));
	int64_t structure = store_col_null(st, 3) ? account_home(t->db, store_col_int(st, 9))
						  : store_col_int(st, 3);
	snprintf(subject, sizeof subject, "token:%lld", (long long)id);
	st = store_prep(t->db, up);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, id);
	if (store_exec(st) != STORE_DONE ||
	    journal_append(t, "token_revoke", structure, subject, json_pack("{s:s}", "name", name)))
		return fail_set(f, 500, "internal", "cannot revoke the token");
	st = store_prep(t->db, q);
	store_bind_int(st, 1, id);
	store_step(st);
	json_object_update_new(out, token_json(st, t->now));
	json_object_set_new(out, "changed", json_true());
	return 0;
}

int api_token_revoke(struct req *r)
{
	return run_items(r, body_token_revoke, revoke_one);
}
