/* api_cards.c — POST /v1/cards (operators import the stock of physical cards,
 * idempotent by serial) and GET /v1/cards (the cards the caller may see). */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "cards.h"
#include "otp.h"
#include "ac.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int serial_valid(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 64 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == n;
}

/* The seed of a record: exactly one of seed (hex) and seed_base32. */
static int record_seed(json_t *in, uint8_t seed[SEED_MAX], struct fail *f)
{
	const char *hex = jstr(in, "seed", NULL), *b32 = jstr(in, "seed_base32", NULL);
	if (!hex == !b32)
		return fail_set(f, 400, "bad_seed", "give exactly one of \"seed\" (hex) and \"seed_base32\"");
	int n = hex ? card_seed_from_hex(hex, seed) : card_seed_from_base32(b32, seed);
	if (n < 0)
		return fail_set(f, 400, "bad_seed", "\"%s\" is not %s of at most %d bytes",
				hex ? "seed" : "seed_base32", hex ? "hexadecimal" : "base32", SEED_MAX);
	if (n < 10) {
		sodium_memzero(seed, SEED_MAX);
		return fail_set(f, 400, "bad_seed", "the seed is too short: at least 10 bytes (80 bits)");
	}
	return n;
}

static int record_params(json_t *in, struct card_new *c, struct fail *f)
{
	int64_t digits = jint(in, "digits", 6), step = jint(in, "step", 60);
	c->algorithm = jstr(in, "algorithm", "sha1");
	if (digits != 6 && digits != 8)
		return fail_set(f, 400, "bad_digits", "\"digits\" must be 6 or 8");
	if (step < 10 || step > 600)
		return fail_set(f, 400, "bad_step", "\"step\" must be between 10 and 600 seconds");
	if (!otp_algorithm_valid(c->algorithm))
		return fail_set(f, 400, "bad_algorithm", "\"algorithm\" must be sha1, sha256 or sha512");
	c->digits = (int)digits;
	c->step = (int)step;
	return 0;
}

/* A known serial: the same seed and parameters are no change (1), anything
 * else an error (-1); 0 for a new serial. */
static int compare_known(struct txn *t, struct card_new *c, const uint8_t mac[32], struct fail *f)
{
	static const char q[] = "SELECT seed_mac, digits, step, algorithm, kind FROM cards"
				" WHERE serial = $1";
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, c->serial);
	if (store_step(st) != STORE_ROW)
		return 0;
	size_t n;
	const void *known = store_col_blob(st, 0, &n);
	if (n != 32 || sodium_memcmp(known, mac, 32) || strcmp(store_col_text(st, 4), "physical"))
		return fail_set(f, 409, "seed_mismatch",
				"card %s is already imported with another seed: it is never overwritten",
				c->serial);
	if (store_col_int(st, 1) != c->digits || store_col_int(st, 2) != c->step ||
	    strcmp(store_col_text(st, 3), c->algorithm))
		return fail_set(f, 409, "params_mismatch",
				"card %s is already imported with other digits, step or algorithm",
				c->serial);
	return 1;
}

static int import_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	struct card_new c = { .kind = "physical", .state = "stock" };
	uint8_t seed[SEED_MAX], mac[32];
	c.serial = jstr(in, "serial", "");
	if (!serial_valid(c.serial))
		return fail_set(f, 400, "bad_serial",
				"\"serial\" must be 1 to 64 letters, digits, '-', '_' or '.'");
	if (record_params(in, &c, f))
		return -1;
	int n = record_seed(in, seed, f);
	if (n < 0)
		return -1;
	c.seed = seed;
	c.seedlen = (size_t)n;
	crypto_seed_mac(seed, c.seedlen, mac);
	int known = compare_known(t, &c, mac, f), stored = 0;
	int64_t id;
	if (known == 0)
		stored = card_insert(t, &c, &id) == 0;
	sodium_memzero(seed, sizeof seed);
	if (known < 0)
		return -1;
	if (!known && !stored)
		return fail_set(f, 500, "internal", "card %s could not be stored", c.serial);
	if (stored && journal_append(t, "card_import", 0, c.serial,
				     json_pack("{s:s,s:i,s:i,s:s}", "kind", "physical", "digits",
					       c.digits, "step", c.step, "algorithm", c.algorithm)))
		return fail_set(f, 500, "internal", "the journal could not be written");
	json_object_set_new(out, "serial", json_string(c.serial));
	json_object_set_new(out, "changed", json_boolean(stored));
	return 0;
}

int api_card_import(struct req *r)
{
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only operators import cards");
	return run_items(r, body_card_import, import_one);
}

/* ---- listing ----------------------------------------------------------- */

static json_t *card_line(store_stmt *st)
{
	json_t *o = json_pack("{s:s,s:s,s:s}", "serial", store_col_text(st, 0), "kind",
			      store_col_text(st, 1), "state", store_col_text(st, 2));
	json_object_set_new(o, "email", store_col_null(st, 3) ? json_null()
							      : json_string(store_col_text(st, 3)));
	json_object_set_new(o, "structure", store_col_null(st, 4) ? json_null()
								  : json_integer(store_col_int(st, 4)));
	json_object_set_new(o, "digits", json_integer(store_col_int(st, 5)));
	json_object_set_new(o, "step", json_integer(store_col_int(st, 6)));
	json_object_set_new(o, "algorithm", json_string(store_col_text(st, 7)));
	json_object_set_new(o, "drift", json_integer(store_col_int(st, 8)));
	/* the start of the step of the last code accepted (login, link) */
	int64_t last = store_col_int(st, 9);
	char when[32];
	if (last >= 0)
		iso_time((time_t)(last * store_col_int(st, 6)), when);
	json_object_set_new(o, "last_used_at", last >= 0 ? json_string(when) : json_null());
	return o;
}

int api_card_list(struct req *r)
{
	/* operators: all; référents: their structures' cards; everyone: their own */
	static const char q[] =
		"SELECT c.serial, c.kind, c.state, a.email, c.structure_id, c.digits, c.step,"
		" c.algorithm, c.drift, c.last_step FROM cards c LEFT JOIN accounts a ON a.id = c.account_id"
		" WHERE ($1 = '' OR c.state = $1) AND ($2 = 0 OR c.structure_id = $2)"
		" AND ($3 = 1 OR c.account_id = $4 OR c.structure_id IN"
		" (SELECT m.structure_id FROM memberships m JOIN structures s ON s.id = m.structure_id"
		" WHERE m.account_id = $4 AND m.is_referent = 1 AND m.active = 1 AND s.active = 1))"
		" ORDER BY c.id";
	const char *state = req_query(r, "state");
	int64_t sid;
	char words[256];
	if (state && !ac_in_list(ac_card_states, state))
		return reply_error(r, 400, "bad_state", "state must be one of: %s",
				   ac_list_words(ac_card_states, words, sizeof words));
	if (req_structure_filter(r, &sid))
		return r->status;
	store_stmt *st = store_prep(r->db, q);
	store_bind_text(st, 1, state ? state : "");
	store_bind_int(st, 2, sid);
	/* a token narrowed to a structure: sid is that one, checked above */
	store_bind_int(st, 3, authz_operator(r) || r->who.token_structure);
	store_bind_int(st, 4, r->who.account);
	json_t *lines = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(lines, card_line(st));
	if (rc != STORE_DONE) {
		json_decref(lines);
		return reply_error(r, 503, "busy", "the cards could not be read; retry in a moment");
	}
	return reply_lines(r, lines);
}
