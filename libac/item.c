/* item.c — the shape of every tool that changes things: flags describe one
 * item, stdin carries many (DESIGN §3).  The option table says which flag
 * fills which field, so each tool is a table and a call. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { K_CSV = 900 };

int ac_item_tool(int argc, char **argv, const struct ac_item_tool *t)
{
	struct ac_opt *opts = ac_opts_plus(t->opts, (struct ac_opt){ "csv", 0, K_CSV, NULL,
						"stdin is CSV with a header row" });

	json_t *item = json_object();
	enum ac_format fmt = AC_NDJSON;
	const char *arg;
	int c;
	if (t->operand)
		ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts, t->usage, t->summary, &arg)) != -1) {
		if (c == AC_OPERAND) {
			json_object_set_new(item, t->operand, json_integer(ac_id_arg("ID", arg)));
			continue;
		}
		if (c == K_CSV) {
			fmt = AC_CSV;
			continue;
		}
		for (const struct ac_opt *o = opts; o->name; o++)
			if (o->key == c && o->field)
				json_object_set_new(item, o->field, ac_opt_value(o, arg));
	}
	free(opts);
	if (!json_object_size(item)) {
		json_decref(item);
		ac_csv_types(t->csv_bools, t->csv_ints);
		return ac_bulk(t->path, fmt);
	}
	if (fmt == AC_CSV)
		ac_die(AC_EXIT_USAGE, "--csv reads stdin: give it without the item's flags");
	if (t->operand && !json_object_get(item, t->operand))
		ac_die(AC_EXIT_USAGE, "which one? usage: %s %s", ac_prog, t->usage);
	for (const struct ac_opt *o = t->opts; o->name; o++)
		if (o->required && !json_object_get(item, o->field))
			ac_die(AC_EXIT_USAGE, "--%s is required for one item (or give no flag and use stdin)",
			       o->name);
	return ac_submit(t->path, item);
}
