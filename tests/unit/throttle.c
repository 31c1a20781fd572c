/* throttle.c — the delay after n consecutive failed logins. */
#include "throttle.h"
#include "tap.h"

int main(void)
{
	ok(throttle_delay(0, 300) == 0 && throttle_delay(-1, 300) == 0, "no failure, no delay");
	ok(throttle_delay(1, 300) == 1 && throttle_delay(2, 300) == 2 && throttle_delay(3, 300) == 4 &&
	   throttle_delay(9, 300) == 256, "1 s, 2 s, 4 s ... doubling");
	ok(throttle_delay(10, 300) == 300 && throttle_delay(20, 300) == 300, "capped");
	ok(throttle_delay(21, 300) == 300 && throttle_delay(1000000, 300) == 300,
	   "no overflow on huge counts");
	ok(throttle_delay(3, 2) == 2, "a small cap");
	return tap_done();
}
