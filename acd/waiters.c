/* waiters.c — suspended connections, resumed all at once: a waiter that finds
 * nothing new suspends itself again until its own deadline. */
#include "waiters.h"
#include "log.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stopping = PTHREAD_COND_INITIALIZER;
static struct MHD_Connection **list;
static size_t n, cap;
static int running;
static pthread_t ticker;

/* Called with the lock held. */
static void resume_all(void)
{
	for (size_t i = 0; i < n; i++)
		MHD_resume_connection(list[i]);
	n = 0;
}

static void *tick(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (running) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += 1;
		pthread_cond_timedwait(&stopping, &lock, &t);
		resume_all();
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void waiters_start(struct MHD_Daemon *d)
{
	(void)d;
	running = 1;
	if (pthread_create(&ticker, NULL, tick, NULL)) {
		log_error("waiters: cannot start the tick thread");
		running = 0;
	}
}

void waiters_stop(void)
{
	pthread_mutex_lock(&lock);
	int was = running;
	running = 0;
	pthread_cond_broadcast(&stopping);
	resume_all();
	pthread_mutex_unlock(&lock);
	if (was)
		pthread_join(ticker, NULL);
}

int waiter_suspend(struct MHD_Connection *mc)
{
	/* under the lock: the tick must not resume it before it is suspended */
	pthread_mutex_lock(&lock);
	if (!running) { /* stopping: nobody would resume it */
		pthread_mutex_unlock(&lock);
		return -1;
	}
	if (n == cap) {
		cap = cap ? cap * 2 : 64;
		list = realloc(list, cap * sizeof *list);
	}
	list[n++] = mc;
	MHD_suspend_connection(mc);
	pthread_mutex_unlock(&lock);
	return 0;
}

void waiters_wake(void)
{
	pthread_mutex_lock(&lock);
	resume_all();
	pthread_mutex_unlock(&lock);
}
