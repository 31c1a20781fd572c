/* code_check.h — a one-time code typed by an account holder, checked against
 * the cards it holds: the throttle, the lockout, the replay guard and the
 * drift learning of every place a code is asked (login, mandate signature). */
#ifndef CODE_CHECK_H
#define CODE_CHECK_H
#include "txn.h"

struct code_attempt {
	int64_t account;
	const char *email;
	const char *code;
	const char *purpose;    /* NULL for a login; else written in failures' details */
	/* out */
	int64_t home;           /* the journal's structure for this account's entries */
	char serial[64];        /* the card that accepted the code */
	struct fail f;          /* why it was refused */
};

/* 1: accepted (failures reset, the step used up); 0: refused, with a.f set
 * and the failure counted and journaled (commit it); -1: database error. */
int code_check(struct txn *t, struct code_attempt *a);

/* The same for a login by email (a->email set, a->account found here): an
 * email without an account is refused exactly like a wrong code, in answer,
 * delay and time. */
int code_check_email(struct txn *t, struct code_attempt *a);

/* The refusal of a login that reveals nothing: wrong email or code... */
extern const char *const CODE_REFUSED;
/* The 401 "locked" answer, in f. */
void code_refuse_locked(struct fail *f);
#endif
