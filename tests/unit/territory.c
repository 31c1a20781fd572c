/* territory.c — the département of a postal code (Corsica, overseas, the
 * unknown), each département's région, and the catalogue's own order. */
#include "ac.h"
#include "tap.h"

#include <string.h>

static const char *dep(const char *zip)
{
	const struct ac_departement *d = ac_departement_of_zipcode(zip);
	return d ? d->code : "none";
}

static const char *region_of(const char *zip)
{
	const struct ac_departement *d = ac_departement_of_zipcode(zip);
	const struct ac_region *r = d ? ac_region_find(d->region) : NULL;
	return r ? r->name : "none";
}

int main(void)
{
	is_str(dep("69001"), "69", "Lyon is in the Rhône");
	is_str(dep("01000"), "01", "a leading zero is kept");
	is_str(dep("20000"), "2A", "Ajaccio: Corse-du-Sud");
	is_str(dep("20167"), "2A", "20167: Corse-du-Sud");
	is_str(dep("20200"), "2B", "Bastia: Haute-Corse");
	is_str(dep("20600"), "2B", "20600: Haute-Corse");
	is_str(dep("97400"), "974", "Saint-Denis: La Réunion, three digits");
	is_str(dep("97600"), "976", "Mayotte");
	is_str(dep("98800"), "988", "Nouméa: Nouvelle-Calédonie");
	is_str(dep("00100"), "none", "no département 00");
	is_str(dep("96000"), "none", "no département 96");
	is_str(dep("98000"), "none", "Monaco is not France");
	is_str(dep("6900"), "none", "four digits");
	is_str(dep("6900a"), "none", "a letter");
	is_str(region_of("29200"), "Bretagne", "Brest: Bretagne");
	is_str(region_of("75001"), "Île-de-France", "Paris: Île-de-France");
	is_str(region_of("20090"), "Corse", "Corsica is a région");
	is_str(region_of("97200"), "Martinique", "an overseas région");
	is_str(region_of("97500"), "Collectivités d'outre-mer", "Saint-Pierre-et-Miquelon: no région");

	/* every département names a région of the catalogue; 101 in the 18 */
	int n = 0, in_regions = 0, bad = 0;
	for (const struct ac_departement *d = ac_departements; d->code; d++, n++) {
		const struct ac_region *r = ac_region_find(d->region);
		bad += !r;
		in_regions += r && strcmp(r->code, "COM");
		if (d[1].code && strcmp(d->code, d[1].code) >= 0)
			bad++;
	}
	ok(bad == 0, "every département has a known région, in code order");
	ok(in_regions == 101, "101 départements in the régions");
	int regions = 0;
	for (const struct ac_region *r = ac_regions; r->code; r++)
		regions += strcmp(r->code, "COM") != 0;
	ok(regions == 18, "18 régions");
	return tap_done();
}
