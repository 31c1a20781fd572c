/* demarches.h — démarche lists as stored (comma-separated codes in catalogue
 * order) and as the API shows them (JSON arrays). */
#ifndef DEMARCHES_H
#define DEMARCHES_H
#include "req.h"

#define DEMARCHES_MAX 128 /* the ten codes and their commas fit */
#define ALL_DEMARCHES "papiers,famille,social,travail,logement,transports,argent,justice," \
		      "etranger,loisirs"

/* A JSON array of codes → out in catalogue order; refuses a non-array, an
 * empty list, an unknown code or a duplicate (400 bad_demarche), and, when
 * offer is not NULL, a code outside it (400 demarche_not_offered). */
int demarches_parse(json_t *arr, const char *offer, char out[DEMARCHES_MAX], struct fail *f);
int demarches_has(const char *csv, const char *code);
json_t *demarches_json(const char *csv);
/* Checks that structure (active) offers every démarche of csv: 0, or -1 with
 * 404 not_found or 400 demarche_not_offered in f. */
int demarches_offered(store_conn *db, int64_t structure, const char *csv, struct fail *f);
/* Duration code → days, or a 400 bad_duration in f (-1). */
int duration_parse(const char *code, struct fail *f);
/* The catalogue's own string for a duration code (outlives the request). */
const char *duration_code(const char *code);
#endif
