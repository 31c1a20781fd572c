/* ac-mandate-revoke — revokes a mandate, in full or some of its démarches
 * (one from its id), or many from stdin, such as ac-mandate-list's lines. */
#include "ac.h"

#include <limits.h>

enum { K_ATTESTATION = 256, K_CSV };

static const struct ac_opt opts[] = {
	{ "demarches", 1, 'd', "LIST", "revoke only these démarches (comma-separated)" },
	{ "attestation", 1, 'a', "FILE", "write the revocation's attestation (PDF) to FILE" },
	{ "csv", 0, K_CSV, NULL, "stdin is CSV with a header row" },
	{ 0 }
};

/* A bulk line keeps its "id" only, and its "demarches" only when it has
 * nothing else: a line of ac-mandate-list carries every démarche the mandate
 * was signed for, which is no request to revoke some of them. */
static int keep(json_t *rec, char *why, size_t len, void *arg)
{
	int csv = *(int *)arg;
	json_t *id = json_incref(json_object_get(rec, "id"));
	json_t *d = json_incref(json_object_get(rec, "demarches"));
	int alone = json_object_size(rec) == (size_t)(!!id + !!d);
	json_object_clear(rec);
	if (id)
		json_object_set_new(rec, "id", id);
	if (d && alone && csv && json_is_string(d)) {
		/* a CSV cell holds the list as --demarches takes it */
		json_t *a = ac_demarches_parse(json_string_value(d), why, len);
		json_decref(d);
		if (!a)
			return -1;
		d = a;
	}
	if (d && alone)
		json_object_set_new(rec, "demarches", d);
	else
		json_decref(d);
	return 0;
}

static int one(json_int_t id, json_t *demarches, const char *attestation)
{
	json_t *body = json_pack("{s:I}", "id", id), *reply = NULL;
	if (demarches)
		json_object_set_new(body, "demarches", demarches);
	long st = ac_call("POST", "/v1/mandates/revoke", body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	ac_print(reply);
	fflush(stdout);
	json_t *rid = json_object_get(json_object_get(reply, "revocation"), "id");
	int rc = AC_EXIT_OK;
	if (attestation && !json_is_integer(rid)) {
		ac_warn("acd recorded no revocation, so there is no attestation to write");
		rc = AC_EXIT_SOME;
	} else if (attestation) {
		long long r = (long long)json_integer_value(rid);
		char path[80], again[PATH_MAX + 80];
		snprintf(path, sizeof path, "/v1/revocations/%lld/attestation", r);
		snprintf(again, sizeof again, "ac-mandate-attestation --revocation %lld -o %s", r,
			 attestation);
		rc = ac_save_attestation(path, attestation, again);
	}
	json_decref(reply);
	return rc;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *attestation = NULL;
	json_t *demarches = NULL;
	json_int_t id = 0;
	int c, csv = 0;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts,
			      "ID [--demarches LIST] [--attestation FILE.pdf]  |  [--csv] < mandates",
			      "Revoke a mandate: every active démarche, or only those of --demarches.\n"
			      "Without ID, revokes the mandates of stdin's lines (NDJSON, or --csv): each\n"
			      "line's \"id\", and its \"demarches\" when the line holds nothing else.",
			      &arg)) != -1) {
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
		else if (c == 'd') {
			json_decref(demarches);
			demarches = ac_opt_demarches(arg);
		} else if (c == 'a')
			attestation = arg;
		else if (c == K_CSV)
			csv = 1;
	}
	if (id && csv)
		ac_die(AC_EXIT_USAGE, "--csv reads stdin: give it without an ID");
	if (!id && (demarches || attestation))
		ac_die(AC_EXIT_USAGE, "%s goes with one mandate's ID; in bulk, each line says its own "
		       "démarches, and ac-mandate-attestation --revocation fetches attestations",
		       demarches ? "--demarches" : "--attestation");
	if (attestation)
		ac_file_check("--attestation", attestation);
	ac_session_require();
	if (id)
		return ac_finish(one(id, demarches, attestation));
	static const char *const ints[] = { "id", NULL };
	ac_csv_types(NULL, ints);
	return ac_finish(ac_bulk_keep("/v1/mandates/revoke", csv ? AC_CSV : AC_NDJSON, keep, &csv));
}
