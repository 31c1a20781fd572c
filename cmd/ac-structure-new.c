/* ac-structure-new — creates a structure (operators). */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "name", 1, 'n', "NAME", "the structure's name" },
	{ "siret", 1, 's', "SIRET", "14 digits, Luhn-checked" },
	{ "zipcode", 1, 'z', "ZIPCODE", "5 digits" },
	{ "city", 1, 'c', "CITY", "the city" },
	{ "address", 1, 'a', "ADDRESS", "street address" },
	{ "type", 1, 't', "TYPE", "ccas, france_services, association, mairie, departement, autre" },
	{ "csv", 0, 'C', NULL, "stdin is CSV with a header row" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	json_t *item = json_object();
	enum ac_format fmt = AC_NDJSON;
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--name NAME --siret SIRET --zipcode ZIPCODE --city CITY [--address A] [--type T]"
			      "  |  < structures.ndjson",
			      "Create structures (operators); idempotent by SIRET.", &arg)) != -1) {
		if (c == 'C') {
			fmt = AC_CSV;
			continue;
		}
		for (const struct ac_opt *o = opts; o->name; o++)
			if (o->key == c)
				json_object_set_new(item, o->name, json_string(arg));
	}
	if (!json_object_size(item)) {
		json_decref(item);
		return ac_finish(ac_bulk("/v1/structures", fmt));
	}
	const char *need[] = { "name", "siret", "zipcode", "city" };
	for (int i = 0; i < 4; i++)
		if (!json_object_get(item, need[i]))
			ac_die(AC_EXIT_USAGE, "--%s is required", need[i]);
	if (!ac_siret_valid(json_string_value(json_object_get(item, "siret"))))
		ac_die(AC_EXIT_USAGE, "--siret: expected 14 digits with a valid Luhn key");
	return ac_finish(ac_submit("/v1/structures", item));
}
