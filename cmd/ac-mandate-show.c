/* ac-mandate-show — one mandate of your structures, as one JSON line. */
#include "ac.h"

static const struct ac_opt opts[] = { { 0 } };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	json_int_t id = 0;
	int c;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts, "ID",
			      "Show a mandate: its usager, démarches, duration, status, autorisations.",
			      &arg)) != -1)
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
	if (!id)
		ac_die(AC_EXIT_USAGE, "which mandate? usage: %s ID (ac-mandate-list shows the ids)", ac_prog);
	char path[64];
	snprintf(path, sizeof path, "/v1/mandates/%lld", (long long)id);
	return ac_finish(ac_show(path));
}
