/* shadow.h — failed-login counters for emails that have no account, so an
 * unknown email is throttled and "locked" exactly like a real one and the
 * answers never tell whether an account exists.  Kept in the database
 * (login_shadows), in the login's own write transaction: every acd of one
 * database counts the same attempts. */
#ifndef SHADOW_H
#define SHADOW_H
#include "store.h"
#include <time.h>
/* Records a failure; returns the answer a real account would get:
 * 0 wrong code, 1 throttled (*wait set), 2 locked; -1 a store error. */
int shadow_fail(store_conn *db, const char *email, time_t now, int cap, int lockout, int *wait);
#endif
