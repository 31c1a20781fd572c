/* otp.c — codes are generated with liboath for each candidate step and
 * compared in constant time, so the window can be centred on the card's
 * learned drift and searched nearest-first. */
#include "otp.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <string.h>

static int flags_of(const char *alg)
{
	if (!strcmp(alg, "sha256"))
		return OATH_TOTP_HMAC_SHA256;
	if (!strcmp(alg, "sha512"))
		return OATH_TOTP_HMAC_SHA512;
	return 0;
}

int otp_algorithm_valid(const char *a)
{
	return !strcmp(a, "sha1") || !strcmp(a, "sha256") || !strcmp(a, "sha512");
}

int64_t otp_step_of(const struct otp_card *c, time_t now) { return (int64_t)now / c->step; }

int otp_code(const struct otp_card *c, int64_t step, char out[9])
{
	if (step < 0)
		return -1;
	int rc = oath_totp_generate2((const char *)c->seed, c->seedlen, (time_t)(step * c->step),
				     (unsigned)c->step, 0, (unsigned)c->digits, flags_of(c->algorithm),
				     out);
	return rc == OATH_OK ? 0 : -1;
}

int otp_find(const struct otp_card *c, const char *code, int64_t center, int window,
	     int64_t *step)
{
	if (strlen(code) != (size_t)c->digits)
		return -1;
	for (int d = 0; d <= window; d++) {
		for (int sign = 1; sign >= -1; sign -= 2) {
			if (d == 0 && sign < 0)
				continue;
			int64_t s = center + sign * d;
			char want[9];
			if (otp_code(c, s, want) == 0 && sodium_memcmp(want, code, (size_t)c->digits) == 0) {
				*step = s;
				return 0;
			}
		}
	}
	return -1;
}
