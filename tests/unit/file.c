/* file.c — ac_file_write: the whole file under its name, or nothing at all;
 * never a temporary file left behind. */
#include "ac.h"
#include "tap.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/ac-unit-file-XXXXXX", file[300], missing[300];
	if (!mkdtemp(dir))
		return 1;
	snprintf(file, sizeof file, "%s/attestation.pdf", dir);
	snprintf(missing, sizeof missing, "%s/no/such/folder.pdf", dir);
	mode_t old = umask(022);

	static const char pdf[] = "%PDF-1.4\n\0binary\n%%EOF\n";
	ok(ac_file_write(file, pdf, sizeof pdf) == 0, "a file is written");
	struct stat st;
	ok(stat(file, &st) == 0 && (size_t)st.st_size == sizeof pdf, "whole, NUL bytes included");
	ok((st.st_mode & 0777) == 0644, "mode 0644 (umask 022)");
	ok(ac_file_write(file, "x", 1) == 0 && stat(file, &st) == 0 && st.st_size == 1,
	   "written again: replaced");
	ok(entries(dir) == 1, "no temporary file is left");
	ok(ac_file_write(missing, pdf, sizeof pdf) == -1, "a missing folder fails");
	ok(entries(dir) == 1, "and leaves nothing");
	ok(ac_file_write(dir, pdf, sizeof pdf) == -1 && entries(dir) == 1,
	   "a folder's name fails, and leaves nothing");

	umask(old);
	unlink(file);
	rmdir(dir);
	return tap_done();
}
