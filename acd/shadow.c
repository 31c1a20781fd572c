/* shadow.c — see shadow.h.  4096 slots: collisions only make two unknown
 * emails share a counter, which errs on the side of refusing.  A slot left
 * alone for a day starts again from zero, as the counters in memory did at a
 * restart: made-up emails cannot lock a slot for good. */
#include "shadow.h"
#include "throttle.h"

#include <sodium.h>
#include <string.h>

#define SLOTS 4096
#define FORGET_AFTER 86400

int shadow_fail(store_conn *db, const char *email, time_t now, int cap, int lockout, int *wait)
{
	static const char make[] = "INSERT INTO login_shadows (slot, failures, next_try, updated_at)"
				   " VALUES ($1, 0, 0, $2) ON CONFLICT (slot) DO NOTHING";
	static const char get[] = "SELECT failures, next_try, updated_at FROM login_shadows WHERE slot = $1";
	static const char set[] = "UPDATE login_shadows SET failures = $1, next_try = $2, updated_at = $3"
				  " WHERE slot = $4";
	uint8_t h[8];
	crypto_generichash(h, sizeof h, (const uint8_t *)email, strlen(email), NULL, 0);
	uint64_t k;
	memcpy(&k, h, sizeof k);
	int64_t slot = (int64_t)(k % SLOTS);

	store_stmt *st = store_prep(db, make);
	store_bind_int(st, 1, slot);
	store_bind_int(st, 2, now);
	if (store_exec(st) != STORE_DONE)
		return -1;
	st = store_prep(db, get);
	store_bind_int(st, 1, slot);
	if (store_step(st) != STORE_ROW) {
		store_exec(st);
		return -1;
	}
	int failures = (int)store_col_int(st, 0);
	int64_t next_try = store_col_int(st, 1);
	if (store_col_int(st, 2) < now - FORGET_AFTER)
		failures = 0, next_try = 0;
	store_exec(st);

	/* step for step what code_check.c does with a real account's row */
	if (failures >= lockout)
		return 2;
	int throttled = now < next_try;
	failures++;
	next_try = throttle_until(now, failures, cap);
	st = store_prep(db, set);
	store_bind_int(st, 1, failures);
	store_bind_int(st, 2, next_try);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, slot);
	if (store_exec(st) != STORE_DONE)
		return -1;
	int answer = failures >= lockout ? 2 : throttled ? 1 : 0;
	if (answer == 1)
		*wait = (int)(next_try - now);
	return answer;
}
