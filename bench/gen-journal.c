/* gen-journal — writes a valid journal export of N entries on stdout, hashed
 * and chained by libac exactly as acd's journal_append does, for timing
 * ac-audit --verify.  usage: gen-journal N */
#include "ac.h"

#include <sodium.h>
#include <stdlib.h>

static const char *const actions[] = { "login", "login_failed", "card_link", "aidant_add" };

int main(int argc, char **argv)
{
	if (argc != 2 || atol(argv[1]) <= 0) {
		fprintf(stderr, "usage: gen-journal N\n");
		return 64;
	}
	long n = atol(argv[1]);
	uint8_t chain[32] = { 0 }, digest[32];
	char when[32], subject[64], hex[65];
	for (long seq = 1; seq <= n; seq++) {
		long t = 1714521600 + seq / 4; /* 2024-05-01, four entries a second */
		snprintf(when, sizeof when, "2024-05-%02ldT%02ld:%02ld:%02ldZ", 1 + t / 86400 % 28,
			 t / 3600 % 24, t / 60 % 60, t % 60);
		snprintf(subject, sizeof subject, "aidant%ld@structure%ld.fr", seq % 5000, seq % 300);
		json_t *details = json_pack("{s:s,s:I}", "card", "GADT00055096", "failures",
					    (json_int_t)(seq % 7));
		json_t *e = ac_journal_entry(seq, when, actions[seq % 4], subject, seq % 300 + 1,
					     subject, details);
		json_decref(details);
		ac_journal_digest(e, digest);
		ac_chain_next(chain, digest, chain);
		sodium_bin2hex(hex, sizeof hex, digest, 32);
		json_object_set_new(e, "digest", json_string(hex));
		sodium_bin2hex(hex, sizeof hex, chain, 32);
		json_object_set_new(e, "chain", json_string(hex));
		ac_print(e);
		json_decref(e);
	}
	return ac_finish(0);
}
