/* ac-habilitation-list — aidants' habilitation requests (aidants à former):
 * a référent's structures', or every one for an operator; one JSON line
 * each, or --csv. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "structure", 1, 's', "ID", "only this structure's", "structure", AC_F_INT },
	{ "status", 1, 'S', "S,...", "only these states (waitlist, new, eligible, eligible_p2p, "
	  "validated, refused, cancelled, cancelled_by_referent), comma-separated", "status" },
	{ "region", 1, 'r', "CODE", "the région's INSEE code (84: Auvergne-Rhône-Alpes)", "region" },
	{ "departement", 1, 'd', "CODE", "the département's code (69, 2A, 974...)", "departement" },
	{ "training", 1, 't', "ID", "only those registered in this training session", "training", AC_F_INT },
	{ 0 }
};

static const struct ac_list_tool tool = {
	"/v1/habilitation-requests", opts,
	"[--structure ID] [--status S,...] [--region R] [--departement D] [--training ID] [--csv]",
	"List aidants' habilitation requests: those of the structures you are référent\n"
	"of, or every one (operators).",
	NULL,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
