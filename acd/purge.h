/* purge.h — retention (RGPD), run by "acd purge": what the service's privacy
 * policy says not to keep is deleted, in one transaction, and the journal's
 * entries about it are erased in place (their digest kept, so the chain
 * still verifies). */
#ifndef PURGE_H
#define PURGE_H
#include "req.h"

struct purge_policy {
	int mandate_years;      /* mandates ended this long ago (6) */
	int draft_days;         /* drafts made this long ago (1) */
	int application_days;   /* applications never confirmed (7) */
	int dry_run;            /* count, then roll back */
};

/* Purges as of r->now; the counts by kind in *counts.  0, or -1 with the
 * database unchanged (r->status 503 when it stayed busy). */
int purge_run(struct req *r, const struct purge_policy *p, json_t **counts);
#endif
