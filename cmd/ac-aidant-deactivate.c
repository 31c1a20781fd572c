/* ac-aidant-deactivate — records a departure from a structure, or from all:
 * the aidant's card there is unlinked and, gone from all, its sessions end. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "email", 1, 'e', "EMAIL", "the aidant's email (absent: read stdin)" },
	{ "structure", 1, 's', "ID", "leave only this structure" },
	{ "csv", 0, 'C', NULL, "stdin is CSV with a header row" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	json_t *item = json_object();
	enum ac_format fmt = AC_NDJSON;
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "--email EMAIL [--structure ID]  |  < departures.ndjson",
			      "Deactivate an aidant in one structure or in all of yours.", &arg)) != -1) {
		if (c == 'e')
			json_object_set_new(item, "email", json_string(arg));
		else if (c == 's')
			json_object_set_new(item, "structure", json_integer(ac_opt_long("structure", arg, 1, 1L << 53)));
		else if (c == 'C')
			fmt = AC_CSV;
	}
	if (!json_object_get(item, "email")) {
		if (json_object_size(item))
			ac_die(AC_EXIT_USAGE, "--email is required with --structure");
		json_decref(item);
		static const char *const ints[] = { "structure", NULL };
		ac_csv_types(NULL, ints);
		return ac_finish(ac_bulk("/v1/aidants/deactivate", fmt));
	}
	return ac_finish(ac_submit("/v1/aidants/deactivate", item));
}
