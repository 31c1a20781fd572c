/* journal_line.c — a journal row as exported (journal_line.h). */
#include "journal_line.h"
#include "req.h"
#include "ac.h"

#include <sodium.h>

static json_t *hex(const void *blob, size_t n)
{
	char buf[65];
	if (n != 32)
		return json_string("");
	sodium_bin2hex(buf, sizeof buf, blob, n);
	return json_string(buf);
}

json_t *journal_line(store_stmt *st)
{
	json_t *details = json_loads(store_col_text(st, 6), 0, NULL);
	if (!details)
		details = json_object();
	json_t *line = ac_journal_entry(store_col_int(st, 0), store_col_text(st, 1),
					store_col_text(st, 2), store_col_text(st, 3),
					store_col_null(st, 4) ? 0 : store_col_int(st, 4),
					store_col_text(st, 5), details);
	json_decref(details);
	size_t n;
	const void *b = store_col_blob(st, 7, &n);
	json_object_set_new(line, "digest", hex(b, n));
	b = store_col_blob(st, 8, &n);
	json_object_set_new(line, "chain", hex(b, n));
	if (!store_col_null(st, 9)) {
		char when[32];
		iso_time((time_t)store_col_int(st, 9), when);
		json_object_set_new(line, "erased_at", json_string(when));
	}
	return line;
}
