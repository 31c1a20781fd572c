/* config.c — acd's address: AC_URL, else url= in $XDG_CONFIG_HOME/ac/config. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

static char url[1024];

const char *ac_xdg_file(const char *var, const char *dflt, const char *name, char *buf,
			size_t len)
{
	const char *xdg = getenv(var), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, len, "%s/ac/%s", xdg, name);
	else
		snprintf(buf, len, "%s/%s/ac/%s", home ? home : ".", dflt, name);
	return buf;
}

static const char *from_file(void)
{
	char path[1024];
	FILE *f = fopen(ac_xdg_file("XDG_CONFIG_HOME", ".config", "config", path, sizeof path), "r");
	if (!f)
		return NULL;
	char line[1100];
	const char *found = NULL;
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "url", 3))
			continue;
		p += 3;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '=')
			continue;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, " \t\r\n#")] = 0;
		snprintf(url, sizeof url, "%s", p);
		found = url;
	}
	fclose(f);
	return found;
}

const char *ac_url(void)
{
	const char *u = getenv("AC_URL");
	if (u && *u) {
		snprintf(url, sizeof url, "%s", u);
		u = url;
	} else
		u = from_file();
	if (!u || !*u)
		ac_die(AC_EXIT_CONFIG, "where is acd? set AC_URL (e.g. http://127.0.0.1:8080) or "
				       "url= in $XDG_CONFIG_HOME/ac/config");
	if (strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
		ac_die(AC_EXIT_CONFIG, "acd's address \"%s\" (AC_URL or url= in the config file) must "
				       "start with http:// or https://", u);
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		url[--n] = 0;
	return url;
}
