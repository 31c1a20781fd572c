/* msg.c — "prog: what went wrong, and what to do" on stderr. */
#include "ac.h"

#include <stdarg.h>
#include <stdlib.h>

const char *ac_prog = "ac";

static void vsay(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", ac_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ac_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(status);
}

void ac_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void ac_die_reply(long http_status, json_t *reply)
{
	json_t *e = json_object_get(reply, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));
	if (msg)
		ac_die(ac_exit_for_http(http_status), "%s", msg);
	ac_die(ac_exit_for_http(http_status), "the server answered HTTP %ld", http_status);
}
