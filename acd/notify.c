/* notify.c — a generation counter under a condition variable. */
#include "notify.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static uint64_t gen;

uint64_t notify_gen(void)
{
	pthread_mutex_lock(&lock);
	uint64_t g = gen;
	pthread_mutex_unlock(&lock);
	return g;
}

void notify_bump(void)
{
	pthread_mutex_lock(&lock);
	gen++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

void notify_wait(uint64_t seen, time_t deadline)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	if (until.tv_sec > deadline)
		until.tv_sec = deadline;
	pthread_mutex_lock(&lock);
	while (gen == seen)
		if (pthread_cond_timedwait(&changed, &lock, &until) != 0)
			break;
	pthread_mutex_unlock(&lock);
}
