/* exit.c — from acd's HTTP status to the tools' exit status (DESIGN §3). */
#include "ac.h"

int ac_exit_for_http(long status)
{
	if (status >= 200 && status < 300)
		return AC_EXIT_OK;
	switch (status) {
	case 400: case 413: case 415: return AC_EXIT_DATA;
	case 401: case 403: return AC_EXIT_NOPERM;
	case 429: case 502: case 503: case 504: return AC_EXIT_TEMP;
	default: return AC_EXIT_SOME; /* 404, 409 and the rest: the item failed */
	}
}
