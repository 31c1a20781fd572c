/* api_session.c — POST /v1/session (email + one-time code), GET (who am I),
 * DELETE (log out).  The login's every outcome is journaled; the answers never
 * tell whether an email has an account. */
#include "routes.h"
#include "auth.h"
#include "crypto.h"
#include "otp.h"
#include "server.h"
#include "shadow.h"
#include "throttle.h"
#include "txn.h"
#include "ac.h"

#include <microhttpd.h>
#include <sodium.h>
#include <string.h>

#define WIDE_WINDOW 10 /* steps a physical card may drift before it needs two codes */

struct login {
	char email[256];
	int64_t home;           /* the journal's structure for this account's entries */
	char code[16];
	int64_t account;
	char token[TOKEN_HEX];
	struct fail f;
	int ok;
};

static const char *const REFUSED =
	"login refused: wrong email or code, or no active card, or a deactivated account "
	"(a référent of your structure can check)";

static void refuse_locked(struct login *l)
{
	fail_set(&l->f, 401, "locked",
		 "too many failed attempts: this account is locked; a référent of its structure or "
		 "an operator can unlock it (ac-aidant-unlock)");
}

/* Counts a failure: the growing delay, then the lockout.  A drifted card's
 * first code counts too (a random guess may land in the wide window) but
 * sets no delay: its next code must get through at once. */
static int fail_login(struct txn *t, struct login *l, const char *reason, int64_t failures,
		      int64_t next_try)
{
	static const char up[] = "UPDATE accounts SET failures = $1, next_try_at = $2, locked = $3"
				 " WHERE id = $4";
	int64_t n = failures + 1;
	int locked = n >= srv.cfg.lockout_after, drift = !strcmp(reason, "card_drift");
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, n);
	/* once locked, next_try_at paces the journaling of refused attempts */
	store_bind_int(st, 2, locked ? t->now : drift ? next_try
					  : throttle_until(t->now, (int)n, srv.cfg.throttle_cap));
	store_bind_int(st, 3, locked);
	store_bind_int(st, 4, l->account);
	if (store_exec(st) != STORE_DONE)
		return -1;
	if (journal_append(t, "login_failed", l->home, l->email,
			   json_pack("{s:s,s:I}", "reason", reason, "failures", (json_int_t)n)))
		return -1;
	if (locked) {
		/* a locked account keeps no session: an unlock does not revive them */
		static const char ends[] = "DELETE FROM sessions WHERE account_id = $1";
		st = store_prep(t->db, ends);
		store_bind_int(st, 1, l->account);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "lockout", l->home, l->email, json_pack("{s:I}", "failures", (json_int_t)n)))
			return -1;
		refuse_locked(l);
	} else if (drift) {
		fail_set(&l->f, 401, "next_code",
			 "the card's clock has drifted: type the next code it shows to resynchronize it");
	} else if (!strcmp(reason, "replayed")) {
		fail_set(&l->f, 401, "code_used",
			 "this code was already used: wait for the card to show the next one");
	} else if (!strcmp(reason, "throttled")) {
		fail_set(&l->f, 429, "throttled", "too many failed attempts: wait %lld s before the next one",
			 throttle_until(t->now, (int)n, srv.cfg.throttle_cap) - t->now);
	} else {
		fail_set(&l->f, 401, "login_refused", "%s", REFUSED);
	}
	return 0;
}

/* A locked account is refused; the attempt is journaled, once a minute at most
 * (next_try_at paces it) so that knocking cannot flood the journal. */
static int refuse_while_locked(struct txn *t, struct login *l, int64_t next_try)
{
	static const char pace[] = "UPDATE accounts SET next_try_at = $1 WHERE id = $2";
	refuse_locked(l);
	if (t->now < next_try)
		return 0;
	store_stmt *st = store_prep(t->db, pace);
	store_bind_int(st, 1, t->now + 60);
	store_bind_int(st, 2, l->account);
	if (store_exec(st) != STORE_DONE)
		return -1;
	return journal_append(t, "login_failed", l->home, l->email, json_pack("{s:s}", "reason", "locked"));
}

static int start_session(struct txn *t, struct login *l, const char *serial)
{
	static const char reset[] = "UPDATE accounts SET failures = 0, next_try_at = 0 WHERE id = $1";
	static const char ins[] = "INSERT INTO sessions (token_hash, account_id, created_at, last_seen,"
				  " expires_at) VALUES ($1, $2, $3, $3, $4)";
	store_stmt *st = store_prep(t->db, reset);
	store_bind_int(st, 1, l->account);
	if (store_exec(st) != STORE_DONE)
		return -1;
	uint8_t hash[32];
	crypto_token_new(l->token);
	crypto_token_hash(l->token, hash);
	st = store_prep(t->db, ins);
	store_bind_blob(st, 1, hash, sizeof hash);
	store_bind_int(st, 2, l->account);
	store_bind_int(st, 3, t->now);
	store_bind_int(st, 4, t->now + (int64_t)srv.cfg.session_hours * 3600);
	if (store_exec(st) != STORE_DONE)
		return -1;
	l->ok = 1;
	return journal_append(t, "login", l->home, l->email, json_pack("{s:s}", "card", serial));
}

/* Accepts step s of card id once: the conditional update is the replay guard,
 * also between concurrent requests and several acd on one database. */
static int accept_step(struct txn *t, int64_t card, int64_t s, int64_t drift)
{
	static const char up[] = "UPDATE cards SET last_step = $1, drift = $2, resync_step = NULL,"
				 " state = 'active' WHERE id = $3 AND last_step < $1";
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, s);
	store_bind_int(st, 2, drift);
	store_bind_int(st, 3, card);
	if (store_exec(st) != STORE_DONE)
		return -1;
	return store_changes(t->db) == 1 ? 1 : 0;
}

enum verdict { V_NONE, V_OK, V_REPLAY, V_DRIFT, V_ERR };

static enum verdict try_card(struct txn *t, struct login *l, store_stmt *st, char *serial)
{
	static const char pend[] = "UPDATE cards SET resync_step = $1 WHERE id = $2";
	int64_t id = store_col_int(st, 0);
	snprintf(serial, 64, "%s", store_col_text(st, 1));
	int physical = !strcmp(store_col_text(st, 2), "physical");
	int linked = !strcmp(store_col_text(st, 3), "linked");
	size_t boxlen;
	const uint8_t *box = store_col_blob(st, 4, &boxlen);
	uint8_t seed[SEED_MAX];
	int seedlen = crypto_open(box, boxlen, seed);
	if (seedlen < 0)
		return V_NONE; /* sealed under another key: never matches */
	struct otp_card c = { seed, (size_t)seedlen, (int)store_col_int(st, 5),
			      (int)store_col_int(st, 6), store_col_text(st, 7) };
	int64_t drift = store_col_int(st, 8), last = store_col_int(st, 9);
	int pending = !store_col_null(st, 10);
	int64_t resync = store_col_int(st, 10), now_step = otp_step_of(&c, t->now), s;
	enum verdict v = V_NONE;
	if (otp_find(&c, l->code, now_step + drift, 1, &s) == 0) {
		int rc = accept_step(t, id, s, s - now_step);
		v = rc < 0 ? V_ERR : rc ? V_OK : V_REPLAY;
	} else if (physical && otp_find(&c, l->code, now_step + drift, WIDE_WINDOW, &s) == 0) {
		/* RFC 4226 §7.4: far off, two consecutive codes resynchronize */
		if (pending && s == resync + 1 && s > last) {
			int rc = accept_step(t, id, s, s - now_step);
			v = rc < 0 ? V_ERR : rc ? V_OK : V_REPLAY;
		} else if (s <= last) {
			v = V_REPLAY;
		} else {
			store_stmt *u = store_prep(t->db, pend);
			store_bind_int(u, 1, s);
			store_bind_int(u, 2, id);
			v = store_exec(u) == STORE_DONE ? V_DRIFT : V_ERR;
		}
	}
	sodium_memzero(seed, sizeof seed);
	if (v == V_OK && linked &&
	    journal_append(t, "card_validate", store_col_int(st, 11), serial,
			   json_pack("{s:s}", "email", l->email)))
		return V_ERR;
	return v;
}

/* An email without an account: answered, counted and timed as a real one. */
static int refuse_unknown(struct txn *t, struct login *l)
{
	/* the same durable write as a real failure, so time tells nothing */
	static const char count[] = "UPDATE counters SET n = n + 1"
				    " WHERE name = 'unknown_email_failures'";
	if (store_exec(store_prep(t->db, count)) != STORE_DONE)
		return -1;
	int wait = 0;
	int a = shadow_fail(l->email, t->now, srv.cfg.throttle_cap, srv.cfg.lockout_after, &wait);
	if (a == 2)
		refuse_locked(l);
	else if (a == 1)
		fail_set(&l->f, 429, "throttled", "too many failed attempts: wait %d s before the next one",
			 wait);
	else
		fail_set(&l->f, 401, "login_refused", "%s", REFUSED);
	return 0;
}

static int login_work(struct txn *t, void *arg)
{
	static const char qa[] = "SELECT id, active, locked, failures, next_try_at, is_operator"
				 " FROM accounts WHERE email = $1";
	static const char qm[] = "SELECT COUNT(*) FROM memberships m JOIN structures s"
				 " ON s.id = m.structure_id WHERE m.account_id = $1 AND m.active = 1"
				 " AND s.active = 1";
	static const char qc[] =
		"SELECT id, serial, kind, state, seed_box, digits, step, algorithm, drift, last_step,"
		" resync_step, structure_id FROM cards WHERE account_id = $1"
		" AND (state = 'active' OR (state = 'linked' AND kind = 'physical')) ORDER BY id";
	struct login *l = arg;
	l->ok = 0;
	t->actor = l->email;
	store_stmt *st = store_prep(t->db, qa);
	store_bind_text(st, 1, l->email);
	if (store_step(st) != STORE_ROW)
		return refuse_unknown(t, l);
	l->account = store_col_int(st, 0);
	l->home = account_home(t->db, l->account);
	int active = (int)store_col_int(st, 1), locked = (int)store_col_int(st, 2);
	int64_t failures = store_col_int(st, 3), next_try = store_col_int(st, 4);
	int operator = (int)store_col_int(st, 5);
	if (locked)
		return refuse_while_locked(t, l, next_try);
	if (t->now < next_try)
		return fail_login(t, l, "throttled", failures, next_try);
	st = store_prep(t->db, qm);
	store_bind_int(st, 1, l->account);
	if (!active || (!operator && store_int_or(st, 0) == 0))
		return fail_login(t, l, "inactive", failures, next_try);

	st = store_prep(t->db, qc);
	store_bind_int(st, 1, l->account);
	int cards = 0;
	enum verdict v = V_NONE;
	char serial[64] = "";
	while (v == V_NONE && store_step(st) == STORE_ROW) {
		cards++;
		v = try_card(t, l, st, serial);
	}
	switch (v) {
	case V_OK:
		return start_session(t, l, serial);
	case V_REPLAY:
		return fail_login(t, l, "replayed", failures, next_try);
	case V_DRIFT:
		return fail_login(t, l, "card_drift", failures, next_try);
	case V_ERR:
		return -1;
	default:
		return fail_login(t, l, cards ? "wrong_code" : "no_card", failures, next_try);
	}
}

static json_t *whoami(struct req *r, const char *token)
{
	char exp[32];
	iso_time(r->who.session_expires, exp);
	json_t *o = json_pack("{s:s,s:o,s:o,s:s}", "email", r->who.email, "roles", who_roles(&r->who),
			      "structures", who_structures(r->db, &r->who), "expires_at", exp);
	if (token)
		json_object_set_new(o, "token", json_string(token));
	return o;
}

int api_session_create(struct req *r)
{
	static const struct field spec[] = {
		{ "email", F_STR, 1 }, { "code", F_STR, 1 }, { 0 }
	};
	struct fail f;
	json_t *in = req_object(r, spec, &f);
	if (!in)
		return reply_fail(r, &f);
	struct login l = { 0 };
	snprintf(l.code, sizeof l.code, "%s", jstr(in, "code", ""));
	int bad_email = field_email(in, l.email, &f);
	int bad_code = strlen(jstr(in, "code", "")) >= sizeof l.code || !ac_code_valid(l.code);
	json_decref(in);
	if (bad_email)
		return reply_fail(r, &f);
	if (bad_code)
		return reply_error(r, 400, "bad_code", "\"code\" must be the 6 or 8 digits the card shows");
	if (txn_run(r, 1, login_work, &l) != 0) {
		sodium_memzero(&l, sizeof l);
		return r->status;
	}
	if (!l.ok) {
		reply_fail(r, &l.f);
		sodium_memzero(&l, sizeof l);
		return r->status;
	}
	/* the reply of a login is the same as who-am-I, plus the token */
	auth_load_account(r->db, l.account, &r->who);
	r->who.session_expires = r->now + (time_t)srv.cfg.session_hours * 3600;
	reply_json(r, 201, whoami(r, l.token));
	sodium_memzero(&l, sizeof l);
	return r->status;
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
