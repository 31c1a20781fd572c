/* stream.c (fuzz) — the bulk readers of the tools (libac/stream.c): stdin as
 * NDJSON, or as CSV with its header row (libcsv) and typed columns.  The
 * first byte picks the format; the rest is the input.  Every record comes
 * in order, an object or refused with a reason; a CSV record holds only its
 * header's columns, each of its column's type. */
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the typed columns of the tools (ac-aidant-add, ac-card-import...) */
static const char *const bools[] = { "referent", "aidant", NULL };
static const char *const ints[] = { "structure", "digits", "step", "id", NULL };

struct seen {
	size_t last;
	int csv;
};

static int one(json_t *rec, size_t line, const char *err, void *arg)
{
	struct seen *s = arg;
	if (line <= s->last || (!rec && (!err || !*err)) || (rec && !json_is_object(rec)))
		abort();
	s->last = line;
	const char *k;
	json_t *v;
	json_object_foreach(rec, k, v) {
		if (!s->csv)
			break;
		if (ac_in_list(bools, k) ? !json_is_boolean(v)
		    : ac_in_list(ints, k) ? !json_is_integer(v) : !json_is_string(v) || !*json_string_value(v))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct seen s = { .csv = data[0] & 1 };
	ac_csv_types(bools, ints);
	FILE *in = fmemopen((void *)(data + 1), size - 1, "r");
	if (!in)
		return 0;
	char err[300];
	int rc = ac_stream_read(in, s.csv ? AC_CSV : AC_NDJSON, one, &s, err, sizeof err);
	if (rc && !*err)
		abort(); /* refused input says why */
	fclose(in);
	return 0;
}
