/* notify.h — wakes the requests that long-poll a draft when one changes in
 * this process; a one-second tick catches changes made by another acd. */
#ifndef NOTIFY_H
#define NOTIFY_H
#include <stdint.h>
#include <time.h>

uint64_t notify_gen(void);
void notify_bump(void);
/* Waits until the generation moves past seen, or until deadline (at most 1 s). */
void notify_wait(uint64_t seen, time_t deadline);
#endif
