/* api_trainings.c — GET /v1/trainings: the training sessions, what every
 * référent (who registers its structures' requests) and operator sees:
 * ?from=YYYY-MM-DD those starting that day or later, ?open=1 those not begun
 * with a seat left.  The people registered are not shown here: a référent
 * lists its own with GET /v1/habilitation-requests?training=ID. */
#include "routes.h"
#include "auth.h"
#include "training.h"
#include "ac.h"

#include <string.h>

static json_t *training_json(store_stmt *st, time_t now)
{
	int64_t capacity = store_col_int(st, 6), registered = store_col_int(st, 7);
	time_t at = (time_t)store_col_int(st, 2);
	char starts_at[32];
	iso_time(at, starts_at);
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:b,s:I,s:I,s:I,s:s,s:s,s:b}",
			 "id", (json_int_t)store_col_int(st, 0), "start", store_col_text(st, 1),
			 "starts_at", starts_at, "hours", (json_int_t)store_col_int(st, 3),
			 "place", store_col_text(st, 4), "remote", (int)store_col_int(st, 5),
			 "capacity", (json_int_t)capacity, "registered", (json_int_t)registered,
			 "seats_left", (json_int_t)(capacity - registered), "kind", store_col_text(st, 8),
			 "organisation", store_col_text(st, 9), "open", at > now && registered < capacity);
}

int api_training_list(struct req *r)
{
	static const char q[] =
		"SELECT id, start_local, starts_at, hours, place, remote, capacity, registered, kind,"
		" organisation FROM trainings WHERE start_local >= $1"
		" AND ($2 = 0 OR (starts_at > $3 AND registered < capacity)) ORDER BY starts_at, id";
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden",
				   "only a référent or an operator reads the training sessions");
	const char *from = req_query(r, "from"), *open = req_query(r, "open");
	if (from && !ac_date_valid(from))
		return reply_error(r, 400, "bad_filter", "from must be a day, YYYY-MM-DD");
	if (open && strcmp(open, "1") && strcmp(open, "0"))
		return reply_error(r, 400, "bad_filter", "open must be 0 or 1");
	store_stmt *st = store_prep(r->db, q);
	store_bind_text(st, 1, from ? from : "");
	store_bind_int(st, 2, open && !strcmp(open, "1"));
	store_bind_int(st, 3, r->now);
	json_t *lines = json_array();
	int rc;
	while ((rc = store_step(st)) == STORE_ROW)
		json_array_append_new(lines, training_json(st, r->now));
	if (rc != STORE_DONE) {
		json_decref(lines);
		return reply_error(r, 503, "unavailable", "the database cannot be read; retry");
	}
	return reply_lines(r, lines);
}
