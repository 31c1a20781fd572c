/* demarches.c — the values of --demarches and --duration, checked before any
 * request, so a typo is told at once with the list of what is valid rather
 * than after a draft was made or a code spent. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

json_t *ac_codes_parse(const char *list, const char *const *codes, const char *what, char *why,
		      size_t len)
{
	json_t *out = json_array();
	const char *p = list;
	for (size_t n = 1;; n++) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *e = end;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		char code[64];
		size_t k = (size_t)(e - p);
		if (k == 0) {
			if (!comma && n == 1)
				snprintf(why, len, "the list is empty");
			else
				snprintf(why, len, "item %zu of the list is empty", n);
			goto bad;
		}
		snprintf(code, sizeof code, "%.*s", (int)(k < sizeof code ? k : sizeof code - 1), p);
		if (k >= sizeof code || !ac_in_list(codes, code)) {
			snprintf(why, len, "unknown %s \"%.*s\"", what, (int)(k > 40 ? 40 : k), p);
			goto bad;
		}
		size_t i;
		json_t *seen;
		json_array_foreach(out, i, seen)
			if (!strcmp(json_string_value(seen), code)) {
				snprintf(why, len, "\"%s\" is given twice", code);
				goto bad;
			}
		json_array_append_new(out, json_string(code));
		if (!comma)
			return out;
		p = comma + 1;
	}
bad:
	json_decref(out);
	return NULL;
}

json_t *ac_demarches_parse(const char *list, char *why, size_t len)
{
	return ac_codes_parse(list, ac_demarche_codes, "démarche", why, len);
}

json_t *ac_opt_demarches(const char *list)
{
	char why[200], words[512];
	json_t *a = ac_demarches_parse(list, why, sizeof why);
	if (!a)
		ac_die(AC_EXIT_USAGE, "--demarches: %s; give one or more of %s, separated by commas",
		       why, ac_list_words(ac_demarche_codes, words, sizeof words));
	return a;
}

const char *ac_opt_duration(const char *code)
{
	if (ac_duration_days(code) > 0)
		return code;
	char words[512] = "";
	for (const struct ac_duration *d = ac_durations; d->code; d++) {
		size_t n = strlen(words);
		snprintf(words + n, sizeof words - n, "%s%s (%d day%s)", n ? ", " : "", d->code,
			 d->days, d->days > 1 ? "s" : "");
	}
	ac_die(AC_EXIT_USAGE, "--duration must be one of: %s; not \"%s\"", words, code);
}
