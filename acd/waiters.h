/* waiters.h — long polls without a thread each: a request that waits for a
 * draft to change is suspended (libmicrohttpd), and resumed when a draft
 * changes in this process or at the next one-second tick (a change made by
 * another acd on the same database), to look again. */
#ifndef WAITERS_H
#define WAITERS_H

struct MHD_Daemon;
struct MHD_Connection;

void waiters_start(struct MHD_Daemon *d);
/* Resumes every waiter and stops the tick: before MHD_stop_daemon. */
void waiters_stop(void);
/* Suspends the connection (from its own handler) until the next wake; -1
 * when acd is stopping (answer at once instead). */
int waiter_suspend(struct MHD_Connection *mc);
/* Resumes every waiter now: something they wait for may have changed. */
void waiters_wake(void);
/* The store's notification channel of these changes (store_notify in the
 * transaction that makes one): the waiters of every acd wake. */
#define WAITERS_CHANNEL "ac_drafts"
#endif
