/* ac-structure-list — the structures you can see, one JSON line each. */
#include "ac.h"

static const struct ac_opt opts[] = { { 0 } };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	while (ac_getopt(argc, argv, opts, "",
			 "List structures (operators: all; others: their own).", &arg) != -1)
		;
	return ac_finish(ac_list("/v1/structures"));
}
