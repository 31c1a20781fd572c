/* file.c — files the tools write (attestations): whole or not at all, so an
 * interrupted run never leaves half a PDF under the name asked for. */
#include "ac.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ac_file_write(const char *file, const void *buf, size_t len)
{
	if (!strcmp(file, "-")) {
		fflush(stdout);
		return write_all(STDOUT_FILENO, buf, len);
	}
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.%ld.tmp", file, (long)getpid()) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, buf, len) || fsync(fd)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) || rename(tmp, file)) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

void ac_file_check(const char *opt, const char *file)
{
	if (!strcmp(file, "-"))
		return;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	struct stat st;
	if (!*file || file[strlen(file) - 1] == '/' || (stat(file, &st) == 0 && S_ISDIR(st.st_mode)))
		ac_die(AC_EXIT_USAGE, "%s \"%s\": give a file name, not a folder", opt, file);
	if (access(dir, W_OK | X_OK))
		ac_die(AC_EXIT_USAGE, "%s \"%s\": cannot write in %s: %s", opt, file, dir,
		       strerror(errno));
}
