/* ac-card-list — the cards the caller may see, one NDJSON line each:
 * operators all, référents their structures', an aidant its own. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

static const struct ac_opt opts[] = {
	{ "state", 1, 's', "STATE", "stock, linked, active, lost, broken or retired" },
	{ "structure", 1, 'S', "ID", "only the cards of this structure" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *state = NULL;
	long structure = 0;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "[--state STATE] [--structure ID]",
			      "List OTP cards: serial, kind, state, email, structure, digits, step, algorithm.",
			      &arg)) != -1) {
		if (c == 's')
			state = arg;
		else if (c == 'S')
			structure = ac_opt_long("structure", arg, 1, 1L << 53);
	}
	if (state && !ac_in_list(ac_card_states, state))
		ac_die(AC_EXIT_USAGE, "--state must be stock, linked, active, lost, broken or retired");
	char path[256];
	int n = snprintf(path, sizeof path, "/v1/cards?");
	if (state)
		n += snprintf(path + n, sizeof path - (size_t)n, "state=%s&", state);
	if (structure)
		n += snprintf(path + n, sizeof path - (size_t)n, "structure=%ld&", structure);
	path[n - 1] = 0;
	return ac_finish(ac_list(path));
}
