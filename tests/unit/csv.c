/* csv.c — ac_stream_each over CSV (RFC 4180): quoted fields, embedded commas
 * and newlines, typed columns, wrong field counts; and NDJSON's bad lines. */
#include "ac.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct seen {
	json_t *recs;   /* the records, or {"line":N,"err":...} */
};

static int collect(json_t *rec, size_t line, const char *err, void *arg)
{
	struct seen *s = arg;
	json_array_append_new(s->recs, rec ? json_incref(rec) :
				  json_pack("{s:I,s:s}", "line", (json_int_t)line, "err", err));
	return 0;
}

static char *run(const char *input, enum ac_format fmt)
{
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	struct seen s = { json_array() };
	ac_stream_each(in, fmt, collect, &s);
	fclose(in);
	char *out = json_dumps(s.recs, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(s.recs);
	return out;
}

static void check(const char *input, enum ac_format fmt, const char *want, const char *what)
{
	char *got = run(input, fmt);
	is_str(got, want, "%s", what);
	free(got);
}

/* ac_stream_each dies (65) on CSV it cannot parse: run it in a child. */
static int exit_status_of(const char *input)
{
	fflush(stdout); /* or the child would print our buffered lines again */
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		free(run(input, AC_CSV));
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The same, keeping what it says on stderr in msg. */
static int exit_status_msg(const char *input, char *msg, size_t cap)
{
	int fd[2];
	fflush(stdout);
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		free(run(input, AC_CSV));
		_exit(0);
	}
	close(fd[1]);
	size_t len = 0;
	ssize_t n;
	while (len < cap - 1 && (n = read(fd[0], msg + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = 0;
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	static const char *const bools[] = { "referent", NULL }, *const ints[] = { "step", NULL };
	ac_csv_types(bools, ints);
	check("serial,seed,step\nGADT1,00ff,60\r\nGADT2,11ee,30\n", AC_CSV,
	      "[{\"seed\":\"00ff\",\"serial\":\"GADT1\",\"step\":60},"
	      "{\"seed\":\"11ee\",\"serial\":\"GADT2\",\"step\":30}]",
	      "plain rows, LF and CRLF, an integer column");
	check("name,city\n\"Mairie, annexe\",\"Saint-\"\"Denis\"\"\"\n\"two\nlines\",x\n", AC_CSV,
	      "[{\"city\":\"Saint-\\\"Denis\\\"\",\"name\":\"Mairie, annexe\"},"
	      "{\"city\":\"x\",\"name\":\"two\\nlines\"}]",
	      "quoted fields with commas, doubled quotes and newlines");
	check("email,referent\na@b.fr,true\nc@d.fr,\n", AC_CSV,
	      "[{\"email\":\"a@b.fr\",\"referent\":true},{\"email\":\"c@d.fr\"}]",
	      "booleans; an empty cell is left out");
	check("a,b\n1,2,3\n4\n5,6\n", AC_CSV,
	      "[{\"err\":\"3 fields where the header has 2\",\"line\":1},"
	      "{\"err\":\"1 fields where the header has 2\",\"line\":2},{\"a\":\"5\",\"b\":\"6\"}]",
	      "wrong field counts are reported per record, the rest goes on");
	check("email,referent\na@b.fr,maybe\n", AC_CSV,
	      "[{\"err\":\"column referent: expected true or false, not \\\"maybe\\\"\",\"line\":1}]",
	      "a bad boolean names its column");
	check("serial,step\nG1,9223372036854775808\nG2,-9223372036854775809\nG3,9223372036854775807\n",
	      AC_CSV,
	      "[{\"err\":\"column step: expected a whole number, not \\\"9223372036854775808\\\"\",\"line\":1},"
	      "{\"err\":\"column step: expected a whole number, not \\\"-9223372036854775809\\\"\",\"line\":2},"
	      "{\"serial\":\"G3\",\"step\":9223372036854775807}]",
	      "an integer past 2^63 is refused, not read as the largest one (seen writing the fuzz harness)");
	check("a,b\n\n1,2\n", AC_CSV, "[{\"a\":\"1\",\"b\":\"2\"}]", "blank lines are skipped");
	check("\xef\xbb\xbf", AC_CSV, "[]", "no records");
	ok(exit_status_of("a,b\n\"open,2\n") == AC_EXIT_DATA, "an unterminated quote exits 65");
	char msg[400];
	ok(exit_status_msg("email,first_name,email\na@b.fr,A,c@d.fr\n", msg, sizeof msg) ==
	   AC_EXIT_DATA && strstr(msg, "\"email\" appears twice"),
	   "a column named twice exits 65 and names it: %s", msg);
	ok(exit_status_msg("email,,last_name\na@b.fr,x,N\n", msg, sizeof msg) == AC_EXIT_DATA &&
	   strstr(msg, "column 2 has no name"), "a column without a name exits 65: %s", msg);
	ok(exit_status_msg("email,\"\"\na@b.fr,x\n", msg, sizeof msg) == AC_EXIT_DATA,
	   "a quoted empty name too");

	check("{\"a\":1}\n\n{bad\n[1]\n{\"b\":2}", AC_NDJSON,
	      "[{\"a\":1},{\"err\":\"malformed JSON: string or '}' expected\",\"line\":3},"
	      "{\"err\":\"malformed JSON: a line must be a JSON object\",\"line\":4},{\"b\":2}]",
	      "NDJSON: line numbers count blank lines, bad lines are named");
	return tap_done();
}
