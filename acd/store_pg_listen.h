/* store_pg_listen.h — store_pg.c's LISTEN thread (store_listen on
 * PostgreSQL), and the connection it shares with the store's. */
#ifndef STORE_PG_LISTEN_H
#define STORE_PG_LISTEN_H
#include <libpq-fe.h>
#include <stddef.h>

/* A connection set up as the store's own (timeouts, settings); NULL with err. */
PGconn *store_pg_connect(const char *url, char *err, size_t errlen);
/* LISTEN channel; cb at each notification and after each reconnection. */
int pg_listener_start(const char *url, const char *channel, void (*cb)(void));
void pg_listener_stop(void);
#endif
