/* ac-card-link — links a physical OTP card to an aidant: one from flags, or
 * many from stdin (NDJSON, or --csv) with the keys serial, email, code. */
#include "ac.h"

enum { O_CSV = 256 };

static const struct ac_opt opts[] = {
	{ "serial", 1, 's', "SERIAL", "the card's serial number" },
	{ "email", 1, 'e', "EMAIL", "the aidant's email" },
	{ "code", 1, 'c', "CODE", "a code the card shows now (required from a référent)" },
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
	while ((c = ac_getopt(argc, argv, opts, "--serial S --email E [--code C]  |  [--csv] < links",
			      "Link OTP cards to aidants.  A référent gives a code the card shows now:\n"
			      "the card is active at once.  An operator may link in bulk without codes:\n"
			      "the card is linked and becomes active at its first login.",
			      &arg)) != -1) {
		switch (c) {
		case 's': json_object_set_new(item, "serial", json_string(arg)); break;
		case 'e': json_object_set_new(item, "email", json_string(arg)); break;
		case 'c': json_object_set_new(item, "code", json_string(arg)); break;
		case O_CSV: fmt = AC_CSV; break;
		}
	}
	if (!json_object_size(item)) {
		json_decref(item);
		return ac_finish(ac_bulk("/v1/cards/link", fmt));
	}
	if (!json_object_get(item, "serial") || !json_object_get(item, "email"))
		ac_die(AC_EXIT_USAGE, "--serial and --email go together (or give no flag and use stdin)");
	return ac_finish(ac_submit("/v1/cards/link", item));
}
