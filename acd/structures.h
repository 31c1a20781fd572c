/* structures.h — what other files need of api_structures.c. */
#ifndef STRUCTURES_H
#define STRUCTURES_H
#include "txn.h"

/* A new structure (fields checked: SIRET, type, zipcode...) with every
 * démarche, its département and région, journaled structure_create; its id
 * in *id.  0 or -1. */
int structure_insert(struct txn *t, const char *name, const char *siret, const char *type,
		     const char *addr, const char *zip, const char *city, int64_t *id);
#endif
