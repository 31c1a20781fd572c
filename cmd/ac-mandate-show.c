/* ac-mandate-show — one mandate of your structures, as one JSON line. */
#include "ac.h"

int main(int argc, char **argv)
{
	return ac_show_tool(argc, argv, "mandate", "/v1/mandates",
			    "Show a mandate: its usager, démarches, duration, status, autorisations.",
			    "ac-mandate-list");
}
