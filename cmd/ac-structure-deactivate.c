/* ac-structure-deactivate — ends structures' habilitation (operators): one
 * from flags, or many from stdin (NDJSON, or --csv) with the keys id, reason. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "reason", 1, 'r', "TEXT", "why the habilitation ends (journaled, kept with the structure)", "reason",
	  .required = 1 },
	{ 0 }
};

static const char *const ints[] = { "id", NULL };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	static const struct ac_item_tool tool = {
		"/v1/structures/deactivate", opts, "ID --reason TEXT  |  [--csv] < structures",
		"End the habilitation of structures: their memberships and sessions end, their\n"
		"cards go back to the national stock, every active mandate is revoked with its\n"
		"attestation, in one transaction each.",
		NULL, ints, "id",
	};
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
