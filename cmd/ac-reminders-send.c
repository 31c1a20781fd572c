/* ac-reminders-send — the daily cron job: renewal reminders to the aidants of
 * each structure (mandates ending within 30 days, a last one at 7), and the
 * attestations of remote mandates whose mail failed, tried again.  One NDJSON
 * line per message; acd decides what is due, so a second run sends nothing. */
#include "ac.h"

enum { K_DRY = 256 };

static const struct ac_opt opts[] = {
	{ "within", 1, 'w', "DAYS", "remind the mandates ending within DAYS (7 to 365; default 30)" },
	{ "dry-run", 0, K_DRY, NULL, "print what would be sent; send nothing, change nothing" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	long within = 30;
	int dry = 0, c;
	while ((c = ac_getopt(argc, argv, opts, "[--within DAYS] [--dry-run]",
			      "Send the renewal reminders due today (operators), and the attestations\n"
			      "whose mail failed. Meant for a daily cron job: exits 75 when a mail\n"
			      "failed (those stay due for the next run).", &arg)) != -1) {
		switch (c) {
		case 'w': within = ac_opt_long("--within", arg, 7, 365); break;
		case K_DRY: dry = 1; break;
		}
	}
	ac_session_require();
	json_t *body = json_pack("{s:i,s:b}", "within", (int)within, "dry_run", dry), *reply = NULL;
	long st = ac_call("POST", "/v1/reminders/send", body, &reply);
	json_decref(body);
	if (st != 200)
		ac_die_reply(st, reply);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(reply, "messages"), i, m)
		ac_print(m);
	json_int_t failed = json_integer_value(json_object_get(reply, "failed"));
	json_int_t unsent = json_integer_value(json_object_get(reply, "unsent"));
	if (failed)
		ac_warn("%lld message%s could not be sent: due again at the next run", (long long)failed,
			failed > 1 ? "s" : "");
	if (unsent)
		ac_warn("%lld structure%s had no active aidant to remind", (long long)unsent,
			unsent > 1 ? "s" : "");
	json_decref(reply);
	return ac_finish(failed ? AC_EXIT_TEMP : unsent ? AC_EXIT_SOME : AC_EXIT_OK);
}
