/* ac-token-revoke — ends API tokens at once: one by its ID, or many from stdin
 * (NDJSON, or --csv, with the key id).  Revoking twice changes nothing. */
#include "ac.h"

static const struct ac_opt opts[] = { { 0 } };

static const char *const ints[] = { "id", NULL };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	static const struct ac_item_tool tool = {
		"/v1/tokens/revoke", opts, "ID  |  [--csv] < tokens",
		"Revoke API tokens (your own; operators: anyone's).",
		NULL, ints, "id",
	};
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
