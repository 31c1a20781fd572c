/* ac-structure-request-set — an operator's decision on structures'
 * applications: one by its ID, or many with --stdin (NDJSON lines with an
 * "id", such as ac-structure-request-list's, or --csv), each
 * --status accepted|refused|changes_required [--message TEXT]. */
#include "ac.h"

#include <string.h>

enum { K_STDIN = 256, K_CSV };

static const char *const targets[] = { "accepted", "refused", "changes_required", NULL };

static const struct ac_opt opts[] = {
	{ "status", 1, 's', "STATUS", "accepted, refused or changes_required", "status",
	  .choices = targets },
	{ "message", 1, 'm', "TEXT", "why (mailed to the applicant): needed to refuse or ask for changes",
	  "message" },
	{ "stdin", 0, K_STDIN, NULL, "the applications are stdin's lines (their \"id\")" },
	{ "csv", 0, K_CSV, NULL, "stdin is CSV with a header row" },
	{ 0 }
};

struct flags {
	const char *status, *message;
};

/* A line keeps its "id"; the flags give its status and message, else its own
 * (a line of the list tool carries the status it has, not the one wanted). */
static int keep(json_t *rec, char *why, size_t len, void *arg)
{
	const struct flags *fl = arg;
	json_t *id = json_incref(json_object_get(rec, "id"));
	json_t *st = json_incref(json_object_get(rec, "status"));
	json_t *msg = json_incref(json_object_get(rec, "message"));
	json_object_clear(rec);
	if (id)
		json_object_set_new(rec, "id", id);
	json_object_set_new(rec, "status", fl->status ? json_string(fl->status) : st ? json_incref(st)
											 : json_string(""));
	if (fl->message)
		json_object_set_new(rec, "message", json_string(fl->message));
	else if (msg && json_is_string(msg) && *json_string_value(msg))
		json_object_set_new(rec, "message", json_incref(msg));
	json_decref(st);
	json_decref(msg);
	if (!id) {
		snprintf(why, len, "the line has no \"id\"");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	struct flags fl = { 0 };
	json_int_t id = 0;
	int c, from_stdin = 0, csv = 0;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts,
			      "ID|--stdin [--csv] --status accepted|refused|changes_required [--message TEXT]",
			      "Accept, refuse, or send back for changes structures' applications\n"
			      "(operators).  Accepting creates the structure (or attaches to the one of\n"
			      "that SIRET), its référent's account and one habilitation request per\n"
			      "aidant listed; the applicant and the référent are mailed.",
			      &arg)) != -1) {
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
		else if (c == 's')
			fl.status = arg;
		else if (c == 'm')
			fl.message = arg;
		else if (c == K_STDIN)
			from_stdin = 1;
		else if (c == K_CSV)
			csv = from_stdin = 1;
	}
	if (!id == !from_stdin)
		ac_die(AC_EXIT_USAGE, "give one application's ID, or --stdin for many");
	if (id && !fl.status)
		ac_die(AC_EXIT_USAGE, "--status is required");
	ac_session_require();
	if (from_stdin) {
		static const char *const ints[] = { "id", NULL };
		ac_csv_types(NULL, ints);
		return ac_finish(ac_bulk_keep("/v1/structure-requests/set", csv ? AC_CSV : AC_NDJSON,
					      keep, &fl));
	}
	json_t *body = json_pack("{s:I,s:s}", "id", id, "status", fl.status), *reply = NULL;
	if (fl.message)
		json_object_set_new(body, "message", json_string(fl.message));
	long st = ac_call("POST", "/v1/structure-requests/set", body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	const char *mail = json_string_value(json_object_get(reply, "mail_error"));
	if (mail)
		ac_warn("application %lld is %s, but its mail was not sent: %s", (long long)id, fl.status,
			mail);
	ac_print(reply);
	json_decref(reply);
	return ac_finish(mail ? AC_EXIT_SOME : AC_EXIT_OK);
}
