/* departure.h — a person leaving structures: the memberships end, their
 * cards there are released, each journaled as aidant_deactivate; a person
 * left with no structure (and no operator) is inactive, without session or
 * card.  Shared by ac-aidant-deactivate and the inactivity rule. */
#ifndef DEPARTURE_H
#define DEPARTURE_H
#include "txn.h"

/* Ends account's memberships of the n structures in targets (active ones),
 * each journaled with details (borrowed; NULL: none).  *remaining: the
 * active memberships left.  0, or -1 (the transaction must roll back). */
int departure_record(struct txn *t, int64_t account, const char *email, int is_operator,
		     const int64_t *targets, int n, json_t *details, int *remaining);
#endif
