/* jws.c — the shape of a compact JWS, checked before cjose reads one (its
 * base64 decoder asserts on a part such as "A=": found by tests/fuzz/jwt.c,
 * and reachable by anyone through /oidc/logout's id_token_hint). */
#include "jws.h"

#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int jws_compact_ok(const char *compact)
{
	const char *p = compact;
	for (int part = 0; part < 3; part++) {
		size_t n = strspn(p, b64url);
		/* a length of 1 mod 4 is no base64; the header is never empty */
		if (n % 4 == 1 || (part == 0 && n == 0))
			return 0;
		p += n;
		if (part < 2 && *p++ != '.')
			return 0;
	}
	return *p == 0;
}
