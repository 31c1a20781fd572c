/* json.c — data on stdout: one compact JSON object per line. */
#include "ac.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void ac_print(json_t *o)
{
	json_dumpf(o, stdout, JSON_COMPACT);
	fputc('\n', stdout);
}

int ac_finish(int status)
{
	/* a full disk or a closed pipe must not pass for success */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE)
			return status;
		fprintf(stderr, "%s: cannot write the output: %s\n", ac_prog, strerror(errno));
		return status ? status : AC_EXIT_SOME;
	}
	return status;
}

const char *ac_json_error(const json_error_t *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", e->text);
	char *near = strstr(buf, " near ");
	if (near)
		*near = 0;
	return buf;
}
