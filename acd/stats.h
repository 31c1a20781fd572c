/* stats.h — the national statistics (ac-stats, the /stats page): figures
 * per group, each computed by one indexed aggregate query per figure (and
 * per month when grouped by month), merged by group here. */
#ifndef STATS_H
#define STATS_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

enum {
	BY_REGION = 1 << 0, BY_DEPARTEMENT = 1 << 1, BY_STRUCTURE = 1 << 2,
	BY_DEMARCHE = 1 << 3, BY_MONTH = 1 << 4,
};

/* The figures, in the order of the rows' fields. */
enum { F_DEMARCHES, F_USAGERS, F_CREATED, F_ACTIVE, F_REVOKED, F_AIDANTS, F_FORMATION,
       F_STRUCTURES, F_EN_HABILITATION, F_COUNT };
extern const char *const stats_figure_names[F_COUNT];

#define STATS_MAX_MONTHS 240
#define STATS_MAX_GROUPS 200000
#define STATS_SMALL 5   /* fewer usagers than this: shown as "< 5" */

struct stats_spec {
	time_t from, to;        /* [from, to) */
	unsigned by;            /* BY_* bits; 0: national */
	int64_t referent;       /* 0: every structure; else the structures this account is référent of */
	int64_t structure;      /* 0, or only this structure */
	int mask;               /* figures of fewer than STATS_SMALL usagers as "< 5" */
};

/* "region,demarche" → BY_* bits; "national" alone is 0.  -1 with the reason. */
int stats_by_parse(const char *list, unsigned *by, char *why, size_t len);
/* "2026-11-30" → the instant that day starts in Paris, or (after) the day
 * after it starts: -1 when it is not a date. */
time_t stats_day_start(const char *ymd, int after);
/* The rows, in group order; NULL with the reason in why (a range too long,
 * too many groups: *status 400; the database: 500). */
json_t *stats_compute(store_conn *, const struct stats_spec *, time_t now, int *status,
		      char *why, size_t len);
/* The instant tomorrow starts in Paris: the end of a range that ends today. */
time_t stats_today_end(time_t now);
/* The first day the installation served: its first structure's creation. */
time_t stats_epoch(store_conn *, time_t now);
#endif
