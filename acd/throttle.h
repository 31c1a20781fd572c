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
/* The first second an attempt is allowed again.  Times are whole seconds, so
 * one more keeps the wait at least the full delay, never a boundary's sliver. */
static inline long long throttle_until(long long now, int failures, int cap)
{
	return now + throttle_delay(failures, cap) + 1;
}
#endif
