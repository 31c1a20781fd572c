/* fetch.h — acd's outgoing HTTP (libcurl): the OpenID provider's discovery,
 * keys, token and userinfo endpoints.  Bounded in time and size. */
#ifndef FETCH_H
#define FETCH_H
#include <jansson.h>
#include <stddef.h>

struct fetch {
	const char *url;
	const char *form;       /* POST body (application/x-www-form-urlencoded); NULL: GET */
	const char *bearer;     /* Authorization: Bearer ...; NULL: none */
	const char *basic_user, *basic_password; /* HTTP Basic; NULL: none */
	/* out: the answer's Content-Type, and its text when it is not JSON
	 * (malloc'd, the caller frees; NULL otherwise) */
	char ctype[80];
	char *text;
};

/* Runs the request; 0 with the HTTP status and the body as JSON (NULL when it
 * is not JSON), or -1 with a sentence in err (unreachable, too slow, too big). */
int fetch_json(struct fetch *f, long *status, json_t **body, char *err, size_t errlen);
/* application/x-www-form-urlencoded escaping (malloc'd). */
char *fetch_escape(const char *s);
#endif
