/* mem.c — memory that must be there: a tool cannot do anything useful after
 * an allocation fails, so it says so and stops instead of writing through NULL. */
#include "ac.h"

#include <stdlib.h>

void *ac_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		ac_die(AC_EXIT_TEMP, "out of memory (%zu bytes wanted); free some memory or "
		       "split the input, and retry", n);
	return q;
}
