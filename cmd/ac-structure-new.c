/* ac-structure-new — creates structures (operators): one from flags, or many
 * from stdin (NDJSON, or --csv) with the same fields as keys. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "name", 1, 'n', "NAME", "the structure's name", "name", .required = 1 },
	{ "siret", 1, 's', "SIRET", "14 digits, Luhn-checked", "siret", .required = 1 },
	{ "zipcode", 1, 'z', "ZIPCODE", "5 digits", "zipcode", .required = 1 },
	{ "city", 1, 'c', "CITY", "the city", "city", .required = 1 },
	{ "address", 1, 'a', "ADDRESS", "street address", "address" },
	{ "type", 1, 't', "TYPE", "ccas, france_services, association, mairie, departement, autre",
	  "type", .choices = ac_structure_types },
	{ 0 }
};

static const struct ac_item_tool tool = {
	"/v1/structures", opts,
	"--name NAME --siret SIRET --zipcode ZIPCODE --city CITY [--address A] [--type T]"
	"  |  [--csv] < structures",
	"Create structures (operators); idempotent by SIRET.",
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_item_tool(argc, argv, &tool));
}
