/* pskc.c (fuzz) — card makers' PSKC files (RFC 6030) as ac-card-import
 * --pskc reads them (libac/pskc.c over libpskc and libxml2): any bytes give
 * records, each an object whose seed is hex, or a refusal with a reason. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[300] = "";
	json_t *records = ac_pskc_parse((const char *)data, size, err, sizeof err);
	if (!records && !*err)
		abort();
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r) {
		const char *seed = json_string_value(json_object_get(r, "seed"));
		if (!json_is_object(r) || (seed && strspn(seed, "0123456789abcdef") != strlen(seed)))
			abort();
		char *line = json_dumps(r, JSON_COMPACT); /* what ac-card-import sends */
		if (!line)
			abort();
		free(line);
	}
	json_decref(records);
	return 0;
}
