/* cards.h — OTP cards as rows: creation with a sealed seed, and the
 * otpauth:// URI of an authenticator app. */
#ifndef CARDS_H
#define CARDS_H
#include "crypto.h"
#include "txn.h"

struct card_new {
	const char *serial;
	const char *kind;       /* physical | app */
	const char *state;
	const uint8_t *seed;
	size_t seedlen;
	int digits, step;
	const char *algorithm;
	int64_t account, structure; /* 0: none */
};

/* An authenticator app: 160-bit seed (RFC 4226 §4), 6 digits, 30 s, SHA-1 —
 * what every app reads from an otpauth:// URI. */
#define APP_SEED 20
#define APP_DIGITS 6
#define APP_STEP 30
#define APP_ALGORITHM "sha1"

/* Steps a physical card may drift before it needs two codes (RFC 4226 §7.4). */
#define CARD_DRIFT_WINDOW 10

/* Inserts an app card for account with a fresh serial "APP-xxxxxxxx" (in
 * serial); 0, or -1. */
int card_app_insert(struct txn *t, int64_t account, int64_t structure, const char *state,
		    const uint8_t seed[APP_SEED], char serial[16]);

/* Inserts the card (seed sealed, MAC kept); its id in *id. */
int card_insert(struct txn *t, const struct card_new *c, int64_t *id);
/* otpauth://totp/... for an app (malloc'd), and the base32 secret in *b32. */
char *card_otpauth_uri(const char *email, const uint8_t *seed, size_t n, int digits, int step,
		       const char *algorithm, char **b32);

/* A card as the routes read it, with its holder's email ("" when none).  The
 * seed stays sealed here: only card_check_code opens it, and wipes it. */
struct card_row {
	int64_t id, account, structure; /* 0: none */
	char serial[65], kind[10], state[10], email[256];
	uint8_t box[BOX_MAX];
	size_t boxlen;
	int digits, step;
	char algorithm[8];
	int64_t drift, last_step;
};
/* 1 found, 0 no such serial, -1 database error. */
int card_load(store_conn *db, const char *serial, struct card_row *c);
/* Looks for code within window steps of now's step + offset, nearest first:
 * 1 with the matching step (and now's), 0 when none matches, -1 when the
 * seed cannot be opened.  The seed is wiped before returning. */
int card_match(const struct card_row *c, const char *code, time_t now, int64_t offset, int window,
	       int64_t *step, int64_t *now_step);
/* Checks a code shown by the card now, in a ±1 step window around its learned
 * drift, refusing a step already used.  0 with the step and the new drift;
 * fills f (wrong_code, code_used) otherwise. */
int card_check_code(const struct card_row *c, const char *code, time_t now, int64_t *step,
		    int64_t *drift, struct fail *f);
/* Seed bytes from hex (as card makers ship them) or base32; the length, or -1. */
int card_seed_from_hex(const char *hex, uint8_t seed[SEED_MAX]);
int card_seed_from_base32(const char *b32, uint8_t seed[SEED_MAX]);

/* Unlinks the cards an account holds for structure (0: every structure) on a
 * departure: physical cards go back to their structure's stock, apps are
 * retired.  Journals card_unlink for each.  Returns the count, or -1. */
int cards_release(struct txn *t, int64_t account, const char *email, int64_t structure);
#endif
