/* ratelimit.h — requests per client address on the routes anyone may call
 * (AUTH_NONE in routes.c): a token bucket per address, in memory, per acd
 * process.  An IPv6 client counts by its /64, which one subscriber holds
 * whole; an IPv4 client by its address.  The table is fixed in size: a client
 * with many addresses evicts the fullest buckets, never grows memory. */
#ifndef RATELIMIT_H
#define RATELIMIT_H
#include <stddef.h>

struct sockaddr;

/* limit requests in a row, refilled at limit per period seconds (0: no
 * limit); proxy: the address whose X-Forwarded-For names the client ("none":
 * no proxy is trusted).  Before the server's threads start: 0, or -1 with
 * err set. */
int ratelimit_setup(int limit, int period, const char *proxy, char *err, size_t cap);

/* One request from peer (the socket's), forwarded_for its X-Forwarded-For
 * header or NULL: 0 when it may go on, else the whole seconds until the
 * address has a token again (at least 1), for Retry-After.  Thread-safe. */
int ratelimit_take(const struct sockaddr *peer, const char *forwarded_for);

#endif
