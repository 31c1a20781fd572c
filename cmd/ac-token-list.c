/* ac-token-list — your API tokens (an operator: every account's), one JSON
 * line each, never the token itself. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "all", 0, 'a', NULL, "also the revoked and expired ones", "all", AC_F_TRUE },
	{ 0 }
};

static const struct ac_list_tool tool = {
	"/v1/tokens", opts, "[--all] [--csv]",
	"List your API tokens: scopes, structure, expiry, last use (operators: everyone's).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
