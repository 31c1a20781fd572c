/* code_check.c — one code against an account's cards: locked and throttled
 * accounts are refused first, then every usable card is tried; failures grow
 * the delay and end in a lockout, all journaled. */
#include "code_check.h"
#include "application.h"
#include "cards.h"
#include "auth.h"
#include "crypto.h"
#include "otp.h"
#include "server.h"
#include "shadow.h"
#include "throttle.h"

#include <sodium.h>
#include <string.h>


const char *const CODE_REFUSED =
	"login refused: wrong email or code, or no active card, or a deactivated account "
	"(a référent of your structure can check)";

void code_refuse_locked(struct fail *f)
{
	fail_set(f, 401, "locked",
		 "too many failed attempts: this account is locked; a référent of its structure or "
		 "an operator can unlock it (ac-aidant-unlock)");
}

/* Counts a failure: the growing delay, then the lockout.  A drifted card's
 * first code counts too (a random guess may land in the wide window) but
 * sets no delay: its next code must get through at once. */
static int fail_login(struct txn *t, struct code_attempt *l, const char *reason, int64_t failures,
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
	json_t *d = json_pack("{s:s,s:I}", "reason", reason, "failures", (json_int_t)n);
	if (l->purpose)
		json_object_set_new(d, "during", json_string(l->purpose));
	if (journal_append(t, "login_failed", l->home, l->email, d))
		return -1;
	if (locked) {
		/* a locked account keeps no session: an unlock does not revive them */
		static const char ends[] = "DELETE FROM sessions WHERE account_id = $1";
		st = store_prep(t->db, ends);
		store_bind_int(st, 1, l->account);
		if (store_exec(st) != STORE_DONE ||
		    journal_append(t, "lockout", l->home, l->email, json_pack("{s:I}", "failures", (json_int_t)n)))
			return -1;
		code_refuse_locked(&l->f);
	} else if (drift) {
		fail_set(&l->f, 401, "next_code",
			 "the card's clock has drifted: type the next code it shows to resynchronize it");
	} else if (!strcmp(reason, "replayed")) {
		fail_set(&l->f, 401, "code_used",
			 "this code was already used: wait for the card to show the next one");
	} else if (!strcmp(reason, "throttled")) {
		fail_set(&l->f, 429, "throttled", "too many failed attempts: wait %lld s before the next one",
			 throttle_until(t->now, (int)n, srv.cfg.throttle_cap) - t->now);
	} else if (l->purpose) {
		/* the caller is logged in already: its email is no secret to keep */
		fail_set(&l->f, 401, "wrong_code",
			 "wrong code: type the code your card shows now (nothing was changed)");
	} else {
		fail_set(&l->f, 401, "login_refused", "%s", CODE_REFUSED);
	}
	return 0;
}

/* A locked account is refused; the attempt is journaled, once a minute at most
 * (next_try_at paces it) so that knocking cannot flood the journal. */
static int refuse_while_locked(struct txn *t, struct code_attempt *l, int64_t next_try)
{
	static const char pace[] = "UPDATE accounts SET next_try_at = $1 WHERE id = $2";
	code_refuse_locked(&l->f);
	if (t->now < next_try)
		return 0;
	store_stmt *st = store_prep(t->db, pace);
	store_bind_int(st, 1, t->now + 60);
	store_bind_int(st, 2, l->account);
	if (store_exec(st) != STORE_DONE)
		return -1;
	json_t *d = json_pack("{s:s}", "reason", "locked");
	if (l->purpose)
		json_object_set_new(d, "during", json_string(l->purpose));
	return journal_append(t, "login_failed", l->home, l->email, d);
}

/* Accepts step s of card id once: the conditional update is the replay guard,
 * also between concurrent requests and several acd on one database. */
static int accept_step(struct txn *t, int64_t card, int linked, int64_t s, int64_t drift)
{
	static const char up[] = "UPDATE cards SET last_step = $1, drift = $2, resync_step = NULL"
				 " WHERE id = $3 AND last_step < $1";
	/* apart: setting state, even to its own value, rewrites the two
	 * indexes on it, two more pages in every login's commit */
	static const char first[] = "UPDATE cards SET state = 'active' WHERE id = $1";
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, s);
	store_bind_int(st, 2, drift);
	store_bind_int(st, 3, card);
	if (store_exec(st) != STORE_DONE)
		return -1;
	if (store_changes(t->db) != 1)
		return 0;
	if (linked) {
		st = store_prep(t->db, first);
		store_bind_int(st, 1, card);
		if (store_exec(st) != STORE_DONE)
			return -1;
	}
	/* a référent's card at work closes its structure's accepted application */
	static const char owner[] = "SELECT account_id FROM cards WHERE id = $1";
	st = store_prep(t->db, owner);
	store_bind_int(st, 1, card);
	return application_close_for(t, store_int_or(st, 0)) ? -1 : 1;
}

enum verdict { V_NONE, V_OK, V_REPLAY, V_DRIFT, V_ERR };

static enum verdict try_card(struct txn *t, struct code_attempt *l, store_stmt *st)
{
	static const char pend[] = "UPDATE cards SET resync_step = $1 WHERE id = $2";
	int64_t id = store_col_int(st, 0);
	char *serial = l->serial;
	snprintf(serial, sizeof l->serial, "%s", store_col_text(st, 1));
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
		int rc = accept_step(t, id, linked, s, s - now_step);
		v = rc < 0 ? V_ERR : rc ? V_OK : V_REPLAY;
	} else if (physical && otp_find(&c, l->code, now_step + drift, CARD_DRIFT_WINDOW, &s) == 0) {
		/* RFC 4226 §7.4: far off, two consecutive codes resynchronize */
		if (pending && s == resync + 1 && s > last) {
			int rc = accept_step(t, id, linked, s, s - now_step);
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

int code_check(struct txn *t, struct code_attempt *l)
{
	static const char qa[] = "SELECT active, locked, failures, next_try_at, is_operator"
				 " FROM accounts WHERE id = $1";
	static const char qm[] = "SELECT COUNT(*) FROM memberships m JOIN structures s"
				 " ON s.id = m.structure_id WHERE m.account_id = $1 AND m.active = 1"
				 " AND s.active = 1";
	static const char qc[] =
		"SELECT id, serial, kind, state, seed_box, digits, step, algorithm, drift, last_step,"
		" resync_step, structure_id FROM cards WHERE account_id = $1"
		" AND (state = 'active' OR (state = 'linked' AND kind = 'physical')) ORDER BY id";
	/* an accepted code is a login: it ends any inactivity warning */
	static const char reset[] = "UPDATE accounts SET failures = 0, next_try_at = 0,"
				    " last_login_at = $1, idle_since = $1, inactivity_warned_at = NULL"
				    " WHERE id = $2";
	store_stmt *st = store_prep(t->db, qa);
	store_bind_int(st, 1, l->account);
	if (store_step(st) != STORE_ROW)
		return -1;
	l->home = account_home(t->db, l->account);
	int active = (int)store_col_int(st, 0), locked = (int)store_col_int(st, 1);
	int64_t failures = store_col_int(st, 2), next_try = store_col_int(st, 3);
	int operator = (int)store_col_int(st, 4);
	if (locked)
		return refuse_while_locked(t, l, next_try) ? -1 : 0;
	if (t->now < next_try)
		return fail_login(t, l, "throttled", failures, next_try) ? -1 : 0;
	st = store_prep(t->db, qm);
	store_bind_int(st, 1, l->account);
	if (!active || (!operator && store_int_or(st, 0) == 0))
		return fail_login(t, l, "inactive", failures, next_try) ? -1 : 0;

	st = store_prep(t->db, qc);
	store_bind_int(st, 1, l->account);
	int cards = 0;
	enum verdict v = V_NONE;
	while (v == V_NONE && store_step(st) == STORE_ROW) {
		cards++;
		v = try_card(t, l, st);
	}
	const char *reason = cards ? "wrong_code" : "no_card";
	switch (v) {
	case V_OK:
		st = store_prep(t->db, reset);
		store_bind_int(st, 1, t->now);
		store_bind_int(st, 2, l->account);
		return store_exec(st) == STORE_DONE ? 1 : -1;
	case V_ERR:
		return -1;
	case V_REPLAY:
		reason = "replayed";
		break;
	case V_DRIFT:
		reason = "card_drift";
		break;
	default:
		break;
	}
	return fail_login(t, l, reason, failures, next_try) ? -1 : 0;
}

/* An email without an account: answered, counted and timed as a real one. */
static int refuse_unknown(struct txn *t, struct code_attempt *a)
{
	/* the same durable write as a real failure, so time tells nothing */
	static const char count[] = "UPDATE counters SET n = n + 1"
				    " WHERE name = 'unknown_email_failures'";
	if (store_exec(store_prep(t->db, count)) != STORE_DONE)
		return -1;
	int wait = 0;
	int s = shadow_fail(t->db, a->email, t->now, srv.cfg.throttle_cap, srv.cfg.lockout_after, &wait);
	if (s < 0)
		return -1;
	if (s == 2)
		code_refuse_locked(&a->f);
	else if (s == 1)
		fail_set(&a->f, 429, "throttled", "too many failed attempts: wait %d s before the next one",
			 wait);
	else
		fail_set(&a->f, 401, "login_refused", "%s", CODE_REFUSED);
	return 0;
}

int code_check_email(struct txn *t, struct code_attempt *a)
{
	static const char qa[] = "SELECT id FROM accounts WHERE email = $1";
	t->actor = a->email;
	store_stmt *st = store_prep(t->db, qa);
	store_bind_text(st, 1, a->email);
	if (store_step(st) != STORE_ROW)
		return refuse_unknown(t, a);
	a->account = store_col_int(st, 0);
	return code_check(t, a);
}
