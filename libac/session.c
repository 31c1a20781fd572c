/* session.c — the session token ac-login saves, in a 0600 file; or an API
 * token from AC_TOKEN or --token-file. */
#include "ac.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[1024];
static char *from_file; /* --token-file's token */

const char *ac_session_path(void)
{
	return ac_xdg_file("XDG_STATE_HOME", ".local/state", "session", path, sizeof path);
}

static void mkdirs(const char *file)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", file);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(dir, 0700);
		*p = '/';
	}
}

void ac_token_file(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f)
		ac_die(AC_EXIT_CONFIG, "--token-file %s: %s", file, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
		ac_die(AC_EXIT_CONFIG, "--token-file %s: not a regular file", file);
	/* a token is a password: a file others can read has leaked it */
	if (st.st_mode & 077)
		ac_die(AC_EXIT_CONFIG, "--token-file %s: mode %04o lets others read the token; "
		       "chmod 600 %s", file, (unsigned)(st.st_mode & 07777), file);
	char buf[256] = "";
	char *ok = fgets(buf, sizeof buf, f);
	fclose(f);
	buf[strcspn(buf, "\r\n")] = 0;
	if (!ok || !*buf)
		ac_die(AC_EXIT_CONFIG, "--token-file %s: the file is empty", file);
	free(from_file);
	from_file = strdup(buf);
}

int ac_session_saved(void)
{
	const char *env = getenv("AC_TOKEN");
	return !from_file && !(env && *env);
}

char *ac_session_token(void)
{
	if (from_file)
		return strdup(from_file);
	const char *env = getenv("AC_TOKEN");
	if (env && *env)
		return strdup(env);
	FILE *f = fopen(ac_session_path(), "r");
	if (!f)
		return NULL;
	char buf[256] = "";
	char *ok = fgets(buf, sizeof buf, f);
	fclose(f);
	if (!ok)
		return NULL;
	buf[strcspn(buf, "\r\n")] = 0;
	return *buf ? strdup(buf) : NULL;
}

int ac_session_save(const char *token)
{
	const char *p = ac_session_path();
	mkdirs(p);
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.%ld", p, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	size_t n = strlen(token);
	int ok = write(fd, token, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, p)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int ac_session_clear(void)
{
	return unlink(ac_session_path()) == 0 || errno == ENOENT ? 0 : -1;
}

void ac_session_require(void)
{
	char *token = ac_session_token();
	if (!token)
		ac_die(AC_EXIT_NOPERM, "log in first (ac-login)");
	free(token);
}
