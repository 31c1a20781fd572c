/* ac-card-list — the cards the caller may see, one NDJSON line each:
 * operators all, référents their structures', an aidant its own. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "state", 1, 's', "STATE", "stock, linked, active, lost, broken or retired", "state",
	  .choices = ac_card_states },
	{ "structure", 1, 'S', "ID", "only the cards of this structure", "structure", AC_F_INT },
	{ 0 }
};

static const struct ac_list_tool tool = {
	"/v1/cards", opts, "[--state STATE] [--structure ID] [--csv]",
	"List OTP cards: serial, kind, state, email, structure, digits, step, algorithm,\n"
	"drift (in steps) and last_used_at (the last code accepted).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
