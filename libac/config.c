/* config.c — acd's address: AC_URL, else url= in $XDG_CONFIG_HOME/ac/config. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

static char url[1024];

static const char *from_file(void)
{
	char path[1024];
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(path, sizeof path, "%s/ac/config", xdg);
	else if (home)
		snprintf(path, sizeof path, "%s/.config/ac/config", home);
	else
		return NULL;
	FILE *f = fopen(path, "r");
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
