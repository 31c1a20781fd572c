/* training_new.c — POST /v1/trainings: training sessions (formations), one
 * object or NDJSON lines (one transaction, a savepoint per line); operators
 * make them.  A session starts at a time in Paris after now, lasts 7 or 14
 * hours, takes place somewhere or remotely, and seats from 1 to 1000
 * people.  The same session again (every value the same) is changed:false. */
#include "routes.h"
#include "auth.h"
#include "bodies.h"
#include "training.h"
#include "ac.h"

#include <string.h>

static const char *const kinds[] = { "classic", "p2p", NULL };

/* A line's values, checked: 0, or -1 with a 400 in f. */
static int values_ok(struct txn *t, json_t *in, time_t *at, struct fail *f)
{
	const char *start = jstr(in, "start", ""), *place = jstr(in, "place", "");
	int64_t hours = jint(in, "hours", 0), capacity = jint(in, "capacity", 0);
	if (training_instant(start, at))
		return fail_set(f, 400, "bad_start", "\"start\" must be a time in Paris, "
				"YYYY-MM-DDTHH:MM (2027-01-12T09:00)");
	if (*at <= t->now)
		return fail_set(f, 400, "bad_start", "\"start\" %s is past: a session starts after now",
				start);
	if (*at > t->now + 2 * 366 * 86400)
		return fail_set(f, 400, "bad_start", "\"start\" %s is more than two years ahead", start);
	if (hours != 7 && hours != 14)
		return fail_set(f, 400, "bad_hours", "\"hours\" must be 7 or 14");
	if (capacity < 1 || capacity > 1000)
		return fail_set(f, 400, "bad_capacity", "\"capacity\" must be from 1 to 1000 seats");
	if (!*place == !jbool(in, "remote", 0))
		return fail_set(f, 400, "bad_place", "give \"place\" (where it takes place) or "
				"\"remote\": true, one of them");
	if (strlen(place) > 300)
		return fail_set(f, 400, "bad_place", "\"place\" is longer than 300 bytes");
	const char *org = jstr(in, "organisation", "");
	if (strlen(org) > 200)
		return fail_set(f, 400, "bad_organisation", "\"organisation\" is longer than 200 bytes");
	char words[40];
	if (!ac_in_list(kinds, jstr(in, "kind", "classic")))
		return fail_set(f, 400, "bad_kind", "\"kind\" must be one of: %s",
				ac_list_words(kinds, words, sizeof words));
	return 0;
}

static int new_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char same[] =
		"SELECT id FROM trainings WHERE start_local = $1 AND hours = $2 AND place = $3"
		" AND remote = $4 AND capacity = $5 AND kind = $6 AND organisation = $7";
	static const char next_id[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM trainings";
	static const char ins[] =
		"INSERT INTO trainings (id, start_local, starts_at, hours, place, remote, capacity, kind,"
		" organisation, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	time_t at;
	if (values_ok(t, in, &at, f))
		return -1;
	const char *start = jstr(in, "start", ""), *place = jstr(in, "place", ""),
		   *kind = jstr(in, "kind", "classic"), *org = jstr(in, "organisation", "");
	int64_t hours = jint(in, "hours", 0), capacity = jint(in, "capacity", 0);
	int remote = jbool(in, "remote", 0);
	store_stmt *st = store_prep(t->db, same);
	store_bind_text(st, 1, start);
	store_bind_int(st, 2, hours);
	store_bind_text(st, 3, place);
	store_bind_int(st, 4, remote);
	store_bind_int(st, 5, capacity);
	store_bind_text(st, 6, kind);
	store_bind_text(st, 7, org);
	int64_t id = store_int_or(st, 0), changed = id == 0;
	if (changed) {
		id = store_int_or(store_prep(t->db, next_id), 1);
		st = store_prep(t->db, ins);
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, start);
		store_bind_int(st, 3, at);
		store_bind_int(st, 4, hours);
		store_bind_text(st, 5, place);
		store_bind_int(st, 6, remote);
		store_bind_int(st, 7, capacity);
		store_bind_text(st, 8, kind);
		store_bind_text(st, 9, org);
		store_bind_int(st, 10, t->now);
		if (store_exec(st) != STORE_DONE)
			return fail_set(f, 500, "internal", "cannot record the training");
		char subject[24];
		snprintf(subject, sizeof subject, "training:%lld", (long long)id);
		if (journal_append(t, "training_create", 0, subject,
				   json_pack("{s:s,s:I,s:s,s:b,s:I,s:s,s:s}", "start", start, "hours",
					     (json_int_t)hours, "place", place, "remote", remote,
					     "capacity", (json_int_t)capacity, "kind", kind,
					     "organisation", org)))
			return fail_set(f, 500, "internal", "cannot write the journal");
	}
	json_object_update_new(out, json_pack("{s:I,s:s,s:I,s:s,s:b,s:I,s:s,s:s,s:b}", "id",
					      (json_int_t)id, "start", start, "hours", (json_int_t)hours,
					      "place", place, "remote", remote, "capacity",
					      (json_int_t)capacity, "kind", kind, "organisation", org,
					      "changed", (int)changed));
	return 0;
}

int api_training_create(struct req *r)
{
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only an operator schedules training sessions");
	if (req_lines_over(r, BULK_LINES_MAX))
		return r->status;
	return run_items(r, body_training_create, new_one);
}
