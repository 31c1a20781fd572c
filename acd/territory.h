/* territory.h — a structure's département and région, kept beside its
 * zipcode (libac's catalogue decides them), so statistics group by a column. */
#ifndef TERRITORY_H
#define TERRITORY_H
#include "store.h"

/* Sets structure id's departement and region from zip: STORE_DONE or an error. */
int territory_set(store_conn *, int64_t id, const char *zip);
/* Fills the rows left empty (made before the columns existed): 0 or -1. */
int territory_backfill(store *);
#endif
