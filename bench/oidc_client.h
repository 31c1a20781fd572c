/* oidc_client.h — one whole code flow of acd as identity provider, as a
 * démarche site and the aidant's browser would make it (see oidc-flow.c). */
#ifndef BENCH_OIDC_CLIENT_H
#define BENCH_OIDC_CLIENT_H

#include "closed_loop.h"

#include <curl/curl.h>
#include <stdatomic.h>

/* The site: acd's address, the client registered there, its redirect URI
 * (redirect_enc: URL-encoded, made by the caller). */
struct oidc_site {
	const char *base, *client_id, *client_secret, *redirect_uri;
	char *redirect_enc;
};
extern struct oidc_site oidc_site;
extern atomic_size_t oidc_requests; /* every HTTP request the flows made */

/* A reply body, grown as it comes (CURLOPT_WRITEFUNCTION buf_collect). */
struct buf {
	char *p;
	size_t len, cap;
};
size_t buf_collect(char *p, size_t s, size_t n, void *u);

/* One request on the handle: form, a POST body, else GET; basic:
 * client_secret_basic; bearer: an access token.  The HTTP status, 0 when the
 * request failed. */
long oidc_request(CURL *c, struct buf *b, const char *path, const char *form, int basic,
		  const char *bearer);

/* One whole flow as account a, on a handle with the cookie engine on; 0 when
 * userinfo gave the identity (the first failures are told on stderr). */
int oidc_flow(CURL *c, struct buf *b, const struct account *a, unsigned *rnd);

#endif
