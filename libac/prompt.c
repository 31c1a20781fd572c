/* prompt.c — asks the person at the terminal, without echo for codes. */
#include "ac.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* From a pipe (a script answering), the answer is read from stdin. */
static char *from_stdin(void)
{
	char buf[256];
	if (!fgets(buf, sizeof buf, stdin))
		return NULL;
	buf[strcspn(buf, "\r\n")] = 0;
	return strdup(buf);
}

char *ac_prompt_secret(const char *question)
{
	if (!isatty(STDIN_FILENO))
		return from_stdin();
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return NULL;
	FILE *tty = fdopen(fd, "r+");
	struct termios old, quiet;
	int have = tcgetattr(fd, &old) == 0;
	if (have) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fprintf(tty, "%s", question);
	fflush(tty);
	char buf[256];
	char *ok = fgets(buf, sizeof buf, tty);
	if (have)
		tcsetattr(fd, TCSAFLUSH, &old);
	fclose(tty);
	if (!ok)
		return NULL;
	buf[strcspn(buf, "\r\n")] = 0;
	return strdup(buf);
}
