/* shadow.c — see shadow.h.  A fixed table: collisions only make two unknown
 * emails share a counter, which errs on the side of refusing. */
#include "shadow.h"
#include "throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define SLOTS 4096

struct slot {
	int failures;
	time_t next_try;
};

static struct slot table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int shadow_fail(const char *email, time_t now, int cap, int lockout, int *wait)
{
	uint8_t h[8];
	crypto_generichash(h, sizeof h, (const uint8_t *)email, strlen(email), NULL, 0);
	uint64_t k;
	memcpy(&k, h, sizeof k);
	pthread_mutex_lock(&lock);
	struct slot *s = &table[k % SLOTS];
	int answer = 2;
	/* step for step what api_session.c does with a real account's row */
	if (s->failures < lockout) {
		int throttled = now < s->next_try;
		s->failures++;
		s->next_try = throttle_until(now, s->failures, cap);
		answer = s->failures >= lockout ? 2 : throttled ? 1 : 0;
		if (answer == 1)
			*wait = (int)(s->next_try - now);
	}
	pthread_mutex_unlock(&lock);
	return answer;
}
