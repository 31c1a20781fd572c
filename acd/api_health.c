/* api_health.c — GET /v1/health: alive, and the database answers. */
#include "routes.h"

int api_health(struct req *r)
{
	static const char q[] = "SELECT 1";
	store_stmt *st = store_prep(r->db, q);
	if (store_int_or(st, 0) != 1)
		return reply_error(r, 503, "unavailable", "the database does not answer");
	return reply_json(r, 200, json_pack("{s:s,s:s}", "status", "ok", "version", AC_VERSION));
}
