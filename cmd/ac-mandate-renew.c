/* ac-mandate-renew — renews (and may widen) an usager's mandate with your
 * structure: a new mandate, confirmed with a fresh one-time code, that takes
 * over the démarches it covers. */
#include "ac.h"

#include <limits.h>
#include <unistd.h>

enum { K_DEMARCHES = 256, K_DURATION };

static const struct ac_opt opts[] = {
	{ "usager", 1, 'u', "ID", "the usager (ac-usager-list shows the ids)" },
	{ "demarches", 1, K_DEMARCHES, "LIST", "démarche families, comma-separated: papiers,logement..." },
	{ "duration", 1, K_DURATION, "DURATION", "short (1 day), month (31), semester (182), long (365)" },
	{ "code", 1, 'c', "CODE", "a code your card shows now (asked for when absent)" },
	{ "structure", 1, 's', "ID", "the structure, when you are aidant of several" },
	{ "attestation", 1, 'a', "FILE", "write the new mandate's attestation (PDF) to FILE" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *code = NULL, *duration = NULL, *attestation = NULL;
	json_t *demarches = NULL;
	json_int_t usager = 0, structure = 0;
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--usager ID --demarches LIST --duration DURATION [--code C] [--structure ID]"
			      " [--attestation FILE.pdf]",
			      "Renew an usager's mandate with your structure (active, or ended less than\n"
			      "365 days ago): prints the new mandate.", &arg)) != -1) {
		switch (c) {
		case 'u': usager = ac_id_arg("--usager", arg); break;
		case K_DEMARCHES: json_decref(demarches); demarches = ac_opt_demarches(arg); break;
		case K_DURATION: duration = ac_opt_duration(arg); break;
		case 'c': code = ac_opt_code(arg); break;
		case 's': structure = ac_id_arg("--structure", arg); break;
		case 'a': attestation = arg; break;
		}
	}
	if (!usager || !demarches || !duration)
		ac_die(AC_EXIT_USAGE, "%s is required (see --help)",
		       !usager ? "--usager" : !demarches ? "--demarches" : "--duration");
	if (!code && !isatty(STDIN_FILENO))
		ac_die(AC_EXIT_USAGE, "no terminal to ask the one-time code on: give it with --code");
	if (attestation)
		ac_file_check("--attestation", attestation);
	ac_session_require();

	json_t *body = json_pack("{s:I,s:o,s:s}", "usager", usager, "demarches", demarches,
				 "duration", duration), *reply = NULL;
	if (structure)
		json_object_set_new(body, "structure", json_integer(structure));
	long st = ac_post_code("/v1/mandates/renew", body, code, &reply);
	json_decref(body);
	if (ac_code_refused(st, reply))
		ac_die(AC_EXIT_SOME, "%s; nothing was renewed: run the command again with the code "
		       "your card shows then", json_string_value(json_object_get(
			       json_object_get(reply, "error"), "message")) ?: "code refused");
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	ac_print(reply);
	fflush(stdout);
	int rc = AC_EXIT_OK;
	json_t *id = json_object_get(reply, "id");
	if (attestation && json_is_integer(id)) {
		char path[80], again[PATH_MAX + 80];
		long long m = (long long)json_integer_value(id);
		snprintf(path, sizeof path, "/v1/mandates/%lld/attestation", m);
		snprintf(again, sizeof again, "ac-mandate-attestation %lld -o %s", m, attestation);
		rc = ac_save_attestation(path, attestation, again);
	}
	json_decref(reply);
	return ac_finish(rc);
}
