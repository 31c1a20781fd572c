/* maintain.h — the administrator's commands beside a serving acd. */
#ifndef MAINTAIN_H
#define MAINTAIN_H

/* acd backup: a consistent copy of db at to; an exit status. */
int cmd_backup(const char *db, const char *to);
/* acd check: db (and its key file) checked whole, one JSON line; 0 when
 * sound, 1 when a check failed, else an exit status. */
int cmd_check(const char *db, const char *key_file);

#include "store.h"
#include <jansson.h>

/* The journal's chain recomputed from the rows of c, as acd check reports
 * it ({"ok","entries","head"...}); *bad set when it does not verify. */
json_t *check_journal(store_conn *c, int *bad);
/* Every sealed secret of c opened under the loaded key: "cards",
 * "signing_keys", "client_secrets" set in out; *bad set when one does not. */
void check_secrets(store_conn *c, json_t *out, int *bad);
/* acd migrate: the SQLite database from copied whole into the empty
 * PostgreSQL database to, in one transaction, then verified there; one JSON
 * line; an exit status. */
int cmd_migrate(const char *from, const char *to, const char *key_file);

#endif
