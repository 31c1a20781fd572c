/* demarches.c — checked démarche lists. */
#include "demarches.h"
#include "ac.h"

#include <string.h>

int demarches_has(const char *csv, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = csv; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, code, n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

int demarches_parse(json_t *arr, const char *offer, char out[DEMARCHES_MAX], struct fail *f)
{
	char words[200];
	ac_list_words(ac_demarche_codes, words, sizeof words);
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return fail_set(f, 400, "bad_demarche", "\"demarches\" must be a non-empty list of: %s",
				words);
	int seen[16] = { 0 };
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *code = json_string_value(v);
		int k = 0;
		while (code && ac_demarche_codes[k] && strcmp(ac_demarche_codes[k], code))
			k++;
		if (!code || !ac_demarche_codes[k])
			return fail_set(f, 400, "bad_demarche", "unknown démarche \"%.40s\": expected one of %s",
					code ? code : "(not a string)", words);
		if (seen[k]++)
			return fail_set(f, 400, "bad_demarche", "démarche \"%s\" is listed twice", code);
		if (offer && !demarches_has(offer, code))
			return fail_set(f, 400, "demarche_not_offered",
					"the structure does not offer the démarche \"%s\" (it offers: %s)",
					code, offer);
	}
	out[0] = 0;
	for (int k = 0; ac_demarche_codes[k]; k++)
		if (seen[k]) {
			if (*out)
				strcat(out, ",");
			strcat(out, ac_demarche_codes[k]);
		}
	return 0;
}

json_t *demarches_json(const char *csv)
{
	json_t *a = json_array();
	for (const char *p = csv; p && *p;) {
		size_t n = strcspn(p, ",");
		json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ',')
			p++;
	}
	return a;
}

int duration_parse(const char *code, struct fail *f)
{
	int days = code ? ac_duration_days(code) : -1;
	if (days < 0) {
		char words[100];
		return fail_set(f, 400, "bad_duration", "\"duration\" must be one of: %s",
				ac_list_words(ac_duration_codes, words, sizeof words));
	}
	return days;
}

const char *duration_code(const char *code)
{
	for (const struct ac_duration *d = ac_durations; d->code; d++)
		if (!strcmp(d->code, code))
			return d->code;
	return NULL;
}

int demarches_offered(store_conn *db, int64_t structure, const char *csv, struct fail *f)
{
	static const char q[] = "SELECT demarches FROM structures WHERE id = $1 AND active = 1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, structure);
	if (store_step(st) != STORE_ROW)
		return fail_set(f, 404, "not_found", "no such structure: %lld", (long long)structure);
	char offer[DEMARCHES_MAX], out[DEMARCHES_MAX];
	snprintf(offer, sizeof offer, "%s", store_col_text(st, 0));
	json_t *wanted = demarches_json(csv);
	int rc = demarches_parse(wanted, offer, out, f);
	json_decref(wanted);
	return rc;
}
