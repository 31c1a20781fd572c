/* ac-habilitation-new — asks for people to be trained and habilitated as
 * aidants of a structure: one from flags, or many from stdin (NDJSON, or
 * --csv) with the same fields as keys. */
#include "ac.h"

static const char *const courses[] = { "classic", "p2p", NULL };

static const struct ac_opt opts[] = {
	{ "structure", 1, 's', "ID", "the structure's id", "structure", AC_F_INT, .required = 1 },
	{ "email", 1, 'e', "EMAIL", "the person's email", "email", .required = 1 },
	{ "first-name", 1, 'f', "NAME", "first name", "first_name", .required = 1 },
	{ "last-name", 1, 'l', "NAME", "last name", "last_name", .required = 1 },
	{ "profession", 1, 'p', "TEXT", "profession", "profession", .required = 1 },
	{ "conseiller-numerique", 0, 256, NULL, "the person is a conseiller numérique",
	  "conseiller_numerique", AC_F_TRUE },
	{ "course", 1, 'c', "COURSE", "classic (a training session) or p2p (with a trainer)", "course",
	  .choices = courses },
	{ "trainer", 1, 't', "EMAIL", "p2p: the active aidant of the structure who trains", "trainer" },
	{ 0 }
};

static const char *const bools[] = { "conseiller_numerique", NULL };
static const char *const ints[] = { "structure", NULL };

static const struct ac_item_tool tool = {
	"/v1/habilitation-requests", opts,
	"--structure ID --email EMAIL --first-name F --last-name L --profession P"
	" [--conseiller-numerique] [--course classic|p2p --trainer EMAIL]  |  [--csv] < people",
	"Ask for people to be trained and habilitated as aidants of a structure (a référent\n"
	"for its own: waitlist; an operator for any: new).  Idempotent by structure and email.\n"
	"Bulk keys: structure, email, first_name, last_name, profession, conseiller_numerique,\n"
	"course, trainer.",
	bools, ints,
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
