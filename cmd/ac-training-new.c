/* ac-training-new — schedules training sessions (formations) for future
 * aidants: one from flags, or many from stdin (NDJSON, or --csv). */
#include "ac.h"

static const char *const kinds[] = { "classic", "p2p", NULL };
static const char *const hours[] = { "7", "14", NULL };

static const struct ac_opt opts[] = {
	{ "start", 1, 's', "TIME", "when it starts, in Paris: YYYY-MM-DDTHH:MM", "start", .required = 1 },
	{ "hours", 1, 'H', "7|14", "how long it lasts", "hours", AC_F_INT, .choices = hours,
	  .required = 1 },
	{ "place", 1, 'p', "TEXT", "where it takes place", "place" },
	{ "remote", 0, 'r', NULL, "it takes place remotely (no place)", "remote", AC_F_TRUE },
	{ "capacity", 1, 'c', "N", "seats, 1 to 1000", "capacity", AC_F_INT, .required = 1 },
	{ "kind", 1, 'k', "KIND", "classic (the default) or p2p", "kind", .choices = kinds },
	{ "organisation", 1, 'o', "TEXT", "the training body", "organisation" },
	{ 0 }
};

static const char *const bools[] = { "remote", NULL };
static const char *const ints[] = { "hours", "capacity", NULL };

static const struct ac_item_tool tool = {
	"/v1/trainings", opts,
	"--start YYYY-MM-DDTHH:MM --hours 7|14 --place TEXT|--remote --capacity N"
	" [--kind classic|p2p] [--organisation TEXT]  |  [--csv] < sessions",
	"Schedule training sessions for future aidants (operators).  The same session\n"
	"again is changed:false.  Bulk keys: start, hours, place, remote, capacity, kind,\n"
	"organisation.",
	bools, ints,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
