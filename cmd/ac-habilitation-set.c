/* ac-habilitation-set — moves aidants' habilitation requests along: one by
 * its ID, or many with --stdin (NDJSON lines naming their request by "id",
 * such as ac-habilitation-list's, or by "email" and "structure", such as the
 * PIX results file in --csv).  The flags apply to every line; without them a
 * line keeps its own status, pix_passed, pix_score, trained_on and message. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

enum { K_STDIN = 256, K_CSV, K_PIX, K_SCORE, K_TRAINED };

static const char *const targets[] = { "new", "eligible", "eligible_p2p", "refused", "cancelled",
				       "cancelled_by_referent", "validated", NULL };
static const char *const truths[] = { "true", "false", NULL };

static const struct ac_opt opts[] = {
	{ "status", 1, 's', "STATUS", "the state to move to", "status", .choices = targets },
	{ "message", 1, 'm', "TEXT", "why (a refusal, a cancellation)", "message" },
	{ "pix-passed", 1, K_PIX, "true|false", "the PIX test's result (operators)", "pix_passed",
	  .choices = truths },
	{ "pix-score", 1, K_SCORE, "N", "the PIX score (operators)", "pix_score", AC_F_INT },
	{ "trained-on", 1, K_TRAINED, "DATE", "the day a training was attended, YYYY-MM-DD (operators)",
	  "trained_on", AC_F_DATE },
	{ "stdin", 0, K_STDIN, NULL, "the requests are stdin's lines" },
	{ "csv", 0, K_CSV, NULL, "stdin is CSV with a header row" },
	{ 0 }
};

/* What the flags set, applied to one request or to every line. */
struct flags {
	json_t *set;
};

static const char *const kept[] = { "status", "message", "pix_passed", "pix_score", "trained_on", NULL };

/* A line keeps what names its request ("id", else "email" and "structure")
 * and its own values where no flag gives one (nulls dropped: a list line's
 * empty PIX result is no value to set). */
static int keep(json_t *rec, char *why, size_t len, void *arg)
{
	const struct flags *fl = arg;
	json_t *out = json_object();
	const char *names[] = { "id", "email", "structure", NULL };
	for (int i = 0; names[i]; i++) {
		json_t *v = json_object_get(rec, names[i]);
		if (v && !json_is_null(v))
			json_object_set(out, names[i], v);
	}
	int by_id = json_object_get(out, "id") != NULL;
	if (by_id) { /* the id alone names it */
		json_object_del(out, "email");
		json_object_del(out, "structure");
	}
	for (int i = 0; kept[i]; i++) {
		json_t *v = json_object_get(fl->set, kept[i]);
		if (!v)
			v = json_object_get(rec, kept[i]);
		if (v && !json_is_null(v) && !(json_is_string(v) && !*json_string_value(v)))
			json_object_set(out, kept[i], v);
	}
	json_object_clear(rec);
	json_object_update(rec, out);
	json_decref(out);
	if (!by_id && !(json_object_get(rec, "email") && json_object_get(rec, "structure"))) {
		snprintf(why, len, "the line names no request: give \"id\", or \"email\" and \"structure\"");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	struct flags fl = { json_object() };
	json_int_t id = 0;
	int c, from_stdin = 0, csv = 0;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts,
			      "ID|--stdin [--csv] [--status S] [--message TEXT] [--pix-passed true|false]"
			      " [--pix-score N] [--trained-on DATE]",
			      "Move aidants' habilitation requests along: their state (référents cancel\n"
			      "their own; operators make them eligible, refused, cancelled or validated),\n"
			      "the PIX result and the training attended.  validated makes the person an\n"
			      "aidant of the structure; the aidant and its référents are mailed.",
			      &arg)) != -1) {
		if (c == AC_OPERAND) {
			id = ac_id_arg("ID", arg);
		} else if (c == K_STDIN) {
			from_stdin = 1;
		} else if (c == K_CSV) {
			csv = from_stdin = 1;
		} else {
			for (const struct ac_opt *o = opts; o->name; o++)
				if (o->key == c && o->field)
					json_object_set_new(fl.set, o->field,
							    c == K_PIX ? json_boolean(!strcmp(arg, "true"))
								       : ac_opt_value(o, arg));
		}
	}
	if (!id == !from_stdin)
		ac_die(AC_EXIT_USAGE, "give one request's ID, or --stdin for many");
	if (id && !json_object_size(fl.set))
		ac_die(AC_EXIT_USAGE, "give --status, --pix-passed, --pix-score or --trained-on");
	ac_session_require();
	if (from_stdin) {
		static const char *const bools[] = { "pix_passed", NULL };
		static const char *const ints[] = { "id", "structure", "pix_score", NULL };
		ac_csv_types(bools, ints);
		int rc = ac_bulk_keep("/v1/habilitation-requests/set", csv ? AC_CSV : AC_NDJSON, keep, &fl);
		json_decref(fl.set);
		return ac_finish(rc);
	}
	json_t *body = json_deep_copy(fl.set), *reply = NULL;
	json_object_set_new(body, "id", json_integer(id));
	json_decref(fl.set);
	long st = ac_call("POST", "/v1/habilitation-requests/set", body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	const char *mail = json_string_value(json_object_get(reply, "mail_error"));
	if (mail)
		ac_warn("habilitation request %lld is %s, but its mail was not sent: %s", (long long)id,
			json_string_value(json_object_get(reply, "status")), mail);
	ac_print(reply);
	json_decref(reply);
	return ac_finish(mail ? AC_EXIT_SOME : AC_EXIT_OK);
}
