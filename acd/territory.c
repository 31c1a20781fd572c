/* territory.c — the département and région columns of structures. */
#include "territory.h"
#include "log.h"
#include "ac.h"

#include <stdlib.h>
#include <string.h>

int territory_set(store_conn *db, int64_t id, const char *zip)
{
	static const char up[] = "UPDATE structures SET departement = $1, region = $2 WHERE id = $3";
	const struct ac_departement *d = ac_departement_of_zipcode(zip);
	store_stmt *st = store_prep(db, up);
	store_bind_text(st, 1, d ? d->code : "");
	store_bind_text(st, 2, d ? d->region : "");
	store_bind_int(st, 3, id);
	return store_exec(st);
}

int territory_backfill(store *s)
{
	static const char q[] = "SELECT id, zipcode FROM structures WHERE region = ''";
	store_conn *db = store_conn_get(s);
	if (!db || store_begin(db, 1))
		return -1;
	/* ids first: the update must not run under the open SELECT */
	int64_t *ids = NULL;
	char (*zips)[8] = NULL;
	size_t n = 0, cap = 0;
	store_stmt *st = store_prep(db, q);
	while (store_step(st) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			ids = realloc(ids, cap * sizeof *ids);
			zips = realloc(zips, cap * sizeof *zips);
		}
		ids[n] = store_col_int(st, 0);
		snprintf(zips[n++], sizeof *zips, "%s", store_col_text(st, 1));
	}
	int rc = 0, named = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		rc = territory_set(db, ids[i], zips[i]) != STORE_DONE;
		named += ac_departement_of_zipcode(zips[i]) != NULL;
	}
	free(ids);
	free(zips);
	if (rc || store_commit(db)) {
		store_rollback(db);
		log_error("cannot fill the structures' départements");
		return -1;
	}
	if (n)
		log_info("%zu structures given their département (%d known)", n, named);
	store_idle(db);
	return 0;
}
