/* ac-audit — exports the journal as NDJSON, or verifies an export's hash
 * chain offline (--verify), without a server. */
#include "ac.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { K_SINCE = 256, K_UNTIL, K_ACTION, K_STRUCTURE, K_ACTOR, K_USAGER, K_VERIFY, K_ANCHOR };
#define NFILTERS (K_USAGER - K_SINCE + 1)

static const struct ac_opt opts[] = {
	{ "since", 1, K_SINCE, "TIME", "entries at or after TIME (2024-05-01 or 2024-05-01T14:30:00Z; UTC unless an offset is given)" },
	{ "until", 1, K_UNTIL, "TIME", "entries at or before TIME (a date means to its end)" },
	{ "action", 1, K_ACTION, "ACTION", "entries of one action, as login_failed" },
	{ "structure", 1, K_STRUCTURE, "ID", "entries about one structure" },
	{ "actor", 1, K_ACTOR, "WHO", "entries by one actor: an email, usager:ID or client:CLIENT_ID" },
	{ "usager", 1, K_USAGER, "ID", "entries about one usager: identity, mandates, uses, their own acts" },
	{ "verify", 0, K_VERIFY, NULL, "check the hash chain of an export read on stdin (no server)" },
	{ "anchor", 1, K_ANCHOR, "HASH", "with --verify: the chain hash of the entry before the export's first (an earlier verify's head)" },
	{ 0 }
};

/* ---- export ---- */

struct export {
	size_t lines;
	char error[400];
};

static int print_line(json_t *line, void *arg)
{
	struct export *e = arg;
	json_t *err = json_object_get(line, "error");
	if (err) { /* acd could not finish the stream after its 200 */
		snprintf(e->error, sizeof e->error, "%s",
			 json_string_value(json_object_get(err, "message")) ?: "the export was cut short");
		return 1;
	}
	ac_print(line);
	e->lines++;
	return 0;
}

static int export(const char *const filter[NFILTERS])
{
	static const char *const names[NFILTERS] = { "since", "until", "action", "structure", "actor",
						     "usager" };
	char path[4096] = "/v1/journal";
	for (int i = 0; i < NFILTERS; i++)
		if (filter[i])
			ac_query_add(path, sizeof path, names[i], filter[i]);
	struct export e = { 0 };
	json_t *err = NULL;
	long st = ac_call_lines("GET", path, NULL, NULL, 0, print_line, &e, &err);
	if (st != 200)
		ac_die_reply(st, err);
	if (e.error[0]) {
		ac_warn("%s (after %zu entries)", e.error, e.lines);
		return ac_finish(AC_EXIT_TEMP);
	}
	return ac_finish(0);
}

/* ---- verify ---- */

/* One line: 0 good, -1 the chain breaks; a line that is no entry ends the
 * run (65). */
static int check_line(const char *txt, size_t len, size_t line, struct ac_chain_check *c)
{
	char why[300];
	int rc = ac_chain_verify_record(txt, len, c, why, sizeof why);
	if (rc == -2)
		ac_die(AC_EXIT_DATA, "line %zu: %s", line, why);
	return rc;
}

/* Reads stdin in large blocks and checks each line where it lies: no copy,
 * no allocation per line (getline's small reads and copies were a third of
 * a large verify).  0, or 1 at the first line that does not verify. */
static int check_lines(struct ac_chain_check *c)
{
	size_t cap = 1 << 20, len = 0, seen = 0, line = 0;
	char *buf = ac_xrealloc(NULL, cap);
	int bad = 0, eof = 0;
	while (!bad && !eof) {
		if (len == cap) /* a line longer than the buffer */
			buf = ac_xrealloc(buf, cap *= 2);
		ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ac_die(AC_EXIT_DATA, "cannot read stdin after line %zu: %s", line,
			       strerror(errno));
		eof = n == 0;
		len += (size_t)n;
		/* every whole line; at the end of the input, the last one too.  The
		 * first seen bytes are known to hold no newline. */
		char *p = buf, *end = buf + len, *nl;
		while (!bad && p < end &&
		       ((nl = memchr(p + seen, '\n', (size_t)(end - p) - seen)) || eof)) {
			char *next = nl ? nl + 1 : end;
			size_t k = (size_t)((nl ? nl : end) - p);
			line++;
			while (k && p[k - 1] == '\r')
				k--;
			if (k)
				bad = check_line(p, k, line, c) != 0;
			p = next;
			seen = 0;
		}
		len = (size_t)(end - p);
		seen = len;
		memmove(buf, p, len);
	}
	free(buf);
	return bad;
}

static int verify(const char *anchor)
{
	/* picks libsodium's fastest BLAKE2b for this CPU (else the portable one) */
	if (sodium_init() < 0)
		ac_die(AC_EXIT_TEMP, "libsodium cannot start");
	struct ac_chain_check c = { 0 };
	if (anchor && ac_chain_anchor(&c, anchor))
		ac_die(AC_EXIT_USAGE, "--anchor \"%s\" is not a chain hash (64 hexadecimal digits)",
		       anchor);
	int bad = check_lines(&c);
	if (!bad && c.entries == 0)
		ac_die(AC_EXIT_DATA, "stdin holds no journal entry to verify");
	json_t *out;
	if (bad) {
		out = json_pack("{s:I,s:b,s:I,s:s}", "entries", (json_int_t)c.entries, "ok", 0,
				"broken_at", (json_int_t)c.broken_at, "error", c.why);
	} else {
		char head[65];
		sodium_bin2hex(head, sizeof head, c.chain, 32);
		out = json_pack("{s:I,s:b,s:s}", "entries", (json_int_t)c.entries, "ok", 1, "head", head);
	}
	/* what the retention purge erased: counted, and which */
	char runs[sizeof c.erased_seq + 64];
	json_object_set_new(out, "erased", json_integer((json_int_t)c.erased));
	if (c.erased)
		json_object_set_new(out, "erased_seq",
				    json_string(ac_chain_erased_runs(&c, runs, sizeof runs)));
	ac_print(out);
	json_decref(out);
	if (bad)
		ac_warn("the journal export does not verify: %s", c.why);
	return ac_finish(bad ? AC_EXIT_SOME : 0);
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *filter[NFILTERS] = { 0 }, *arg, *anchor = NULL;
	int c, check = 0;
	while ((c = ac_getopt(argc, argv, opts,
			      "[--since T] [--until T] [--action A] [--structure ID] [--actor WHO]"
			      " [--usager ID]\n       | --verify [--anchor HASH] < export.ndjson",
			      "Export the journal as NDJSON, or verify an export's hash chain offline.",
			      &arg)) != -1) {
		if (c >= K_SINCE && c <= K_USAGER)
			filter[c - K_SINCE] = arg;
		else if (c == K_VERIFY)
			check = 1;
		else if (c == K_ANCHOR)
			anchor = arg;
	}
	if (check) {
		for (int i = 0; i < NFILTERS; i++)
			if (filter[i])
				ac_die(AC_EXIT_USAGE, "--verify takes no filter: it checks the export on stdin");
		return verify(anchor);
	}
	if (anchor)
		ac_die(AC_EXIT_USAGE, "--anchor goes with --verify (see --help)");
	return export(filter);
}
