/* ac-card-unlink — unlinks OTP cards with a reason: one from flags, or many
 * from stdin (NDJSON, or --csv) with the keys serial, reason. */
#include "ac.h"

enum { O_CSV = 256 };

static const struct ac_opt opts[] = {
	{ "serial", 1, 's', "SERIAL", "the card's serial number" },
	{ "reason", 1, 'r', "REASON", "lost, broken, departure or error" },
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
	while ((c = ac_getopt(argc, argv, opts, "--serial S --reason R  |  [--csv] < cards",
			      "Unlink OTP cards.  lost: the card never works again; broken: out of use;\n"
			      "departure: back to the structure's stock for another aidant; error: back\n"
			      "to the national stock.  An authenticator app is retired whatever the reason.",
			      &arg)) != -1) {
		switch (c) {
		case 's': json_object_set_new(item, "serial", json_string(arg)); break;
		case 'r':
			if (!ac_in_list(ac_unlink_reasons, arg))
				ac_die(AC_EXIT_USAGE, "--reason must be lost, broken, departure or error");
			json_object_set_new(item, "reason", json_string(arg));
			break;
		case O_CSV: fmt = AC_CSV; break;
		}
	}
	if (!json_object_size(item)) {
		json_decref(item);
		return ac_finish(ac_bulk("/v1/cards/unlink", fmt));
	}
	if (!json_object_get(item, "serial") || !json_object_get(item, "reason"))
		ac_die(AC_EXIT_USAGE, "--serial and --reason go together (or give no flag and use stdin)");
	return ac_finish(ac_submit("/v1/cards/unlink", item));
}
