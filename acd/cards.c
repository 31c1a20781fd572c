/* cards.c — see cards.h. */
#include "cards.h"
#include "crypto.h"
#include "log.h"
#include "otp.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int card_insert(struct txn *t, const struct card_new *c, int64_t *id)
{
	static const char qid[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM cards";
	static const char ins[] =
		"INSERT INTO cards (id, serial, kind, state, seed_box, seed_mac, digits, step,"
		" algorithm, account_id, structure_id, created_at, linked_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
	uint8_t box[BOX_MAX], mac[32];
	size_t boxlen = crypto_seal(c->seed, c->seedlen, box);
	crypto_seed_mac(c->seed, c->seedlen, mac);
	*id = store_int_or(store_prep(t->db, qid), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, *id);
	store_bind_text(st, 2, c->serial);
	store_bind_text(st, 3, c->kind);
	store_bind_text(st, 4, c->state);
	store_bind_blob(st, 5, box, boxlen);
	store_bind_blob(st, 6, mac, sizeof mac);
	store_bind_int(st, 7, c->digits);
	store_bind_int(st, 8, c->step);
	store_bind_text(st, 9, c->algorithm);
	if (c->account)
		store_bind_int(st, 10, c->account);
	if (c->structure)
		store_bind_int(st, 11, c->structure);
	store_bind_int(st, 12, t->now);
	if (c->account)
		store_bind_int(st, 13, t->now);
	int rc = store_exec(st);
	if (rc != STORE_DONE)
		log_error("cards: cannot insert %s: %s", c->serial, store_errmsg(t->db));
	return rc == STORE_DONE ? 0 : rc == STORE_CONSTRAINT ? 1 : -1;
}

int card_app_insert(struct txn *t, int64_t account, int64_t structure, const char *state,
		    const uint8_t seed[APP_SEED], char serial[16])
{
	for (int attempt = 0; attempt < 5; attempt++) { /* a serial already taken: draw again */
		uint8_t rnd[4];
		char hex[9];
		crypto_random(rnd, sizeof rnd);
		crypto_hex(rnd, sizeof rnd, hex);
		snprintf(serial, 16, "APP-%s", hex);
		struct card_new c = { serial, "app", state, seed, APP_SEED, APP_DIGITS, APP_STEP,
				      APP_ALGORITHM, account, structure };
		int64_t id;
		int rc = card_insert(t, &c, &id);
		if (rc <= 0)
			return rc;
	}
	return -1;
}

char *card_otpauth_uri(const char *email, const uint8_t *seed, size_t n, int digits, int step,
		       const char *algorithm, char **b32)
{
	char *enc = NULL;
	size_t enclen = 0;
	if (oath_base32_encode((const char *)seed, n, &enc, &enclen) != OATH_OK)
		return NULL;
	while (enclen && enc[enclen - 1] == '=')
		enc[--enclen] = 0;
	char alg[8];
	snprintf(alg, sizeof alg, "%s", algorithm);
	for (char *p = alg; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	char *uri = NULL;
	if (asprintf(&uri,
		     "otpauth://totp/Aidants%%20Connect:%s?secret=%s&issuer=Aidants%%20Connect"
		     "&algorithm=%s&digits=%d&period=%d",
		     email, enc, alg, digits, step) < 0)
		uri = NULL;
	*b32 = enc;
	return uri;
}

int card_load(store_conn *db, const char *serial, struct card_row *c)
{
	static const char q[] =
		"SELECT c.id, c.serial, c.kind, c.state, c.account_id, c.structure_id, a.email,"
		" c.seed_box, c.digits, c.step, c.algorithm, c.drift, c.last_step"
		" FROM cards c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.serial = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_text(st, 1, serial);
	memset(c, 0, sizeof *c);
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	c->id = store_col_int(st, 0);
	snprintf(c->serial, sizeof c->serial, "%s", store_col_text(st, 1));
	snprintf(c->kind, sizeof c->kind, "%s", store_col_text(st, 2));
	snprintf(c->state, sizeof c->state, "%s", store_col_text(st, 3));
	c->account = store_col_int(st, 4);
	c->structure = store_col_int(st, 5);
	snprintf(c->email, sizeof c->email, "%s", store_col_text(st, 6));
	const void *box = store_col_blob(st, 7, &c->boxlen);
	if (c->boxlen > sizeof c->box)
		return -1;
	memcpy(c->box, box, c->boxlen);
	c->digits = (int)store_col_int(st, 8);
	c->step = (int)store_col_int(st, 9);
	snprintf(c->algorithm, sizeof c->algorithm, "%s", store_col_text(st, 10));
	c->drift = store_col_int(st, 11);
	c->last_step = store_col_int(st, 12);
	return 1;
}

int card_match(const struct card_row *c, const char *code, time_t now, int64_t offset, int window,
	       int64_t *step, int64_t *now_step)
{
	uint8_t seed[SEED_MAX];
	int n = crypto_open(c->box, c->boxlen, seed);
	if (n < 0)
		return -1;
	struct otp_card oc = { seed, (size_t)n, c->digits, c->step, c->algorithm };
	*now_step = otp_step_of(&oc, now);
	int found = otp_find(&oc, code, *now_step + offset, window, step) == 0;
	sodium_memzero(seed, sizeof seed);
	return found;
}

int card_check_code(const struct card_row *c, const char *code, time_t now, int64_t *step,
		    int64_t *drift, struct fail *f)
{
	int64_t now_step;
	int found = card_match(c, code, now, c->drift, 1, step, &now_step);
	if (found < 0)
		return fail_set(f, 500, "sealed", "card %s cannot be read with this server's key",
				c->serial);
	if (!found)
		return fail_set(f, 422, "wrong_code",
				"the code does not match card %s: type the code it shows now", c->serial);
	if (*step <= c->last_step)
		return fail_set(f, 422, "code_used",
				"this code of card %s was already used: wait for the next one", c->serial);
	*drift = *step - now_step;
	return 0;
}

int card_seed_from_hex(const char *hex, uint8_t seed[SEED_MAX])
{
	size_t n = strlen(hex), len = 0;
	if (n == 0 || n % 2 || n / 2 > SEED_MAX || strspn(hex, "0123456789abcdefABCDEF") != n)
		return -1;
	if (sodium_hex2bin(seed, SEED_MAX, hex, n, NULL, &len, NULL) != 0)
		return -1;
	return (int)len;
}

int card_seed_from_base32(const char *b32, uint8_t seed[SEED_MAX])
{
	char *raw = NULL;
	size_t len = 0;
	if (!*b32 || oath_base32_decode(b32, strlen(b32), &raw, &len) != OATH_OK)
		return -1;
	int rc = len > 0 && len <= SEED_MAX ? (int)len : -1;
	if (rc > 0)
		memcpy(seed, raw, len);
	sodium_memzero(raw, len);
	free(raw);
	return rc;
}

int cards_release(struct txn *t, int64_t account, const char *email, int64_t structure)
{
	static const char q[] = "SELECT id, serial, kind, structure_id FROM cards WHERE account_id = $1"
				" AND state IN ('linked', 'active') AND ($2 = 0 OR structure_id = $2)";
	static const char up[] = "UPDATE cards SET account_id = NULL, resync_step = NULL,"
				 " drift = 0, linked_at = NULL,"
				 " state = CASE WHEN kind = 'app' THEN 'retired' ELSE 'stock' END"
				 " WHERE id = $1";
	/* collect first: the journal writes between steps of q.  An account holds
	 * two cards at most (one per kind, by the unique index); 16 is room. */
	int64_t ids[16], structs[16];
	char serials[16][64];
	int n = 0;
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, account);
	store_bind_int(st, 2, structure);
	while (n < 16 && store_step(st) == STORE_ROW) {
		ids[n] = store_col_int(st, 0);
		snprintf(serials[n], sizeof serials[n], "%s", store_col_text(st, 1));
		structs[n] = store_col_int(st, 3);
		n++;
	}
	for (int i = 0; i < n; i++) {
		store_stmt *u = store_prep(t->db, up);
		store_bind_int(u, 1, ids[i]);
		if (store_exec(u) != STORE_DONE ||
		    journal_append(t, "card_unlink", structs[i], serials[i],
				   json_pack("{s:s,s:s}", "reason", "departure", "email", email)))
			return -1;
	}
	return n;
}
