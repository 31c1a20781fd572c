/* otp.c — TOTP codes against RFC 6238 Appendix B (what oathtool prints too),
 * and otp_find's window: centred on the learned drift, nearest first. */
#include "otp.h"
#include "tap.h"

static const uint8_t seed[] = "12345678901234567890";

int main(void)
{
	struct otp_card c = { seed, 20, 8, 30, "sha1" };
	static const struct { long long t; const char *code; } rfc[] = {
		{ 59, "94287082" }, { 1111111109, "07081804" }, { 1111111111, "14050471" },
		{ 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000LL, "65353130" },
	};
	for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
		char code[9];
		int64_t s = otp_step_of(&c, (time_t)rfc[i].t);
		ok(otp_code(&c, s, code) == 0 && !strcmp(code, rfc[i].code),
		   "RFC 6238 sha1 at %lld: %s", rfc[i].t, rfc[i].code);
	}
	int64_t center = otp_step_of(&c, 1111111109), step = 0;
	ok(otp_find(&c, "07081804", center, 1, &step) == 0 && step == center, "the current step");
	ok(otp_find(&c, "14050471", center, 1, &step) == 0 && step == center + 1,
	   "the next step is inside a window of 1");
	char code[9];
	otp_code(&c, center - 1, code);
	ok(otp_find(&c, code, center, 1, &step) == 0 && step == center - 1, "the previous step too");
	otp_code(&c, center + 3, code);
	ok(otp_find(&c, code, center, 1, &step) == -1, "three steps ahead is outside a window of 1");
	ok(otp_find(&c, code, center, 3, &step) == 0 && step == center + 3, "and inside a window of 3");
	ok(otp_find(&c, code, center + 3, 0, &step) == 0 && step == center + 3,
	   "a window centred on a learned drift of +3");
	ok(otp_find(&c, "7081804", center, 1, &step) == -1, "a code of the wrong length");
	ok(otp_find(&c, "00000000", center, 1, &step) == -1, "a wrong code");
	/* nearest first: the first match met is the nearest one, so a code seen
	 * at center-2 is not taken for center+2 */
	otp_code(&c, center - 2, code);
	ok(otp_find(&c, code, center, 2, &step) == 0 && step == center - 2, "two steps behind");

	struct otp_card s6 = { seed, 20, 6, 30, "sha1" };
	otp_code(&s6, otp_step_of(&s6, 59), code);
	is_str(code, "287082", "six digits are the low six of the RFC's eight");
	static const uint8_t seed32[] = "12345678901234567890123456789012";
	struct otp_card s256 = { seed32, 32, 8, 30, "sha256" };
	otp_code(&s256, otp_step_of(&s256, 59), code);
	is_str(code, "46119246", "RFC 6238 sha256 at 59");
	struct otp_card p60 = { seed, 20, 6, 60, "sha1" };
	ok(otp_step_of(&p60, 119) == 1 && otp_step_of(&p60, 120) == 2, "60 s steps");
	ok(otp_algorithm_valid("sha512") && !otp_algorithm_valid("md5"), "algorithms");
	return tap_done();
}
