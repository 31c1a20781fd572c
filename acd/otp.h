/* otp.h — TOTP (RFC 6238) codes of a card, through liboath. */
#ifndef OTP_H
#define OTP_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct otp_card {
	const uint8_t *seed;
	size_t seedlen;
	int digits;       /* 6 or 8 */
	int step;         /* seconds */
	const char *algorithm; /* sha1, sha256, sha512 */
};

/* The time step of now. */
int64_t otp_step_of(const struct otp_card *, time_t now);
/* Looks for code among the steps center-window .. center+window, nearest to
 * center first.  Returns 0 and the matching step, or -1. */
int otp_find(const struct otp_card *, const char *code, int64_t center, int window,
	     int64_t *step);
/* The code of a given step (for tests and enrolment checks). */
int otp_code(const struct otp_card *, int64_t step, char out[9]);
int otp_algorithm_valid(const char *algorithm);
#endif
