/* tokens.h — API tokens: an unattended way in for cron jobs and pipelines,
 * narrower than a session.  A token acts with its creator's rights as they
 * are at each request, narrowed to its scopes and to one structure if given. */
#ifndef TOKENS_H
#define TOKENS_H

#include "req.h"

/* What a token looks like: this prefix and 64 hex digits, so that it is
 * never mistaken for a session's token (and secret scanners can spot it). */
#define API_TOKEN_PREFIX "act_"
#define API_TOKEN_LEN (4 + 64)

/* The scopes' bits, in the order of libac's ac_scopes[]. */
enum {
	SC_STATS = 1u << 0,          /* stats:read */
	SC_REMINDERS = 1u << 1,      /* reminders:send */
	SC_JOURNAL = 1u << 2,        /* journal:read */
	SC_AIDANTS = 1u << 3,        /* aidants:write: arrivals and departures */
	SC_CARDS = 1u << 4,          /* cards:write */
	SC_HABILITATIONS = 1u << 5,  /* habilitations:write */
	SC_MANDATES = 1u << 6,       /* mandates:read */
	SC_ANY = (1u << 7) - 1,      /* a route any token may call (whoami) */
};

/* Loads r->who from an API token: its creator's account and memberships
 * now, narrowed.  On failure replies 401 and returns -1. */
int token_auth(struct req *r, const char *token);
/* Narrows w to structure (0: leaves it whole): only that membership is kept,
 * and an operator becomes a référent of it.  -1 when w has no part in it. */
int token_narrow(struct who *w, int64_t structure);
/* The scopes w's rights can give a token (an operator: all; a référent:
 * all but reminders:send; an aidant: mandates:read). */
unsigned token_scopes_possible(const struct who *w);
/* For a request made with a token: 0 when the route is within its scopes,
 * else replies 403 insufficient_scope and returns -1. */
int token_route_check(struct req *r, unsigned route_scopes);

#endif
