/* api_card_check.c — POST /v1/cards/check: support asks whether the code an
 * aidant reads off a card matches now, and how far the card's clock has
 * drifted.  Nothing changes but the journal: the code stays usable for the
 * aidant's next login, and no step or drift is learned from it. */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "cards.h"
#include "ac.h"

#include <stdlib.h>
#include <string.h>

#define CHECKS_PER_HOUR 20 /* a card's codes are no oracle to search */

static int too_many(struct txn *t, const char *serial)
{
	static const char q[] = "SELECT COUNT(*) FROM journal WHERE action = 'card_check'"
				" AND subject = $1 AND time >= $2";
	char since[32];
	iso_time(t->now - 3600, since);
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, serial);
	store_bind_text(st, 2, since);
	return store_int_or(st, 0) >= CHECKS_PER_HOUR;
}

static int check_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	const char *serial = jstr(in, "serial", ""), *code = jstr(in, "code", "");
	if (!ac_code_valid(code))
		return fail_set(f, 400, "bad_code", "\"code\" must be the 6 or 8 digits the card shows");
	struct card_row c;
	int found = card_load(t->db, serial, &c);
	if (found < 0)
		return fail_set(f, 500, "internal", "the card could not be read");
	if (!found || (!authz_operator(t->r) && !(c.structure && authz_referent_of(t->r, c.structure))))
		return fail_set(f, 404, "not_found", "no such card in your structures: %s", serial);
	if (too_many(t, c.serial))
		return fail_set(f, 429, "too_many_checks",
				"card %s was checked %d times in the last hour: try again later", c.serial,
				CHECKS_PER_HOUR);
	int64_t step, now_step;
	int m = card_match(&c, code, t->now, c.drift, CARD_DRIFT_WINDOW, &step, &now_step);
	if (m < 0)
		return fail_set(f, 500, "sealed", "card %s cannot be read with this server's key",
				c.serial);
	/* what a login would do now: ±1 step around the learned drift, never a used step */
	int used = m && step <= c.last_step;
	int matches = m && !used && labs((long)(step - now_step - c.drift)) <= 1;
	json_t *drift = m ? json_integer(step - now_step) : json_null();
	json_object_set_new(out, "serial", json_string(c.serial));
	json_object_set_new(out, "state", json_string(c.state));
	json_object_set_new(out, "email", *c.email ? json_string(c.email) : json_null());
	json_object_set_new(out, "matches", json_boolean(matches));
	json_object_set_new(out, "code_used", json_boolean(used));
	json_object_set_new(out, "drift", drift);
	json_object_set_new(out, "learned_drift", json_integer(c.drift));
	json_object_set_new(out, "window", json_integer(CARD_DRIFT_WINDOW));
	if (journal_append(t, "card_check", c.structure, c.serial,
			   json_pack("{s:b,s:O}", "matches", matches, "drift", drift)))
		return fail_set(f, 500, "internal", "the journal could not be written");
	return 0;
}

int api_card_check(struct req *r)
{
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden", "only référents and operators check cards");
	return run_items(r, body_card_check, check_one);
}
