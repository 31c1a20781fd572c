/* training.h — training sessions (formations) and the habilitation requests
 * registered in them: made by training_new.c, listed by api_trainings.c,
 * seats taken and given back by training_seat.c, attendance recorded by
 * training_attend.c. */
#ifndef TRAINING_H
#define TRAINING_H

#include "txn.h"

#include <stdint.h>
#include <time.h>

/* The states of a request that may hold a seat, as SQL. */
#define TRAINING_REGISTRABLE "('eligible', 'eligible_p2p')"

/* "2027-01-12T09:00", a time in Paris, as an instant: 0, or -1 when it is
 * no such time (a bad form, a day or hour that does not exist). */
int training_instant(const char *local, time_t *out);

struct training {
	int64_t id, capacity;
	time_t starts_at;
	char start_local[20];
};
/* Training id as the caller may see it (every référent and operator sees
 * every session): 1, 0 when there is none, -1 on a database error. */
int training_load(store_conn *db, int64_t id, struct training *out);

/* A request that leaves the registrable states gives its seats back (the
 * sessions it has not attended): the number released, or -1. */
int training_release(struct txn *t, int64_t request);

#endif
