/* api_card_enroll.c — POST /v1/cards/enroll (a fresh authenticator app for an
 * aidant, pending until proven) and POST /v1/cards/activate (its first code).
 * An app that is only `linked` cannot log in: the login accepts unproven
 * physical cards only.  An aidant with an active app must unlink it before
 * enrolling another: two active apps would be two ways in. */
#include "routes.h"
#include "bodies.h"
#include "application.h"
#include "auth.h"
#include "cards.h"
#include "ac.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>


static int not_found(struct fail *f)
{
	return fail_set(f, 404, "not_found", "no such aidant, or not one you manage");
}

/* The caller may give this account an app: itself, an operator, or a référent
 * of every structure it works for (else a référent could enroll an app for
 * another structure's person and log in as them). */
static int manages(struct req *r, int64_t account)
{
	return account == r->who.account || authz_manages_whole(r, account);
}

/* The structure the app is shown under: one the caller manages, else the
 * aidant's first active one; 0 for an operator without structure. */
static int64_t app_structure(struct txn *t, int64_t account)
{
	static const char q[] = "SELECT m.structure_id FROM memberships m JOIN structures s"
				" ON s.id = m.structure_id WHERE m.account_id = $1 AND m.active = 1"
				" AND s.active = 1 ORDER BY m.structure_id";
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, account);
	int64_t first = 0;
	while (store_step(st) == STORE_ROW) {
		int64_t s = store_col_int(st, 0);
		if (!first)
			first = s;
		if (authz_referent_of(t->r, s) && !authz_operator(t->r))
			return s;
	}
	return first;
}

/* A pending app is replaced; an active one must be unlinked first. */
static int retire_pending(struct txn *t, int64_t account, const char *email, struct fail *f)
{
	static const char q[] = "SELECT id, serial, state, structure_id FROM cards"
				" WHERE account_id = $1 AND kind = 'app' AND state IN ('linked', 'active')";
	static const char up[] = "UPDATE cards SET state = 'retired', account_id = NULL WHERE id = $1";
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, account);
	if (store_step(st) != STORE_ROW)
		return 0;
	char serial[65];
	snprintf(serial, sizeof serial, "%s", store_col_text(st, 1));
	int64_t id = store_col_int(st, 0), structure = store_col_int(st, 3);
	if (!strcmp(store_col_text(st, 2), "active"))
		return fail_set(f, 409, "app_exists",
				"%s already has an active app (%s): unlink it first "
				"(ac-card-unlink --serial %s --reason lost)", email, serial, serial);
	st = store_prep(t->db, up);
	store_bind_int(st, 1, id);
	if (store_exec(st) != STORE_DONE ||
	    journal_append(t, "card_unlink", structure, serial,
			   json_pack("{s:s,s:s,s:s}", "reason", "replaced", "state", "retired",
				     "email", email)))
		return fail_set(f, 500, "internal", "the pending app could not be replaced");
	return 0;
}

static int enroll_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char qa[] = "SELECT id FROM accounts WHERE email = $1 AND active = 1";
	char email[256], serial[16];
	if (field_email(in, email, f))
		return -1;
	store_stmt *st = store_prep(t->db, qa);
	store_bind_text(st, 1, email);
	int64_t account = store_int_or(st, 0);
	if (!account || !manages(t->r, account))
		return not_found(f);
	if (retire_pending(t, account, email, f))
		return -1;
	int64_t structure = app_structure(t, account);
	uint8_t seed[APP_SEED];
	crypto_random(seed, sizeof seed);
	char *b32 = NULL, *uri = NULL;
	if (card_app_insert(t, account, structure, "linked", seed, serial) == 0)
		uri = card_otpauth_uri(email, seed, sizeof seed, APP_DIGITS, APP_STEP, APP_ALGORITHM, &b32);
	sodium_memzero(seed, sizeof seed);
	if (!uri || journal_append(t, "card_enroll", structure, serial,
				   json_pack("{s:s,s:s}", "email", email, "kind", "app"))) {
		free(uri);
		free(b32);
		return fail_set(f, 500, "internal", "the app could not be enrolled");
	}
	json_object_set_new(out, "serial", json_string(serial));
	json_object_set_new(out, "email", json_string(email));
	json_object_set_new(out, "state", json_string("linked"));
	json_object_set_new(out, "otpauth_uri", json_string(uri));
	json_object_set_new(out, "totp_secret", json_string(b32));
	sodium_memzero(uri, strlen(uri));
	sodium_memzero(b32, strlen(b32));
	free(uri);
	free(b32);
	return 0;
}

int api_card_enroll(struct req *r)
{
	return run_items(r, body_card_enroll, enroll_one);
}

static int activate_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char up[] = "UPDATE cards SET state = 'active', last_step = $1, drift = $2,"
				 " linked_at = $3 WHERE id = $4 AND state = 'linked'";
	const char *code = jstr(in, "code", "");
	struct card_row c;
	int found = card_load(t->db, jstr(in, "serial", ""), &c);
	if (found < 0)
		return fail_set(f, 500, "internal", "the card could not be read");
	if (!found || strcmp(c.kind, "app") || !c.account || !manages(t->r, c.account))
		return fail_set(f, 404, "not_found", "no such app, or not one you manage");
	json_object_set_new(out, "serial", json_string(c.serial));
	json_object_set_new(out, "email", json_string(c.email));
	json_object_set_new(out, "state", json_string("active"));
	if (!strcmp(c.state, "active")) {
		json_object_set_new(out, "changed", json_false());
		return 0;
	}
	if (strcmp(c.state, "linked"))
		return fail_set(f, 409, "card_unavailable", "app %s is %s: enroll a new one",
				c.serial, c.state);
	if (!ac_code_valid(code))
		return fail_set(f, 400, "bad_code", "\"code\" must be the 6 digits the app shows");
	int64_t step, drift;
	if (card_check_code(&c, code, t->now, &step, &drift, f))
		return -1;
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, step);
	store_bind_int(st, 2, drift);
	store_bind_int(st, 3, t->now);
	store_bind_int(st, 4, c.id);
	if (store_exec(st) != STORE_DONE || store_changes(t->db) != 1 ||
	    journal_append(t, "card_validate", c.structure, c.serial,
			   json_pack("{s:s,s:s}", "email", c.email, "kind", "app")) ||
	    application_close_for(t, c.account))
		return fail_set(f, 500, "internal", "the app could not be activated");
	json_object_set_new(out, "changed", json_true());
	return 0;
}

int api_card_activate(struct req *r)
{
	return run_items(r, body_card_activate, activate_one);
}
