/* ac-aidant-deactivate — records a departure from a structure, or from all:
 * the aidant's card there is unlinked and, gone from all, its sessions end. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "email", 1, 'e', "EMAIL", "the aidant's email", "email", .required = 1 },
	{ "structure", 1, 's', "ID", "leave only this structure", "structure", AC_F_INT },
	{ 0 }
};

static const char *const ints[] = { "structure", NULL };

static const struct ac_item_tool tool = {
	"/v1/aidants/deactivate", opts, "--email EMAIL [--structure ID]  |  [--csv] < departures",
	"Deactivate an aidant in one structure, or in all of yours.", NULL, ints,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
