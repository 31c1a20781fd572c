/* ac-structure-list — the structures you can see, one JSON line each. */
#include "ac.h"

static const struct ac_opt opts[] = { { 0 } };

static const struct ac_list_tool tool = {
	"/v1/structures", opts, "[--csv]",
	"List structures (operators: all; others: their own).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
