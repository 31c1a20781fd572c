/* ac-stats — the service's figures, one JSON line per group (national,
 * région, département, structure, démarche family, month), or CSV. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "from", 1, 'f', "DATE", "count from this day (YYYY-MM-DD; default: the service's first)",
	  "from", AC_F_DATE },
	{ "to", 1, 't', "DATE", "count up to this day, included (default: today)", "to", AC_F_DATE },
	{ "by", 1, 'b', "LIST", "group by national (default), region, departement, structure,"
	  " demarche, month (a comma list)", "by", AC_F_LIST, ac_stats_groupings },
	{ 0 }
};

static const struct ac_list_tool tool = {
	"/v1/stats", opts, "[--from DATE] [--to DATE] [--by LIST] [--csv]",
	"Print the statistics: uses of mandates, usagers, mandates, habilitated aidants and\n"
	"structures, per group (operators and stats:read tokens: all; référents: their own).",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
