/* ac-usager-list — the usagers who have a mandate with your structures, one
 * JSON line each, or one CSV row each for a spreadsheet. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "search", 1, 256, "TEXT", "given or family name containing TEXT (ASCII case ignored)",
	  "search" },
	{ "structure", 1, 's', "ID", "only usagers with a mandate of this structure", "structure",
	  AC_F_INT },
	{ 0 }
};

/* The mandate counts as three columns rather than one cell of JSON. */
static json_t *flat(json_t *u)
{
	json_t *row = json_deep_copy(u), *counts = json_object_get(u, "mandates");
	json_object_del(row, "mandates");
	static const char *const status[] = { "active", "expired", "revoked" };
	for (int i = 0; i < 3; i++) {
		char key[32];
		snprintf(key, sizeof key, "mandates_%s", status[i]);
		json_t *n = json_object_get(counts, status[i]);
		json_object_set_new(row, key, n ? json_incref(n) : json_integer(0));
	}
	return row;
}

static const struct ac_list_tool tool = {
	"/v1/usagers", opts, "[--search TEXT] [--structure ID] [--csv]",
	"List the usagers who have a mandate with your structures (ended less than\n"
	"365 days ago), with their mandates counted by status.",
	flat,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
