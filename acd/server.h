/* server.h — what the whole server shares: configuration and the store. */
#ifndef SERVER_H
#define SERVER_H

#include "store.h"

struct config {
	const char *db;
	const char *listen;     /* host:port, loopback by default */
	const char *ready_file; /* where the bound address is written once acd accepts */
	int threads;
	int session_hours;      /* absolute lifetime */
	int idle_minutes;
	int throttle_cap;       /* longest delay between failed logins, seconds */
	int lockout_after;      /* consecutive failures */
	int rate_limit;         /* requests in a row per client address, public routes (0: none) */
	int rate_period;        /* seconds in which rate_limit tokens come back */
	const char *trusted_proxy; /* whose X-Forwarded-For names the client ("none") */
	int max_connections;    /* open at once (0: what the open-file limit allows) */
	int max_per_address;    /* open at once from one client address (0: no limit) */
	int idle_seconds;       /* a connection silent this long is closed */
	int body_seconds;       /* a request's body must have arrived whole by then */
	const char *public_url; /* how browsers reach acd: signing links, QR codes */
	const char *fc_issuer, *fc_client_id, *fc_client_secret_file;
	const char *smtp_url, *mail_from;
};

struct server {
	struct config cfg;
	store *db;
};

extern struct server srv;

int http_serve(void); /* runs until SIGTERM or SIGINT */

#endif
