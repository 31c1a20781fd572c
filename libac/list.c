/* list.c — the one loop of the list tools: flags become query parameters,
 * acd's NDJSON lines go to stdout as they arrive, or as CSV for a
 * spreadsheet (DESIGN §3: "--csv where a spreadsheet is the natural
 * destination"). */
#include "ac.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { K_CSV = 901 };

struct out {
	int csv;
	json_t *header; /* CSV: the columns, from the first line */
	json_t *(*flat)(json_t *line);
};

static void csv_cell(const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void csv_value(json_t *v)
{
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		csv_cell(json_string_value(v));
		return;
	}
	char *txt = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	csv_cell(txt ? txt : "");
	free(txt);
}

static void csv_row(json_t *cols, json_t *line)
{
	size_t i;
	json_t *col;
	json_array_foreach(cols, i, col) {
		if (i)
			putchar(',');
		if (line)
			csv_value(json_object_get(line, json_string_value(col)));
		else
			csv_cell(json_string_value(col));
	}
	fputs("\r\n", stdout); /* RFC 4180 */
}

/* A list that could not be read to its end says so on its last line. */
static int print_text(const char *line, size_t n, void *arg)
{
	(void)arg;
	if (n > 10 && !strncmp(line, "{\"error\":{", 10)) {
		json_t *e = json_loadb(line, n, 0, NULL);
		const char *m = json_string_value(json_object_get(json_object_get(e, "error"), "message"));
		fflush(stdout);
		ac_die(AC_EXIT_TEMP, "the list stopped before its end: %s", m ? m : "acd says so");
	}
	fwrite(line, 1, n, stdout);
	putchar('\n');
	return 0;
}

static int print_line(json_t *line, void *arg)
{
	struct out *o = arg;
	if (!o->csv) {
		ac_print(line);
		return 0;
	}
	line = o->flat ? o->flat(line) : json_incref(line);
	if (!o->header) {
		o->header = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(line, k, v)
			json_array_append_new(o->header, json_string(k));
		csv_row(o->header, NULL);
	}
	csv_row(o->header, line);
	json_decref(line);
	return 0;
}

void ac_query_add(char *path, size_t cap, const char *name, const char *value)
{
	char *v = ac_urlencode(value);
	size_t n = strlen(path);
	int w = snprintf(path + n, cap - n, "%c%s=%s", strchr(path, '?') ? '&' : '?', name, v);
	free(v);
	if (w < 0 || (size_t)w >= cap - n)
		ac_die(AC_EXIT_USAGE, "the filters are too long");
}

/* A flag as a query parameter: its JSON value as text, true as 1. */
static void add_param(char *path, size_t cap, const struct ac_opt *o, const char *arg)
{
	json_t *v = ac_opt_value(o, arg);
	char text[64];
	if (json_is_integer(v))
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(text, sizeof text, "%d", json_is_true(v));
	ac_query_add(path, cap, o->field, json_is_string(v) ? json_string_value(v) : text);
	json_decref(v);
}

int ac_list_tool(int argc, char **argv, const struct ac_list_tool *t)
{
	struct ac_opt *opts = ac_opts_plus(t->opts, (struct ac_opt){ "csv", 0, K_CSV, NULL,
						"print CSV for a spreadsheet, not NDJSON" });
	char path[2048];
	snprintf(path, sizeof path, "%s", t->path);
	struct out o = { .flat = t->csv_flat };
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts, t->usage, t->summary, &arg)) != -1) {
		if (c == K_CSV) {
			o.csv = 1;
			continue;
		}
		for (const struct ac_opt *p = opts; p->name; p++)
			if (p->key == c && p->field)
				add_param(path, sizeof path, p, arg);
	}
	free(opts);
	ac_session_require();
	json_t *err = NULL;
	struct ac_lines l = { .on_line = print_line, .arg = &o };
	if (!o.csv)
		l.on_text = print_text; /* NDJSON out as it came in: no parse, no re-print */
	long st = ac_call_lines_with("GET", path, NULL, NULL, 0, &l, &err);
	json_decref(o.header);
	if (st < 200 || st >= 300)
		ac_die_reply(st, err);
	return AC_EXIT_OK;
}

int ac_show(const char *path)
{
	ac_session_require();
	json_t *reply = NULL;
	long st = ac_call("GET", path, NULL, &reply);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	ac_print(reply);
	json_decref(reply);
	return AC_EXIT_OK;
}

int ac_show_tool(int argc, char **argv, const char *noun, const char *prefix, const char *help,
		 const char *lister)
{
	ac_init(argc, argv);
	static const struct ac_opt none[] = { { 0 } };
	const char *arg;
	json_int_t id = 0;
	int c;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, none, "ID", help, &arg)) != -1)
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
	if (!id)
		ac_die(AC_EXIT_USAGE, "which %s? usage: %s ID (%s shows the ids)", noun, ac_prog, lister);
	char path[128];
	snprintf(path, sizeof path, "%s/%lld", prefix, (long long)id);
	return ac_finish(ac_show(path));
}
