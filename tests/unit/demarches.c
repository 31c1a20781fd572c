/* demarches.c — --demarches lists: the codes in the order given, blanks
 * around them allowed; unknown, repeated and empty items refused with a
 * reason; and the durations' days. */
#include "ac.h"
#include "tap.h"

#include <stdlib.h>

/* The list as compact JSON, or "ERR: why". */
static char *parse(const char *list)
{
	static char out[600];
	char why[200] = "";
	json_t *a = ac_demarches_parse(list, why, sizeof why);
	if (!a) {
		snprintf(out, sizeof out, "ERR: %s", why);
		return out;
	}
	char *txt = json_dumps(a, JSON_COMPACT);
	snprintf(out, sizeof out, "%s", txt);
	free(txt);
	json_decref(a);
	return out;
}

int main(void)
{
	is_str(parse("papiers"), "[\"papiers\"]", "one code");
	is_str(parse("papiers,logement"), "[\"papiers\",\"logement\"]", "two codes, in the order given");
	is_str(parse("logement,papiers"), "[\"logement\",\"papiers\"]", "the order is kept, not sorted");
	is_str(parse(" papiers , logement\t"), "[\"papiers\",\"logement\"]", "blanks around codes are dropped");
	is_str(parse("papiers,famille,social,travail,logement,transports,argent,justice,etranger,loisirs"),
	       "[\"papiers\",\"famille\",\"social\",\"travail\",\"logement\",\"transports\",\"argent\","
	       "\"justice\",\"etranger\",\"loisirs\"]", "all ten families");
	is_str(parse("papiers,foo"), "ERR: unknown démarche \"foo\"", "an unknown code");
	is_str(parse("Papiers"), "ERR: unknown démarche \"Papiers\"", "codes are lower case");
	is_str(parse("papiers,logement,papiers"), "ERR: \"papiers\" is given twice", "a code twice");
	is_str(parse(""), "ERR: the list is empty", "an empty list");
	is_str(parse("  "), "ERR: the list is empty", "a blank list");
	is_str(parse("papiers,"), "ERR: item 2 of the list is empty", "a trailing comma");
	is_str(parse(",papiers"), "ERR: item 1 of the list is empty", "a leading comma");
	is_str(parse("papiers,,logement"), "ERR: item 2 of the list is empty", "two commas");
	is_str(parse("papiers logement"), "ERR: unknown démarche \"papiers logement\"",
	       "a blank is no separator");
	char longcode[300];
	memset(longcode, 'x', sizeof longcode - 1);
	longcode[sizeof longcode - 1] = 0;
	ok(!strncmp(parse(longcode), "ERR: unknown démarche \"xxxx", 27), "a long unknown code is cut short in the reason");

	ok(ac_duration_days("short") == 1 && ac_duration_days("month") == 31 &&
	   ac_duration_days("semester") == 182 && ac_duration_days("long") == 365,
	   "durations: 1, 31, 182, 365 days");
	ok(ac_duration_days("year") == -1 && ac_duration_days("") == -1, "an unknown duration");
	is_str(ac_opt_duration("semester"), "semester", "--duration semester is taken");
	ok(ac_in_list(ac_mandate_statuses, "revoked") && !ac_in_list(ac_mandate_statuses, "pending"),
	   "mandate statuses: active, expired, revoked");
	return tap_done();
}
