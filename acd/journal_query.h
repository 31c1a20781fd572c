/* journal_query.h — the filters of GET /v1/journal, parsed and checked apart
 * from the handler so they can be unit-tested. */
#ifndef JOURNAL_QUERY_H
#define JOURNAL_QUERY_H

#include <stddef.h>
#include <stdint.h>

struct journal_filter {
	char since[24];         /* "" or YYYY-MM-DDTHH:MM:SSZ, inclusive */
	char until[24];         /* likewise, inclusive */
	char action[48];        /* "" or one action word */
	int64_t structure;      /* 0: any */
	char actor[256];        /* "" or a lower-cased email, "anonymous", "usager:ID", "client:ID" */
	int64_t usager;         /* 0: any; else entries about that usager and their mandates */
};

/* An ISO 8601 date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM[:SS] with Z, an
 * offset like +02:00, or nothing for UTC) as the journal stores it: UTC,
 * YYYY-MM-DDTHH:MM:SSZ, so filters compare on the stored text.  A bare date
 * is the day's first second, or its last when end_of_day.  0, or -1. */
int journal_time_parse(const char *in, int end_of_day, char out[24]);

/* Sets one filter from a query parameter.  0; or -1 with a sentence in why. */
int journal_filter_set(struct journal_filter *, const char *name, const char *value, char *why,
		       size_t whylen);

#endif
