/* bulk.c — ac_bulk_refused: when acd refuses a later batch as a whole, every
 * record left still gets its result line, with the server's error. */
#include "ac.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

/* What f prints on stdout. */
static char *capture(void (*f)(void *), void *arg)
{
	fflush(stdout);
	FILE *tmp = tmpfile();
	int saved = dup(1);
	dup2(fileno(tmp), 1);
	f(arg);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	off_t n = lseek(fileno(tmp), 0, SEEK_END);
	char *out = calloc(1, (size_t)n + 1);
	if (pread(fileno(tmp), out, (size_t)n, 0) != n)
		out[0] = 0;
	fclose(tmp);
	return out;
}

static struct ac_record recs[3] = {
	{ 1001, "{\"serial\":\"A\"}", NULL },
	{ 1002, NULL, "malformed JSON: x" },
	{ 1003, "{\"serial\":\"C\"}", NULL },
};

static void refused_503(void *arg)
{
	(void)arg;
	json_t *reply = json_loads("{\"error\":{\"code\":\"unavailable\",\"message\":\"retry later\"}}", 0, NULL);
	ac_bulk_refused(recs, 3, 503, reply);
	json_decref(reply);
}

static void refused_bare(void *arg)
{
	(void)arg;
	ac_bulk_refused(recs + 2, 1, 502, NULL);
}

int main(void)
{
	char *out = capture(refused_503, NULL);
	is_str(out,
	       "{\"line\":1001,\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"retry later\"}}\n"
	       "{\"line\":1002,\"ok\":false,\"error\":{\"code\":\"bad_input\",\"message\":\"malformed JSON: x\"}}\n"
	       "{\"line\":1003,\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"retry later\"}}\n",
	       "one line per record left, the server's error; an unreadable record keeps its own");
	free(out);
	out = capture(refused_bare, NULL);
	is_str(out,
	       "{\"line\":1003,\"ok\":false,\"error\":{\"code\":\"http_error\",\"message\":\"acd answered HTTP 502 to this batch\"}}\n",
	       "a refusal without an error object still names the HTTP status");
	free(out);
	return tap_done();
}
