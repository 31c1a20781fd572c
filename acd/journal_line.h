/* journal_line.h — a journal row as exported: the one form GET /v1/journal
 * streams and acd check verifies. */
#ifndef JOURNAL_LINE_H
#define JOURNAL_LINE_H

#include "store.h"
#include <jansson.h>

/* The columns journal_line reads, in its order. */
#define JOURNAL_COLUMNS \
	"seq, time, action, actor, structure_id, subject, details, digest, chain, erased_at"

/* The row under st (JOURNAL_COLUMNS first) as ac-audit exports it: exactly
 * what ac_journal_entry hashes, then digest and chain in hexadecimal, and
 * "erased_at" for an entry the retention purge erased (its digest is then
 * chained as stored). */
json_t *journal_line(store_stmt *st);

#endif
