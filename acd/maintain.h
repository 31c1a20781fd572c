/* maintain.h — the administrator's commands beside a serving acd. */
#ifndef MAINTAIN_H
#define MAINTAIN_H

/* acd backup: a consistent copy of db at to; an exit status. */
int cmd_backup(const char *db, const char *to);
/* acd check: db (and its key file) checked whole, one JSON line; 0 when
 * sound, 1 when a check failed, else an exit status. */
int cmd_check(const char *db, const char *key_file);

#endif
