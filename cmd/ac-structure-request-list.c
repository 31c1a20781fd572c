/* ac-structure-request-list — structures' applications confirmed by their
 * applicant (operators), one JSON line each, or --csv. */
#include "ac.h"

static const char *const states[] = { "submitted", "changes_required", "accepted", "refused",
				      "closed", NULL };

static const struct ac_opt opts[] = {
	{ "status", 1, 's', "STATUS", "submitted, changes_required, accepted, refused or closed",
	  "status", .choices = states },
	{ "region", 1, 'r', "CODE", "the région's INSEE code (84: Auvergne-Rhône-Alpes)", "region" },
	{ "departement", 1, 'd', "CODE", "the département's code (69, 2A, 974...)", "departement" },
	{ 0 }
};

/* A spreadsheet's row: the people as their emails, the aidants counted. */
static json_t *flat(json_t *line)
{
	json_t *row = json_deep_copy(line);
	json_object_set_new(row, "applicant", json_string(json_string_value(
		json_object_get(json_object_get(line, "applicant"), "email"))));
	json_object_set_new(row, "referent", json_string(json_string_value(
		json_object_get(json_object_get(line, "referent"), "email"))));
	json_object_set_new(row, "aidants",
			    json_integer((json_int_t)json_array_size(json_object_get(line, "aidants"))));
	json_object_del(row, "declarations"); /* every one true, or it was refused */
	return row;
}

static const struct ac_list_tool tool = {
	"/v1/structure-requests", opts,
	"[--status S] [--region R] [--departement D] [--csv]",
	"List structures' applications (operators): those confirmed by their applicant.",
	flat,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_list_tool(argc, argv, &tool));
}
