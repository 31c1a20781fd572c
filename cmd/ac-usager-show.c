/* ac-usager-show — one usager of your structures' mandates, with those
 * mandates, as one JSON line. */
#include "ac.h"

int main(int argc, char **argv)
{
	return ac_show_tool(argc, argv, "usager", "/v1/usagers",
			    "Show an usager: identity, mandate counts, and your structures' mandates\n"
			    "with them (mandates_list).",
			    "ac-usager-list");
}
