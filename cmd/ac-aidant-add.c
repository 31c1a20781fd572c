/* ac-aidant-add — adds aidants and référents to a structure: one from flags,
 * or many from stdin (NDJSON, or --csv) with the same fields as keys. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "structure", 1, 's', "ID", "the structure's id", "structure", AC_F_INT, .required = 1 },
	{ "email", 1, 'e', "EMAIL", "the person's email", "email", .required = 1 },
	{ "first-name", 1, 'f', "NAME", "first name", "first_name", .required = 1 },
	{ "last-name", 1, 'l', "NAME", "last name", "last_name", .required = 1 },
	{ "profession", 1, 'p', "TEXT", "profession", "profession" },
	{ "phone", 1, 'P', "PHONE", "phone number", "phone" },
	{ "referent", 0, 256, NULL, "make a référent (an operator; a référent: a co-référent among its "
	  "structure's active aidants)", "referent", AC_F_TRUE },
	{ "no-referent", 0, 258, NULL, "a référent steps down (never the structure's last)", "referent",
	  AC_F_FALSE },
	{ "no-aidant", 0, 257, NULL, "a référent who is not an aidant", "aidant", AC_F_FALSE },
	{ 0 }
};

static const char *const bools[] = { "referent", "aidant", NULL };
static const char *const ints[] = { "structure", NULL };

static const struct ac_item_tool tool = {
	"/v1/aidants", opts,
	"--structure ID --email EMAIL --first-name F --last-name L [--profession P]"
	" [--phone N] [--referent|--no-referent] [--no-aidant]  |  [--csv] < people",
	"Add people to a structure (idempotent by email and structure).  Bulk keys:\n"
	"structure, email, first_name, last_name, profession, phone, referent, aidant.",
	bools, ints,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
