/* ac-card-unlink — unlinks OTP cards with a reason: one from flags, or many
 * from stdin (NDJSON, or --csv) with the keys serial, reason. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "serial", 1, 's', "SERIAL", "the card's serial number", "serial", .required = 1 },
	{ "reason", 1, 'r', "REASON", "lost, broken, departure, error or returned", "reason",
	  .choices = ac_unlink_reasons, .required = 1 },
	{ 0 }
};

static const struct ac_item_tool tool = {
	"/v1/cards/unlink", opts, "--serial S --reason R  |  [--csv] < cards",
	"Unlink OTP cards.  lost: the card never works again; broken: out of use;\n"
	"departure: back to the structure's stock for another aidant; error, or\n"
	"returned (sent back to ANCT): back to the national stock.  An authenticator\n"
	"app is retired whatever the reason.  A holder may declare their own card lost.",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
