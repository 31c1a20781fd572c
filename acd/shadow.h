/* shadow.h — failed-login counters for emails that have no account, kept in
 * memory, so an unknown email is throttled and "locked" exactly like a real
 * one and the answers never tell whether an account exists. */
#ifndef SHADOW_H
#define SHADOW_H
#include <time.h>
/* Records a failure; returns the answer a real account would get:
 * 0 wrong code, 1 throttled (*wait set), 2 locked. */
int shadow_fail(const char *email, time_t now, int cap, int lockout, int *wait);
#endif
