/* lines.c — ac_lines_feed, the NDJSON splitter of acd's replies: lines split
 * across reads, CRLF, blank lines, and an unreadable line never dropped. */
#include "ac.h"
#include "tap.h"

#include <stdlib.h>

static int keep(json_t *line, void *arg)
{
	json_array_append(arg, line);
	return 0;
}

/* Feeds txt in chunks of step bytes as a reply would arrive; returns the
 * lines handed on, as one compact array. */
static char *feed(const char *txt, size_t step, struct ac_lines *l)
{
	json_t *got = json_array();
	*l = (struct ac_lines){ .on_line = keep, .arg = got };
	char *buf = malloc(strlen(txt) + 1);
	size_t len = 0, at = 0, total = strlen(txt);
	while (at < total) {
		size_t n = total - at < step ? total - at : step;
		memcpy(buf + len, txt + at, n);
		len += n;
		at += n;
		size_t used = ac_lines_feed(l, buf, len, at == total);
		memmove(buf, buf + used, len - used);
		len -= used;
	}
	free(buf);
	char *out = json_dumps(got, JSON_COMPACT);
	json_decref(got);
	return out;
}

static int keep_text(const char *line, size_t n, void *arg)
{
	json_array_append_new(arg, json_stringn(line, n));
	return 0;
}

int main(void)
{
	struct ac_lines l;
	for (size_t step = 1; step <= 64; step *= 4) {
		char *out = feed("{\"a\":1}\n\r\n{\"b\":2}\r\n\n{\"c\":3}", step, &l);
		is_str(out, "[{\"a\":1},{\"b\":2},{\"c\":3}]",
		       "read %zu bytes at a time: every line, CRLF, blank lines skipped, the last "
		       "without its newline", step);
		ok(l.bad == 0 && l.count == 3, "no bad line, 3 lines counted");
		free(out);
	}
	for (size_t step = 1; step <= 64; step *= 4) {
		char *out = feed("{\"a\":1}\n{\"b\":2,\n{\"c\":3}\n", step, &l);
		is_str(out, "[{\"a\":1}]", "an unreadable line stops the lines (%zu at a time)", step);
		ok(l.bad == 2 && l.stopped && *l.why, "it is reported, as line 2: %s", l.why);
		free(out);
	}
	char *out = feed("{\"a\":1}\n{\"b\":", 1000, &l);
	ok(l.bad == 2, "a reply cut inside its last line is reported too");
	free(out);
	/* not final: a partial line waits for the rest */
	l = (struct ac_lines){ .on_line = keep, .arg = json_array() };
	ok(ac_lines_feed(&l, "{\"a\":1}\n{\"b\"", 13, 0) == 8 && l.count == 1 && !l.bad,
	   "a partial line is kept for the next read");
	json_decref(l.arg);
	/* text mode: lines handed as they came, a cut one still stops them */
	json_t *got = json_array();
	l = (struct ac_lines){ .on_text = keep_text, .arg = got };
	const char *txt = "{\"a\":1}\r\n\n{\"b\":[2]}\n{\"c\":";
	size_t used = ac_lines_feed(&l, txt, strlen(txt), 1);
	char *dump = json_dumps(got, JSON_COMPACT);
	is_str(dump, "[\"{\\\"a\\\":1}\",\"{\\\"b\\\":[2]}\"]",
	       "text mode: each line as it came, CRLF and blank lines handled");
	ok(used == strlen(txt) && l.bad == 3 && l.count == 3,
	   "text mode: a line cut short is reported as line 3 (%s)", l.why);
	free(dump);
	json_decref(got);
	return tap_done();
}
