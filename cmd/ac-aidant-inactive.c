/* ac-aidant-inactive — the daily cron job of inactive accounts: warns by mail
 * the aidants idle for 150 days, and deactivates, 30 days after the warning,
 * those who still have not logged in (reason "inactivity": their cards are
 * released, they and their référents are told).  One NDJSON line per account;
 * acd decides what is due, so a second run the same day does nothing. */
#include "ac.h"

enum { K_DRY = 256 };

static const struct ac_opt opts[] = {
	{ "warn-after", 1, 'w', "DAYS", "warn the aidants idle for DAYS (1 to 3650; default 150)" },
	{ "deactivate-after", 1, 'd', "DAYS",
	  "deactivate DAYS after the warning those still idle (1 to 365; default 30)" },
	{ "dry-run", 0, K_DRY, NULL, "print what would be done; mail nothing, change nothing" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	long warn = 150, deactivate = 30;
	int dry = 0, c;
	while ((c = ac_getopt(argc, argv, opts,
			      "[--warn-after DAYS] [--deactivate-after DAYS] [--dry-run]",
			      "Warn the aidants who have not logged in for a long time, and deactivate\n"
			      "those who still have not a month after (operators; référents for their\n"
			      "structures; aidants:write tokens). Meant for a daily cron job: exits 75\n"
			      "when a mail failed (it stays due for the next run).", &arg)) != -1) {
		switch (c) {
		case 'w': warn = ac_opt_long("--warn-after", arg, 1, 3650); break;
		case 'd': deactivate = ac_opt_long("--deactivate-after", arg, 1, 365); break;
		case K_DRY: dry = 1; break;
		}
	}
	ac_session_require();
	json_t *body = json_pack("{s:i,s:i,s:b}", "warn_after", (int)warn, "deactivate_after",
				 (int)deactivate, "dry_run", dry), *reply = NULL;
	long st = ac_call("POST", "/v1/aidants/inactive", body, &reply);
	json_decref(body);
	if (st != 200)
		ac_die_reply(st, reply);
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(reply, "accounts"), i, a)
		ac_print(a);
	json_int_t failed = json_integer_value(json_object_get(reply, "failed"));
	if (failed)
		ac_warn("%lld account%s could not be dealt with: due again at the next run",
			(long long)failed, failed > 1 ? "s" : "");
	json_decref(reply);
	return ac_finish(failed ? AC_EXIT_TEMP : AC_EXIT_OK);
}
