/* ac-card-link — links physical OTP cards to aidants: one from flags, or many
 * from stdin (NDJSON, or --csv) with the keys serial, email, code. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "serial", 1, 's', "SERIAL", "the card's serial number", "serial", .required = 1 },
	{ "email", 1, 'e', "EMAIL", "the aidant's email", "email", .required = 1 },
	{ "code", 1, 'c', "CODE", "a code the card shows now (required from a référent)", "code" },
	{ 0 }
};

static const struct ac_item_tool tool = {
	"/v1/cards/link", opts, "--serial S --email E [--code C]  |  [--csv] < links",
	"Link OTP cards to aidants.  A référent gives a code the card shows now:\n"
	"the card is active at once.  An operator may link in bulk without codes:\n"
	"the card is linked and becomes active at its first login.",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
