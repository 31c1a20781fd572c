/* templates.c — finding a template by name or by kind, and its identity. */
#include "templates.h"
#include "crypto.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const struct template *template_find(const char *name)
{
	for (const struct template *t = templates; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* The version number of name when it is "kind-N", else -1. */
static long version_of(const char *name, const char *kind)
{
	size_t k = strlen(kind);
	if (strncmp(name, kind, k) || name[k] != '-' || !name[k + 1])
		return -1;
	char *end;
	long v = strtol(name + k + 1, &end, 10);
	return *end ? -1 : v;
}

const struct template *template_current(const char *kind)
{
	const struct template *best = NULL;
	long best_v = -1;
	for (const struct template *t = templates; t->name; t++) {
		long v = version_of(t->name, kind);
		if (v > best_v) {
			best = t;
			best_v = v;
		}
	}
	return best;
}

void template_hash(const struct template *t, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)t->text, strlen(t->text));
	crypto_hex(h, sizeof h, hex);
}
