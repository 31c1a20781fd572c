/* ac-aidant-unlock — lifts the lockout that follows repeated failed logins. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "email", 1, 'e', "EMAIL", "the locked account's email", "email", .required = 1 },
	{ 0 }
};

static const struct ac_item_tool tool = {
	"/v1/aidants/unlock", opts, "--email EMAIL  |  [--csv] < accounts",
	"Unlock an account (référents of its structures, operators).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
