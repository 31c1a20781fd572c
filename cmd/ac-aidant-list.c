/* ac-aidant-list — the people of your structures, one JSON line each. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "structure", 1, 's', "ID", "only this structure", "structure", AC_F_INT },
	{ "inactive", 0, 256, NULL, "include those who left", "inactive", AC_F_TRUE },
	{ 0 }
};

static const struct ac_list_tool tool = {
	"/v1/aidants", opts, "[--structure ID] [--inactive] [--csv]",
	"List aidants and référents (a référent: its structures; an aidant: itself).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
