/* throttle.h — the delay after n consecutive failed logins: 1 s, 2 s, 4 s...
 * up to cap. */
#ifndef THROTTLE_H
#define THROTTLE_H
static inline int throttle_delay(int failures, int cap)
{
	if (failures <= 0)
		return 0;
	int d = failures > 20 ? cap : 1 << (failures - 1);
	return d < cap ? d : cap;
}
#endif
