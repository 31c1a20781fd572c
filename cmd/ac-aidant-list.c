/* ac-aidant-list — the people of your structures, one JSON line each. */
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>

enum { O_INACTIVE = 256 };

static const struct ac_opt opts[] = {
	{ "structure", 1, 's', "ID", "only this structure" },
	{ "inactive", 0, O_INACTIVE, NULL, "include those who left" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	long structure = 0;
	int inactive = 0;
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "[--structure ID] [--inactive]",
			      "List aidants and référents.", &arg)) != -1) {
		if (c == 's')
			structure = ac_opt_long("structure", arg, 1, 1L << 53);
		else if (c == O_INACTIVE)
			inactive = 1;
	}
	char path[128];
	int n = snprintf(path, sizeof path, "/v1/aidants?inactive=%d", inactive);
	if (structure)
		snprintf(path + n, sizeof path - (size_t)n, "&structure=%ld", structure);
	return ac_finish(ac_list(path));
}
