/* store_pg_listen.c — LISTEN on a connection of its own: one thread waits on
 * libpq's socket and calls back at every notification, so that a change
 * committed by another acd on the same database (a usager identified
 * through the other server) wakes this one's waiters at once.  A lost
 * connection is made again (1 s, 2 s ... 30 s apart), and the callback runs
 * once it listens again: a notification sent while it did not listen would
 * otherwise be missed. */
#include "store_pg_listen.h"
#include "log.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct listener {
	char *url;
	char channel[64];
	void (*cb)(void);
	atomic_int running;
	int down;    /* not listening since a loss or a failed start */
	int failing; /* the last connection attempt failed (said once) */
	pthread_t thread;
};

static struct listener *the; /* one per process: acd listens on one channel */

/* Sleeps s seconds in short slices, so stopping is not held up. */
static void pause_s(struct listener *l, int s)
{
	for (int i = 0; i < s * 5 && atomic_load(&l->running); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 * 1000 }, NULL);
}

static PGconn *listening(struct listener *l)
{
	char err[256];
	PGconn *pg = store_pg_connect(l->url, err, sizeof err);
	if (!pg) {
		if (!l->failing) /* said once per outage, not at every try */
			log_error("listen: cannot connect: %s", err);
		l->failing = l->down = 1;
		return NULL;
	}
	/* named apart from the workers' connections ("acd") in pg_stat_activity */
	char sql[128];
	snprintf(sql, sizeof sql, "SET application_name = 'acd-listen'; LISTEN %s", l->channel);
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		log_error("listen: %s", PQerrorMessage(pg));
	PQclear(r);
	if (!ok) {
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

static void *loop(void *arg)
{
	struct listener *l = arg;
	PGconn *pg = NULL;
	int backoff = 1;
	while (atomic_load(&l->running)) {
		if (!pg) {
			if (!(pg = listening(l))) {
				pause_s(l, backoff);
				backoff = backoff < 16 ? backoff * 2 : 30;
				continue;
			}
			if (l->down)
				log_info("listen: listening again");
			backoff = 1;
			l->down = l->failing = 0;
			l->cb(); /* what changed while nobody listened */
		}
		struct pollfd p = { .fd = PQsocket(pg), .events = POLLIN };
		if (poll(&p, 1, 200) <= 0)
			continue;
		if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK) {
			log_error("listen: the connection was lost: %s", PQerrorMessage(pg));
			PQfinish(pg);
			pg = NULL;
			l->down = 1;
			continue;
		}
		int any = 0;
		PGnotify *n;
		while ((n = PQnotifies(pg))) {
			any = 1;
			PQfreemem(n);
		}
		if (any)
			l->cb();
	}
	PQfinish(pg);
	return NULL;
}

int pg_listener_start(const char *url, const char *channel, void (*cb)(void))
{
	if (the || strlen(channel) >= sizeof the->channel)
		return -1;
	struct listener *l = calloc(1, sizeof *l);
	if (!l || !(l->url = strdup(url))) {
		free(l);
		return -1;
	}
	snprintf(l->channel, sizeof l->channel, "%s", channel);
	l->cb = cb;
	atomic_store(&l->running, 1);
	if (pthread_create(&l->thread, NULL, loop, l)) {
		free(l->url);
		free(l);
		return -1;
	}
	the = l;
	return 0;
}

void pg_listener_stop(void)
{
	struct listener *l = the;
	if (!l)
		return;
	atomic_store(&l->running, 0);
	pthread_join(l->thread, NULL);
	free(l->url);
	free(l);
	the = NULL;
}
