/* api_session.c — POST /v1/session (email + one-time code), GET (who am I),
 * DELETE (log out).  The login's every outcome is journaled; the answers never
 * tell whether an email has an account. */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "code_check.h"
#include "crypto.h"
#include "otp.h"
#include "server.h"
#include "txn.h"
#include "ac.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct login {
	struct code_attempt a;
	char email[256];
	char code[16];
	char token[TOKEN_HEX];
	uint8_t hash[32];       /* the token's, made before the write lock */
	time_t at;              /* the session's start, as the commit wrote it */
	int ok;
};

static int start_session(struct txn *t, struct login *l)
{
	static const char ins[] = "INSERT INTO sessions (token_hash, account_id, created_at, last_seen,"
				  " expires_at) VALUES ($1, $2, $3, $3, $4)";
	store_stmt *st = store_prep(t->db, ins);
	store_bind_blob(st, 1, l->hash, sizeof l->hash);
	store_bind_int(st, 2, l->a.account);
	store_bind_int(st, 3, t->now);
	store_bind_int(st, 4, t->now + (int64_t)srv.cfg.session_hours * 3600);
	if (store_exec(st) != STORE_DONE)
		return -1;
	l->ok = 1;
	return journal_append(t, "login", l->a.home, l->email, json_pack("{s:s}", "card", l->a.serial));
}

static int login_work(struct txn *t, void *arg)
{
	struct login *l = arg;
	l->ok = 0;
	l->a = (struct code_attempt){ .email = l->email, .code = l->code };
	int rc = code_check_email(t, &l->a);
	return rc < 0 ? -1 : rc ? start_session(t, l) : 0;
}

static json_t *whoami(struct req *r, const char *token)
{
	char exp[32];
	iso_time(r->who.session_expires, exp);
	json_t *o = json_pack("{s:s,s:o,s:o,s:s}", "email", r->who.email, "roles", who_roles(&r->who),
			      "structures", who_structures(r->db, &r->who), "expires_at", exp);
	if (token)
		json_object_set_new(o, "token", json_string(token));
	/* called with an API token: which one, and how narrow */
	if (r->who.token)
		json_object_set_new(o, "api_token",
				    json_pack("{s:I,s:o,s:o}", "id", (json_int_t)r->who.token, "scopes",
					      ac_scopes_json(r->who.scopes), "structure",
					      r->who.token_structure ? json_integer(r->who.token_structure)
								     : json_null()));
	return o;
}

/* The login's state, kept in the request while it is parked for the
 * grouped commit (the handler runs twice: before and after). */
static struct login *login_start(struct req *r)
{
	struct fail f;
	json_t *in = req_object(r, body_session_create, &f);
	if (!in) {
		reply_fail(r, &f);
		return NULL;
	}
	struct login *l = calloc(1, sizeof *l);
	snprintf(l->code, sizeof l->code, "%s", jstr(in, "code", ""));
	int bad_email = field_email(in, l->email, &f);
	int bad_code = strlen(jstr(in, "code", "")) >= sizeof l->code || !ac_code_valid(l->code);
	json_decref(in);
	if (bad_email)
		reply_fail(r, &f);
	else if (bad_code)
		reply_error(r, 400, "bad_code", "\"code\" must be the 6 or 8 digits the card shows");
	if (bad_email || bad_code) {
		sodium_memzero(l, sizeof *l);
		free(l);
		return NULL;
	}
	crypto_token_new(l->token);
	crypto_token_hash(l->token, l->hash);
	l->at = r->now; /* the grouped commit's t->now */
	r->kept = l;
	r->kept_len = sizeof *l;
	return l;
}

int api_session_create(struct req *r)
{
	struct login *l = r->kept ? r->kept : login_start(r);
	if (!l)
		return r->status;
	/* a login is one write; concurrent logins share its commit */
	int rc = txn_run_grouped(r, login_work, l);
	if (rc == TXN_PARKED)
		return 0; /* this runs again once committed */
	if (rc != 0)
		return r->status;
	if (!l->ok)
		return reply_fail(r, &l->a.f);
	/* the reply of a login is the same as who-am-I, plus the token */
	auth_load_account(r->db, l->a.account, &r->who);
	r->who.session_expires = l->at + (time_t)srv.cfg.session_hours * 3600;
	return reply_json(r, 201, whoami(r, l->token));
}

int api_session_show(struct req *r) { return reply_json(r, 200, whoami(r, NULL)); }

static int logout_work(struct txn *t, void *arg)
{
	static const char del[] = "DELETE FROM sessions WHERE token_hash = $1";
	store_stmt *st = store_prep(t->db, del);
	store_bind_blob(st, 1, arg, 32);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

int api_session_delete(struct req *r)
{
	uint8_t hash[32];
	const char *h = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, "Authorization");
	crypto_token_hash(h + 7, hash); /* auth_session checked its shape */
	if (txn_run(r, 1, logout_work, hash) != 0)
		return r->status;
	return reply_json(r, 200, json_pack("{s:b}", "ended", 1));
}
