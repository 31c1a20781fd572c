/* ac-mandate-attestation — fetches the printable attestation (PDF) of a
 * mandate, or of a revocation, for the usager's paper copy. */
#include "ac.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

enum { K_REVOCATION = 256 };

static const struct ac_opt opts[] = {
	{ "output", 1, 'o', "FILE", "write the PDF to FILE (\"-\": standard output)" },
	{ "revocation", 1, K_REVOCATION, "RID", "a revocation's attestation instead of a mandate's" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *file = NULL;
	json_int_t id = 0, rid = 0;
	int c;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts, "ID -o FILE  |  --revocation RID -o FILE",
			      "Fetch the attestation (PDF) of mandate ID, or of revocation RID, into\n"
			      "FILE; prints {\"id\",\"file\",\"bytes\"} (or {\"revocation\",...}).",
			      &arg)) != -1) {
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
		else if (c == 'o')
			file = arg;
		else if (c == K_REVOCATION)
			rid = ac_id_arg("--revocation", arg);
	}
	if (id && rid)
		ac_die(AC_EXIT_USAGE, "give a mandate ID or --revocation RID, not both");
	if (!id && !rid)
		ac_die(AC_EXIT_USAGE, "which attestation? usage: %s ID -o FILE (or --revocation RID -o FILE)",
		       ac_prog);
	if (!file)
		ac_die(AC_EXIT_USAGE, "-o FILE is required (-o - writes the PDF to standard output)");
	if (!strcmp(file, "-") && isatty(STDOUT_FILENO))
		ac_die(AC_EXIT_USAGE, "standard output is a terminal: redirect it, or give -o FILE.pdf");
	ac_file_check("-o", file);
	ac_session_require();
	char path[80];
	snprintf(path, sizeof path, rid ? "/v1/revocations/%lld/attestation"
					: "/v1/mandates/%lld/attestation", (long long)(rid ? rid : id));
	size_t bytes;
	json_t *err = NULL;
	long st = ac_get_file(path, file, &bytes, &err);
	if (st < 0)
		ac_die(AC_EXIT_SOME, "cannot write %s: %s", file, strerror(errno));
	if (st < 200 || st >= 300)
		ac_die_reply(st, err);
	if (strcmp(file, "-")) {
		json_t *out = json_pack("{s:I,s:s,s:I}", rid ? "revocation" : "id", rid ? rid : id,
					"file", file, "bytes", (json_int_t)bytes);
		ac_print(out);
		json_decref(out);
	}
	return ac_finish(0);
}
