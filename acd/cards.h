/* cards.h — OTP cards as rows: creation with a sealed seed, and the
 * otpauth:// URI of an authenticator app. */
#ifndef CARDS_H
#define CARDS_H
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

/* Inserts the card (seed sealed, MAC kept); its id in *id. */
int card_insert(struct txn *t, const struct card_new *c, int64_t *id);
/* otpauth://totp/... for an app (malloc'd), and the base32 secret in *b32. */
char *card_otpauth_uri(const char *email, const uint8_t *seed, size_t n, int digits, int step,
		       const char *algorithm, char **b32);


/* Unlinks the cards an account holds for structure (0: every structure) on a
 * departure: physical cards go back to their structure's stock, apps are
 * retired.  Journals card_unlink for each.  Returns the count, or -1. */
int cards_release(struct txn *t, int64_t account, const char *email, int64_t structure);
#endif
