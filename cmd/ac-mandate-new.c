/* ac-mandate-new — draws up a mandate with an usager: a draft and its signing
 * link (a QR code on a terminal), the usager's FranceConnect identification
 * on their side, then the aidant's consent declaration and one-time code. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

enum { K_DEMARCHES = 256, K_DURATION, K_OPEN, K_CONFIRM, K_SEND, K_NOCRED };

static const struct ac_opt opts[] = {
	{ "demarches", 1, K_DEMARCHES, "LIST", "démarche families, comma-separated: papiers,logement..." },
	{ "duration", 1, K_DURATION, "DURATION", "short (1 day), month (31), semester (182), long (365)" },
	{ "structure", 1, 's', "ID", "the structure, when you are aidant of several" },
	{ "attestation", 1, 'a', "FILE", "write the mandate's attestation (PDF) to FILE" },
	{ "open", 0, K_OPEN, NULL, "open the signing link here with xdg-open" },
	{ "code", 1, 'c', "CODE", "a code your card shows (asked for at the end when absent)" },
	{ "confirm-consent", 0, K_CONFIRM, NULL, "the usager confirmed the declaration: do not ask" },
	{ "send-link", 1, K_SEND, "EMAIL", "also email the signing link to the usager" },
	{ "no-credentials-kept", 0, K_NOCRED, NULL,
	  "at a distance: declare you received and kept no identifier of the usager" },
	{ 0 }
};

struct args {
	json_t *demarches;
	const char *duration, *attestation;
	char *send_to;
	json_int_t structure;
	struct ac_signing sign;
};

/* The options, and everything that can stop the run checked before the
 * usager is involved. */
static void parse(int argc, char **argv, struct args *a)
{
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--demarches LIST --duration DURATION [--structure ID] [--attestation FILE.pdf]"
			      " [--open] [--code C] [--confirm-consent] [--send-link EMAIL]"
			      " [--no-credentials-kept]",
			      "Draw up a mandate: prints the usager's signing link (and a QR code on a\n"
			      "terminal), waits for their FranceConnect identification, asks for the\n"
			      "consent declaration and your one-time code, then prints the mandate.",
			      &arg)) != -1) {
		switch (c) {
		case K_DEMARCHES: json_decref(a->demarches); a->demarches = ac_opt_demarches(arg); break;
		case K_DURATION: a->duration = ac_opt_duration(arg); break;
		case 's': a->structure = ac_id_arg("--structure", arg); break;
		case 'a': a->attestation = arg; break;
		case K_OPEN: a->sign.open_it = 1; break;
		case 'c': a->sign.code = ac_opt_code(arg); break;
		case K_CONFIRM: a->sign.confirmed = 1; break;
		case K_NOCRED: a->sign.no_credentials_kept = 1; break;
		case K_SEND:
			free(a->send_to);
			a->send_to = ac_opt_email("--send-link", arg);
			break;
		}
	}
	if (!a->demarches || !a->duration)
		ac_die(AC_EXIT_USAGE, "%s is required (e.g. --demarches papiers,logement --duration long)",
		       !a->demarches ? "--demarches" : "--duration");
	if (!a->sign.confirmed && !ac_have_terminal())
		ac_die(AC_EXIT_USAGE, "no terminal to ask for the usager's consent on: once they have "
		       "heard and confirmed the declaration, pass --confirm-consent");
	if (a->attestation)
		ac_file_check("--attestation", a->attestation);
	a->sign.send_to = a->send_to;
	ac_session_require();
}

/* POST /v1/mandates/drafts: the draft and its link. */
static json_t *make_draft(struct args *a)
{
	json_t *body = json_pack("{s:o,s:s}", "demarches", a->demarches, "duration", a->duration);
	json_t *draft = NULL;
	a->demarches = NULL;
	if (a->structure)
		json_object_set_new(body, "structure", json_integer(a->structure));
	if (a->send_to)
		json_object_set_new(body, "send_link", json_string(a->send_to));
	long st = ac_call("POST", "/v1/mandates/drafts", body, &draft);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, draft);
	return draft;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	struct args a = { 0 };
	parse(argc, argv, &a);
	json_t *draft = make_draft(&a);
	json_t *mandate = ac_sign_draft(draft, &a.sign);
	json_decref(draft);
	ac_print(mandate);
	fflush(stdout);
	int rc = a.attestation ? ac_save_mandate_attestation(mandate, a.attestation) : AC_EXIT_OK;
	json_decref(mandate);
	free(a.send_to);
	return ac_finish(rc);
}
