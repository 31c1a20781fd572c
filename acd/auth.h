/* auth.h — who is calling (sessions) and what they may touch (authorization).
 * Every rule answers on the server; a foreign object is reported as missing. */
#ifndef AUTH_H
#define AUTH_H

#include "req.h"

/* Loads r->who from the Bearer token (a session's, or an API token's:
 * tokens.h); on failure replies 401 and returns -1. */
int auth_session(struct req *r);
/* Fills who's memberships and operator flag for an account id. */
int auth_load_account(store_conn *db, int64_t account, struct who *w);

int authz_operator(const struct req *r);
int authz_referent_of(const struct req *r, int64_t structure);
int authz_member_of(const struct req *r, int64_t structure);
/* An active aidant of structure (operators included only if they are one):
 * mandates are the structure's, seen by its aidants and nobody else. */
int authz_aidant_of(const struct req *r, int64_t structure);
/* The structure a mandate request acts for: "structure" when given (the
 * caller must be its aidant: else 404), else the caller's only structure as
 * aidant (400 structure_required when it has several, 403 when none). */
int aidant_structure(struct req *r, int64_t given, int64_t *structure, struct fail *f);
/* Operator, or référent of at least one structure. */
int authz_referent_anywhere(const struct req *r);
int structure_exists(store_conn *db, int64_t id);
/* Operator, or référent of one of the account's active structures (past != 0:
 * or of one it left, so a departure can be recorded twice, idempotently). */
int authz_manages_account(struct req *r, int64_t account, int past);
/* What may change a person's identity or means of login (names, cards, apps):
 * an operator; or a référent every active membership of whom the account's
 * lies in, for an account that is no operator.  A person who also works for
 * another structure is no single référent's to hand a card or an app to.
 * authz_account_within: the same, also true for an account with no active
 * membership at all (someone coming back). */
int authz_account_within(struct req *r, int64_t account);
int authz_manages_whole(struct req *r, int64_t account);

/* The structure an account's own journal entries (logins, lockouts) are
 * filed under, so its référents read them: its first active one; 0: none. */
int64_t account_home(store_conn *db, int64_t account);

/* The ?structure= filter of a list: 0 when absent (an API token's structure
 * when it is narrowed to one), else a structure the caller
 * belongs to (operators: any).  A malformed id replies 400, a foreign or
 * missing one 404; both return -1. */
int req_structure_filter(struct req *r, int64_t *structure);
/* JSON array of the caller's roles, and of its structures with their roles. */
json_t *who_roles(const struct who *w);
json_t *who_structures(store_conn *db, const struct who *w);

#endif
