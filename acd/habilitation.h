/* habilitation.h — aidants' habilitation requests (aidants à former):
 * made by habilitation_new.c and application_accept.c, moved along by
 * habilitation_set.c, listed by api_habilitations.c. */
#ifndef HABILITATION_H
#define HABILITATION_H

/* The states a request ends in, as SQL: any other is open, and a
 * (structure, email) has one open request at most. */
#define HABILITATION_TERMINAL "('validated', 'refused', 'cancelled', 'cancelled_by_referent')"

#endif
