/* init.c — what every tool does first. */
#include "ac.h"

#include <locale.h>
#include <string.h>

void ac_init(int argc, char **argv)
{
	(void)argc;
	const char *slash = strrchr(argv[0], '/');
	ac_prog = slash ? slash + 1 : argv[0];
	setlocale(LC_CTYPE, "");
}
