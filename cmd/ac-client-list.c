/* ac-client-list — the clients of the identity provider (operators), one JSON
 * line each, without their secrets. */
#include "ac.h"

static const struct ac_opt opts[] = { { 0 } };

static const struct ac_list_tool tool = {
	"/v1/clients", opts, "[--csv]",
	"List the clients of the identity provider (operators).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
