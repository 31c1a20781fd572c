/* ac-mandate-renew — renews (and may widen) an usager's mandate with your
 * structure: a new mandate, confirmed with a fresh one-time code, that takes
 * over the démarches it covers.  With --send-link the usager is away: they
 * get a signing link by mail and identify with FranceConnect again, which
 * must name the same person. */
#include "ac.h"

#include <stdlib.h>
#include <unistd.h>

enum { K_DEMARCHES = 256, K_DURATION, K_SEND, K_CONFIRM, K_NOCRED };

static const struct ac_opt opts[] = {
	{ "usager", 1, 'u', "ID", "the usager (ac-usager-list shows the ids)" },
	{ "demarches", 1, K_DEMARCHES, "LIST", "démarche families, comma-separated: papiers,logement..." },
	{ "duration", 1, K_DURATION, "DURATION", "short (1 day), month (31), semester (182), long (365)" },
	{ "code", 1, 'c', "CODE", "a code your card shows now (asked for when absent)" },
	{ "structure", 1, 's', "ID", "the structure, when you are aidant of several" },
	{ "attestation", 1, 'a', "FILE", "write the new mandate's attestation (PDF) to FILE" },
	{ "send-link", 1, K_SEND, "EMAIL", "at a distance: mail the usager a link to identify again" },
	{ "confirm-consent", 0, K_CONFIRM, NULL, "with --send-link: the usager confirmed the declaration" },
	{ "no-credentials-kept", 0, K_NOCRED, NULL,
	  "with --send-link: declare you received and kept no identifier of the usager" },
	{ 0 }
};

/* Beside the usager: the renewal in one request, with the code. */
static json_t *renew_here(json_t *body, const char *code)
{
	json_t *reply = NULL;
	long st = ac_post_code("/v1/mandates/renew", body, code, &reply);
	if (ac_code_refused(st, reply))
		ac_die(AC_EXIT_SOME, "%s; nothing was renewed: run the command again with the code "
		       "your card shows then", json_string_value(json_object_get(
			       json_object_get(reply, "error"), "message")) ?: "code refused");
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	return reply;
}

/* At a distance: a draft of the renewal, then the signature's steps. */
static json_t *renew_away(json_t *body, struct ac_signing *sign)
{
	json_t *draft = NULL;
	json_object_set_new(body, "send_link", json_string(sign->send_to));
	long st = ac_call("POST", "/v1/mandates/renew", body, &draft);
	if (st < 200 || st >= 300)
		ac_die_reply(st, draft);
	json_t *mandate = ac_sign_draft(draft, sign);
	json_decref(draft);
	return mandate;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *duration = NULL, *attestation = NULL;
	json_t *demarches = NULL;
	json_int_t usager = 0, structure = 0;
	struct ac_signing sign = { 0 };
	char *send_to = NULL;
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--usager ID --demarches LIST --duration DURATION [--code C] [--structure ID]"
			      " [--attestation FILE.pdf] [--send-link EMAIL [--confirm-consent]"
			      " [--no-credentials-kept]]",
			      "Renew an usager's mandate with your structure (active, or ended less than\n"
			      "365 days ago): prints the new mandate.  With --send-link, the usager\n"
			      "identifies again with FranceConnect from a mailed link.", &arg)) != -1) {
		switch (c) {
		case 'u': usager = ac_id_arg("--usager", arg); break;
		case K_DEMARCHES: json_decref(demarches); demarches = ac_opt_demarches(arg); break;
		case K_DURATION: duration = ac_opt_duration(arg); break;
		case 'c': sign.code = ac_opt_code(arg); break;
		case 's': structure = ac_id_arg("--structure", arg); break;
		case 'a': attestation = arg; break;
		case K_SEND: free(send_to); send_to = ac_opt_email("--send-link", arg); break;
		case K_CONFIRM: sign.confirmed = 1; break;
		case K_NOCRED: sign.no_credentials_kept = 1; break;
		}
	}
	if (!usager || !demarches || !duration)
		ac_die(AC_EXIT_USAGE, "%s is required (see --help)",
		       !usager ? "--usager" : !demarches ? "--demarches" : "--duration");
	if (!send_to && (sign.confirmed || sign.no_credentials_kept))
		ac_die(AC_EXIT_USAGE, "%s goes with --send-link (a renewal at a distance)",
		       sign.confirmed ? "--confirm-consent" : "--no-credentials-kept");
	if (send_to && !sign.confirmed && !ac_have_terminal())
		ac_die(AC_EXIT_USAGE, "no terminal to ask for the usager's consent on: once they have "
		       "confirmed the declaration, pass --confirm-consent");
	if (!send_to && !sign.code && !isatty(STDIN_FILENO))
		ac_die(AC_EXIT_USAGE, "no terminal to ask the one-time code on: give it with --code");
	if (attestation)
		ac_file_check("--attestation", attestation);
	ac_session_require();

	json_t *body = json_pack("{s:I,s:o,s:s}", "usager", usager, "demarches", demarches,
				 "duration", duration);
	if (structure)
		json_object_set_new(body, "structure", json_integer(structure));
	sign.send_to = send_to;
	json_t *mandate = send_to ? renew_away(body, &sign) : renew_here(body, sign.code);
	json_decref(body);
	ac_print(mandate);
	fflush(stdout);
	int rc = attestation ? ac_save_mandate_attestation(mandate, attestation) : AC_EXIT_OK;
	json_decref(mandate);
	free(send_to);
	return ac_finish(rc);
}
