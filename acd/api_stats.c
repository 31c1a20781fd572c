/* api_stats.c — GET /v1/stats?from=&to=&by= (ac-stats): operators and
 * operators' stats:read tokens see every structure, a référent (or its
 * token) its own; a token's figures by structure show "< 5" below 5 usagers. */
#include "routes.h"
#include "auth.h"
#include "stats.h"

#include <string.h>

/* The structures this caller's figures cover, or a 403. */
static int scope_of(struct req *r, struct stats_spec *sp)
{
	const struct who *w = &r->who;
	if (w->token_structure) {
		if (!authz_referent_of(r, w->token_structure))
			return reply_error(r, 403, "forbidden", "statistics are for operators and référents"),
			       -1;
		sp->structure = w->token_structure;
	} else if (!w->operator) {
		if (!authz_referent_anywhere(r))
			return reply_error(r, 403, "forbidden", "statistics are for operators and référents"),
			       -1;
		sp->referent = w->account;
	}
	return 0;
}

int api_stats(struct req *r)
{
	struct stats_spec sp = { 0 };
	char why[300];
	const char *from = req_query(r, "from"), *to = req_query(r, "to"), *by = req_query(r, "by");
	if (by && stats_by_parse(by, &sp.by, why, sizeof why))
		return reply_error(r, 400, "bad_filter", "%s", why);
	if (from && (sp.from = stats_day_start(from, 0)) < 0)
		return reply_error(r, 400, "bad_filter", "from must be a date, YYYY-MM-DD");
	/* to is the last day counted: the range ends when the next one starts */
	if (to && (sp.to = stats_day_start(to, 1)) < 0)
		return reply_error(r, 400, "bad_filter", "to must be a date, YYYY-MM-DD");
	if (scope_of(r, &sp))
		return r->status;
	if (!from)
		sp.from = stats_epoch(r->db, r->now);
	if (!to)
		sp.to = stats_today_end(r->now);
	if (sp.to <= sp.from)
		return reply_error(r, 400, "bad_filter", "from (%s) is after to (%s)", from ? from : "the start",
				   to ? to : "today");
	sp.mask = r->who.token && (sp.by & BY_STRUCTURE);
	int status;
	if (store_begin(r->db, 0) != STORE_OK) /* one snapshot for every figure */
		return reply_error(r, 503, "unavailable", "the database does not answer");
	json_t *rows = stats_compute(r->db, &sp, r->now, &status, why, sizeof why);
	store_commit(r->db);
	if (!rows)
		return reply_error(r, status, status == 400 ? "too_many_groups" : "internal", "%s", why);
	return reply_lines(r, rows);
}
