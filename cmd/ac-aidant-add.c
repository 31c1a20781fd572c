/* ac-aidant-add — adds aidants and référents to a structure: one from flags,
 * or many from stdin (NDJSON, or --csv) with the same fields as keys. */
#include "ac.h"

#include <string.h>

enum { O_REFERENT = 256, O_NO_AIDANT, O_CSV };

static const struct ac_opt opts[] = {
	{ "structure", 1, 's', "ID", "the structure's id" },
	{ "email", 1, 'e', "EMAIL", "the person's email (absent: read stdin)" },
	{ "first-name", 1, 'f', "NAME", "first name" },
	{ "last-name", 1, 'l', "NAME", "last name" },
	{ "profession", 1, 'p', "TEXT", "profession" },
	{ "phone", 1, 'P', "PHONE", "phone number" },
	{ "referent", 0, O_REFERENT, NULL, "make a référent (operators only)" },
	{ "no-aidant", 0, O_NO_AIDANT, NULL, "a référent who is not an aidant" },
	{ "csv", 0, O_CSV, NULL, "stdin is CSV with a header row" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	json_t *item = json_object();
	enum ac_format fmt = AC_NDJSON;
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--structure ID --email EMAIL --first-name F --last-name L [--profession P]"
			      " [--phone N] [--referent] [--no-aidant]  |  < people.ndjson",
			      "Add people to a structure (idempotent by email and structure).", &arg)) != -1) {
		switch (c) {
		case 's':
			json_object_set_new(item, "structure", json_integer(ac_opt_long("structure", arg, 1, 1L << 53)));
			break;
		case 'e': json_object_set_new(item, "email", json_string(arg)); break;
		case 'f': json_object_set_new(item, "first_name", json_string(arg)); break;
		case 'l': json_object_set_new(item, "last_name", json_string(arg)); break;
		case 'p': json_object_set_new(item, "profession", json_string(arg)); break;
		case 'P': json_object_set_new(item, "phone", json_string(arg)); break;
		case O_REFERENT: json_object_set_new(item, "referent", json_true()); break;
		case O_NO_AIDANT: json_object_set_new(item, "aidant", json_false()); break;
		case O_CSV: fmt = AC_CSV; break;
		}
	}
	if (!json_object_get(item, "email")) {
		if (json_object_size(item))
			ac_die(AC_EXIT_USAGE, "--email is required with the other flags (or give none and use stdin)");
		json_decref(item);
		static const char *const bools[] = { "referent", "aidant", NULL };
		static const char *const ints[] = { "structure", NULL };
		ac_csv_types(bools, ints);
		return ac_finish(ac_bulk("/v1/aidants", fmt));
	}
	const char *need[] = { "structure", "first_name", "last_name" };
	for (int i = 0; i < 3; i++)
		if (!json_object_get(item, need[i]))
			ac_die(AC_EXIT_USAGE, "--%s is required", !strcmp(need[i], "structure") ? "structure"
				       : !strcmp(need[i], "first_name") ? "first-name" : "last-name");
	return ac_finish(ac_submit("/v1/aidants", item));
}
