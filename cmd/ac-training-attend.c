/* ac-training-attend — records who attended a training session (operators):
 * one person from flags, or the training body's list on stdin (NDJSON, or
 * --csv with an "email" column, and "training" unless --training gives it).
 * Each person's request registered there is marked trained on the session's
 * day.  Lines are sent as they are: a column acd does not know is refused. */
#include "ac.h"

#include <stdio.h>

enum { K_TRAINING = 256, K_EMAIL, K_CSV };

static const struct ac_opt opts[] = {
	{ "training", 1, K_TRAINING, "ID", "the training session (every line's, with stdin)" },
	{ "email", 1, K_EMAIL, "EMAIL", "the person who attended (else stdin's lines)" },
	{ "csv", 0, K_CSV, NULL, "stdin is CSV with a header row" },
	{ 0 }
};

/* --training given to a line that names none. */
static int with_training(json_t *rec, char *why, size_t len, void *arg)
{
	json_int_t training = *(const json_int_t *)arg;
	if (training && !json_object_get(rec, "training"))
		json_object_set_new(rec, "training", json_integer(training));
	if (!json_object_get(rec, "training")) {
		snprintf(why, len, "the line names no training: give \"training\", or --training");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *email = NULL;
	json_int_t training = 0;
	int c, csv = 0;
	while ((c = ac_getopt(argc, argv, opts, "--training ID --email EMAIL  |  [--training ID] [--csv] < list",
			      "Record who attended a training session (operators): each person's\n"
			      "registered habilitation request is marked trained on the session's day.",
			      &arg)) != -1) {
		if (c == K_TRAINING)
			training = ac_id_arg("--training", arg);
		else if (c == K_EMAIL)
			email = arg;
		else if (c == K_CSV)
			csv = 1;
	}
	if (email && csv)
		ac_die(AC_EXIT_USAGE, "--csv reads stdin: give it without --email");
	if (email && !training)
		ac_die(AC_EXIT_USAGE, "--training is required with --email");
	ac_session_require();
	if (email)
		return ac_finish(ac_submit("/v1/trainings/attend",
					   json_pack("{s:I,s:s}", "training", training, "email", email)));
	static const char *const ints[] = { "training", NULL };
	ac_csv_types(NULL, ints);
	return ac_finish(ac_bulk_keep("/v1/trainings/attend", csv ? AC_CSV : AC_NDJSON, with_training,
				      &training));
}
