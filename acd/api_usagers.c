/* api_usagers.c — the usagers a structure's aidants work for:
 *   GET /v1/usagers?search=&structure=   those with a mandate (365-day window)
 *   GET /v1/usagers/{id}                 one, with its mandates there */
#include "ac.h"
#include "routes.h"
#include "auth.h"
#include "draft.h"
#include "mandate.h"

#include <stdlib.h>
#include <string.h>

#define MY_STRUCTURES                                                                          \
	"m.structure_id IN (SELECT ms.structure_id FROM memberships ms JOIN structures s"      \
	" ON s.id = ms.structure_id WHERE ms.account_id = $1 AND ms.active = 1"                \
	" AND ms.is_aidant = 1 AND s.active = 1)"

static json_t *counts(store_stmt *st, int col)
{
	return json_pack("{s:I,s:I,s:I}", "active", (json_int_t)store_col_int(st, col), "expired",
			 (json_int_t)store_col_int(st, col + 1), "revoked",
			 (json_int_t)store_col_int(st, col + 2));
}

int api_usager_list(struct req *r)
{
	static const char q[] =
		"SELECT u.id, u.given_name, u.family_name, u.birthdate, u.gender, u.email,"
		" SUM(CASE WHEN m.revoked_at IS NULL AND m.expires_at > $1 THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN m.revoked_at IS NULL AND m.expires_at <= $1 THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN m.revoked_at IS NOT NULL THEN 1 ELSE 0 END)"
		" FROM usagers u JOIN mandates m ON m.usager_id = u.id WHERE m.structure_id IN ("
		"   SELECT ms.structure_id FROM memberships ms JOIN structures s ON s.id = ms.structure_id"
		"   WHERE ms.account_id = $2 AND ms.active = 1 AND ms.is_aidant = 1 AND s.active = 1)"
		" AND COALESCE(m.revoked_at, m.expires_at) > $1 - 31536000"
		" AND ($3 = 0 OR m.structure_id = $3)"
		" AND ($4 = '' OR LOWER(u.given_name || ' ' || u.family_name) LIKE $5)"
		" GROUP BY u.id, u.given_name, u.family_name, u.birthdate, u.gender, u.email"
		" ORDER BY u.family_name, u.given_name, u.id";
	int64_t structure;
	if (req_structure_filter(r, &structure))
		return r->status;
	if (structure && !authz_aidant_of(r, structure))
		return reply_error(r, 404, "not_found", "no such structure: %lld", (long long)structure);
	const char *search = req_query(r, "search");
	if (search && strlen(search) > 100)
		return reply_error(r, 400, "bad_search", "search is longer than 100 characters");
	char pattern[210] = "";
	if (search && *search) {
		/* LIKE's own wildcards in the text are taken literally: dropped */
		size_t n = 0;
		pattern[n++] = '%';
		for (const char *s = search; *s; s++)
			if (*s != '%' && *s != '_')
				pattern[n++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s + 32) : *s;
		pattern[n++] = '%';
		pattern[n] = 0;
	}
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, r->now);
	store_bind_int(st, 2, r->who.account);
	store_bind_int(st, 3, structure);
	store_bind_text(st, 4, search ? search : "");
	store_bind_text(st, 5, pattern);
	json_t *lines = json_array();
	while (store_step(st) == STORE_ROW)
		json_array_append_new(lines, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "id",
						       (json_int_t)store_col_int(st, 0), "given_name",
						       store_col_text(st, 1), "family_name",
						       store_col_text(st, 2), "birthdate",
						       store_col_text(st, 3), "gender", store_col_text(st, 4),
						       "email", store_col_text(st, 5), "mandates",
						       counts(st, 6)));
	return reply_lines(r, lines);
}

int api_usager_show(struct req *r)
{
	static const char q[] = "SELECT m.id FROM mandates m WHERE " MY_STRUCTURES
				" AND m.usager_id = $2 AND ($3 = 0 OR m.structure_id = $3) ORDER BY m.id";
	int64_t id = ac_text_id(r->arg);
	if (!id)
		return reply_error(r, 404, "not_found", "no such usager: %s", r->arg);
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, r->who.account);
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, r->who.token_structure); /* a token's one structure */
	int64_t ids[4096];
	size_t n = 0;
	while (n < 4096 && store_step(st) == STORE_ROW)
		ids[n++] = store_col_int(st, 0);
	if (n == 0) /* no mandate here: as if the usager did not exist */
		return reply_error(r, 404, "not_found", "no such usager: %s", r->arg);
	json_t *o = usager_json(r->db, id), *list = json_array();
	int c[3] = { 0 };
	for (size_t i = 0; i < n; i++) {
		json_t *m = mandate_json(r->db, ids[i], r->now);
		const char *s = json_string_value(json_object_get(m, "status"));
		c[!strcmp(s, "active") ? 0 : !strcmp(s, "expired") ? 1 : 2]++;
		json_array_append_new(list, m);
	}
	json_object_set_new(o, "mandates", json_pack("{s:i,s:i,s:i}", "active", c[0], "expired", c[1],
						     "revoked", c[2]));
	json_object_set_new(o, "mandates_list", list);
	return reply_json(r, 200, o);
}
