/* prompt.c — asks the person at the terminal, without echo for codes. */
#include "ac.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

int ac_have_terminal(void)
{
	if (isatty(STDIN_FILENO))
		return 1;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int is_yes(const char *a)
{
	static const char *const yes[] = { "y", "yes", "o", "oui", NULL };
	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(a, yes[i]))
			return 1;
	return 0;
}

int ac_prompt_yes(const char *text, const char *question)
{
	/* the person at the keyboard answers, never a file piped in */
	FILE *in = stdin, *out = stderr, *tty = NULL;
	if (!isatty(STDIN_FILENO)) {
		int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || !(tty = fdopen(fd, "r+"))) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		in = out = tty;
	}
	fflush(stdout);
	fprintf(out, "%s%s", text, question);
	fflush(out);
	char buf[64];
	char *ok = fgets(buf, sizeof buf, in);
	if (tty)
		fclose(tty);
	if (!ok)
		return 0;
	buf[strcspn(buf, "\r\n")] = 0;
	char *a = buf;
	while (*a == ' ' || *a == '\t')
		a++;
	for (size_t n = strlen(a); n && (a[n - 1] == ' ' || a[n - 1] == '\t'); n--)
		a[n - 1] = 0;
	return is_yes(a);
}
