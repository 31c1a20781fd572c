/* canon.c (fuzz) — differential: wherever libac's fast canonical form
 * (libac/canon.c) vouches for a line, jansson must read the same object and
 * print the very same canonical text.  A difference would let ac-audit
 * --verify accept a line whose meaning differs from what was hashed. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	int64_t seq;
	const char *digest, *chain;
	const char *fast = ac_canon_entry((const char *)data, size, &n, &seq, &digest, &chain);
	if (!fast)
		return 0; /* the fast path declined: jansson judges, nothing to compare */
	char *mine = malloc(n + 1);
	memcpy(mine, fast, n);
	mine[n] = 0;
	json_error_t e;
	json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!o || !json_is_object(o))
		abort(); /* the fast path accepted what jansson refuses */
	if (json_integer_value(json_object_get(o, "seq")) != seq)
		abort();
	json_object_del(o, "digest");
	json_object_del(o, "chain");
	char *theirs = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!theirs || strcmp(mine, theirs) != 0)
		abort(); /* two canonical forms for one line */
	free(theirs);
	free(mine);
	json_decref(o);
	return 0;
}
