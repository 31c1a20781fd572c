/* ac-aidant-unlock — lifts the lockout that follows repeated failed logins. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "email", 1, 'e', "EMAIL", "the locked account's email (absent: read stdin)" },
	{ "csv", 0, 'C', NULL, "stdin is CSV with a header row" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *email = NULL, *arg;
	enum ac_format fmt = AC_NDJSON;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "--email EMAIL",
			      "Unlock an account (référents of its structures, operators).", &arg)) != -1) {
		if (c == 'e')
			email = arg;
		else if (c == 'C')
			fmt = AC_CSV;
	}
	if (!email)
		return ac_finish(ac_bulk("/v1/aidants/unlock", fmt));
	return ac_finish(ac_submit("/v1/aidants/unlock", json_pack("{s:s}", "email", email)));
}
