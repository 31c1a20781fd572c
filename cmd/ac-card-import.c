/* ac-card-import — imports the stock of physical OTP cards (operators):
 * NDJSON on stdin by default, CSV with --csv, or a card maker's PSKC file. */
#include "ac.h"

enum { O_CSV = 256, O_PSKC };

static const struct ac_opt opts[] = {
	{ "csv", 0, O_CSV, NULL, "stdin is CSV with a header row" },
	{ "pskc", 1, O_PSKC, "FILE", "read the cards from a PSKC file (RFC 6030)" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	enum ac_format fmt = AC_NDJSON;
	const char *arg, *pskc = NULL;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "[--csv | --pskc FILE]  < cards",
			      "Import OTP cards: serial, seed (hex) or seed_base32, digits (6|8, default 6),\n"
			      "step (default 60), algorithm (sha1|sha256|sha512, default sha1).\n"
			      "Idempotent by serial: a card already imported with the same seed is\n"
			      "\"changed\":false; another seed for a known serial is refused (seed_mismatch).",
			      &arg)) != -1) {
		if (c == O_CSV)
			fmt = AC_CSV;
		else if (c == O_PSKC)
			pskc = arg;
	}
	if (pskc && fmt == AC_CSV)
		ac_die(AC_EXIT_USAGE, "--csv and --pskc exclude each other");
	if (!pskc) {
		static const char *const ints[] = { "digits", "step", NULL };
		ac_csv_types(NULL, ints);
		return ac_finish(ac_bulk("/v1/cards", fmt));
	}
	char err[512];
	json_t *records = ac_pskc_records(pskc, err, sizeof err);
	if (!records)
		ac_die(AC_EXIT_DATA, "%s", err);
	int rc = ac_bulk_array("/v1/cards", records);
	json_decref(records);
	return ac_finish(rc);
}
