/* ac-training-list — the training sessions, with their seats left: one JSON
 * line each, or --csv. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "from", 1, 'f', "DATE", "only those starting that day or later, YYYY-MM-DD", "from", AC_F_DATE },
	{ "open", 0, 'o', NULL, "only those not begun with a seat left", "open", AC_F_TRUE },
	{ 0 }
};

static const struct ac_list_tool tool = {
	"/v1/trainings", opts, "[--from DATE] [--open] [--csv]",
	"List the training sessions for future aidants, with their seats left\n"
	"(référents and operators).",
	NULL,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
