/* seat.c — ac-training-register and ac-training-unregister: one request's
 * seat from flags, or many from stdin (NDJSON, or --csv), whose lines name
 * the request by "request", or by "id" when they are habilitation requests
 * (ac-habilitation-list's lines), and the session by "training" unless
 * --training gives it to every line. */
#include "ac.h"

#include <stdio.h>

enum { K_TRAINING = 256, K_REQUEST, K_CSV };

static const struct ac_opt opts[] = {
	{ "training", 1, K_TRAINING, "ID", "the training session (every line's, with stdin)" },
	{ "request", 1, K_REQUEST, "ID", "the habilitation request (else stdin's lines)" },
	{ "csv", 0, K_CSV, NULL, "stdin is CSV with a header row" },
	{ 0 }
};

static int keep(json_t *rec, char *why, size_t len, void *arg)
{
	json_int_t training = *(const json_int_t *)arg;
	json_t *request = json_object_get(rec, "request");
	if (!request)
		request = json_object_get(rec, "id");
	json_t *out = json_object();
	if (request && !json_is_null(request))
		json_object_set(out, "request", request);
	if (training)
		json_object_set_new(out, "training", json_integer(training));
	else if (json_object_get(rec, "training"))
		json_object_set(out, "training", json_object_get(rec, "training"));
	json_object_clear(rec);
	json_object_update(rec, out);
	json_decref(out);
	if (!json_object_get(rec, "request")) {
		snprintf(why, len, "the line names no request: give \"request\" (or \"id\")");
		return -1;
	}
	if (!json_object_get(rec, "training")) {
		snprintf(why, len, "the line names no training: give \"training\", or --training");
		return -1;
	}
	return 0;
}

int ac_seat_tool(int argc, char **argv, const char *path, const char *summary)
{
	const char *arg;
	json_int_t training = 0, request = 0;
	int c, csv = 0;
	while ((c = ac_getopt(argc, argv, opts, "--training ID --request ID  |  [--training ID] [--csv] < lines",
			      summary, &arg)) != -1) {
		if (c == K_TRAINING)
			training = ac_id_arg("--training", arg);
		else if (c == K_REQUEST)
			request = ac_id_arg("--request", arg);
		else if (c == K_CSV)
			csv = 1;
	}
	if (request && csv)
		ac_die(AC_EXIT_USAGE, "--csv reads stdin: give it without --request");
	if (request && !training)
		ac_die(AC_EXIT_USAGE, "--training is required with --request");
	ac_session_require();
	if (request)
		return ac_submit(path, json_pack("{s:I,s:I}", "training", training, "request", request));
	static const char *const ints[] = { "training", "request", "id", NULL };
	ac_csv_types(NULL, ints);
	return ac_bulk_keep(path, csv ? AC_CSV : AC_NDJSON, keep, &training);
}
