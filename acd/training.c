/* training.c — what the training routes share: a session's start read as a
 * time in Paris, a session loaded, a request's seats given back. */
#include "training.h"
#include "frdate.h"
#include "ac.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int training_instant(const char *local, time_t *out)
{
	struct tm tm = { 0 };
	int n = 0;
	if (strlen(local) != 16 || local[10] != 'T' || local[13] != ':')
		return -1;
	for (int i = 0; i < 16; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && !isdigit((unsigned char)local[i]))
			return -1;
	char day[11];
	memcpy(day, local, 10);
	day[10] = 0;
	if (!ac_date_valid(day) ||
	    sscanf(local, "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &n) != 5 || n != 16 || tm.tm_hour > 23 || tm.tm_min > 59)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t wall = timegm(&tm); /* the local time read as if it were UTC */
	/* the offset in force at that instant: guessed from winter time, then
	 * taken again at the instant found (the change happens at 01:00 UTC,
	 * when no training starts) */
	time_t t = wall - paris_offset(wall - 3600);
	t = wall - paris_offset(t);
	if (t + paris_offset(t) != wall) /* 02:30 on the night clocks go forward */
		return -1;
	*out = t;
	return 0;
}

int training_load(store_conn *db, int64_t id, struct training *out)
{
	static const char q[] = "SELECT id, capacity, starts_at, start_local FROM trainings"
				" WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	*out = (struct training){ .id = store_col_int(st, 0), .capacity = store_col_int(st, 1),
				  .starts_at = (time_t)store_col_int(st, 2) };
	snprintf(out->start_local, sizeof out->start_local, "%s", store_col_text(st, 3));
	return 1;
}

int training_release(struct txn *t, int64_t request)
{
	static const char seats[] =
		"UPDATE trainings SET registered = registered - 1 WHERE id IN (SELECT training_id"
		" FROM training_registrations WHERE request_id = $1 AND attended = 0)";
	static const char gone[] = "DELETE FROM training_registrations WHERE request_id = $1 AND attended = 0";
	store_stmt *st = store_prep(t->db, seats);
	store_bind_int(st, 1, request);
	if (store_exec(st) != STORE_DONE)
		return -1;
	st = store_prep(t->db, gone);
	store_bind_int(st, 1, request);
	if (store_exec(st) != STORE_DONE)
		return -1;
	return (int)store_changes(t->db);
}
