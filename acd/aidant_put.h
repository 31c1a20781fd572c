/* aidant_put.h — a person put in a structure: the account made or brought up
 * to date, the membership made or given its roles, journaled (aidant_add,
 * aidant_reactivate, aidant_update).  ac-aidant-add's work, and a validated
 * habilitation request's (habilitation_set.c). */
#ifndef AIDANT_PUT_H
#define AIDANT_PUT_H

#include "txn.h"

struct aidant_put {
	int64_t account;
	int aidant, referent;   /* the roles after */
	int changed;            /* the account or the membership written */
};

/* In t's transaction: in holds first_name, last_name, and optionally
 * profession, phone, aidant, referent (absent roles: a newcomer is an
 * aidant; a member keeps its roles).  For a person who works elsewhere too,
 * in's names are set to those stored.  email is normalized; the caller has
 * checked the structure and the caller's right to it.  0, or -1 with f. */
int aidant_put(struct txn *t, const char *email, int64_t structure, json_t *in,
	       struct aidant_put *res, struct fail *f);

/* Whether account is the last active référent of structure (the one whose
 * leaving would leave it without any). */
int last_referent(store_conn *db, int64_t structure, int64_t account);

/* The person's own fields of in: names (1 to 100 characters), profession
 * (200 at most), phone: 0, or -1 with a 400 in f. */
int aidant_person_ok(json_t *in, struct fail *f);

#endif
