/* ac-mandate-list — the mandates of your structures, one JSON line each, or
 * one CSV row each for a spreadsheet. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

static const struct ac_opt opts[] = {
	{ "usager", 1, 'u', "ID", "only this usager's mandates", "usager", AC_F_INT },
	{ "status", 1, 256, "STATUS", "active, expired or revoked", "status",
	  .choices = ac_mandate_statuses },
	{ "expiring-within", 1, 257, "DAYS", "only mandates that end within DAYS days",
	  "expiring_within", AC_F_INT },
	{ "structure", 1, 's', "ID", "only this structure's mandates", "structure", AC_F_INT },
	{ "aidant", 1, 'a', "EMAIL|me", "only the mandates this aidant signed (me: yours)", "aidant" },
	{ "all", 0, 258, NULL, "also mandates ended more than 365 days ago", "all", AC_F_TRUE },
	{ 0 }
};

/* One row per mandate: the usager's id and names beside it, the démarches as
 * "logement,papiers" (the form --demarches takes), no nested autorisations. */
static json_t *flat(json_t *m)
{
	json_t *u = json_object_get(m, "usager"), *d = json_object_get(m, "demarches"),
	       *a = json_object_get(m, "aidant");
	char *codes = NULL;
	size_t len = 0, i;
	json_t *v;
	json_array_foreach(d, i, v) {
		const char *s = json_string_value(v);
		size_t n = s ? strlen(s) : 0;
		codes = ac_xrealloc(codes, len + n + 2);
		if (len)
			codes[len++] = ',';
		memcpy(codes + len, s ? s : "", n);
		len += n;
		codes[len] = 0;
	}
	json_t *row = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:s,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?}",
				"id", json_object_get(m, "id"),
				"structure", json_object_get(m, "structure"),
				"usager", json_object_get(u, "id"),
				"given_name", json_object_get(u, "given_name"),
				"family_name", json_object_get(u, "family_name"),
				"demarches", codes ? codes : "",
				"duration", json_object_get(m, "duration"),
				"status", json_object_get(m, "status"),
				"created_at", json_object_get(m, "created_at"),
				"expires_at", json_object_get(m, "expires_at"),
				"revoked_at", json_object_get(m, "revoked_at"),
				"aidant", json_object_get(a, "email"),
				"remote", json_object_get(m, "remote"));
	free(codes);
	return row;
}

static const struct ac_list_tool tool = {
	"/v1/mandates", opts,
	"[--usager ID] [--status STATUS] [--expiring-within DAYS] [--structure ID]\n"
	"       [--aidant EMAIL|me] [--all] [--csv]",
	"List the mandates of your structures (by id).  Mandates that ended more than\n"
	"365 days ago are left out unless --all.",
	flat,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
