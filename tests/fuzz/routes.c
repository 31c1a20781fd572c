/* routes.c (fuzz) — acd's route matcher (acd/routes.c) on any method and
 * path, as libmicrohttpd hands them over: "METHOD\npath".  A match must be
 * of that method, and its path must be the route's pattern with the {}
 * segment (one segment, 1 to 127 bytes, no '/') put back. */
#include "routes.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the table names every handler, and they the configuration (main.c's) */
struct server srv;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = 0;
	char *nl = strchr(in, '\n'), *path = nl ? nl + 1 : in;
	const char *method = nl ? in : "GET";
	if (nl)
		*nl = 0;
	char arg[128];
	int known = -1;
	memset(arg, 0x55, sizeof arg);
	const struct route *r = route_find(method, path, arg, &known);
	if (known != 0 && known != 1)
		abort();
	if (r) {
		if (!known || strcmp(r->method, method))
			abort();
		const char *brace = strstr(r->path, "{}");
		char back[4096];
		if (brace) {
			size_t n = strnlen(arg, sizeof arg);
			if (n == 0 || n == sizeof arg || strchr(arg, '/'))
				abort();
			snprintf(back, sizeof back, "%.*s%s%s", (int)(brace - r->path), r->path, arg, brace + 2);
		} else {
			snprintf(back, sizeof back, "%s", r->path);
		}
		if (strcmp(back, path))
			abort();
	}
	free(in);
	return 0;
}
