/* ac-structure-apply — sends a structure's application (demande
 * d'habilitation) read from stdin as one JSON object; no login needed.  acd
 * mails the applicant a link to confirm the email: until then it is a draft,
 * seen by nobody, erased after 7 days. */
#include "ac.h"

#include <stdlib.h>

static const struct ac_opt opts[] = { { 0 } };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	while (ac_getopt(argc, argv, opts, "< application.json",
			 "Send a structure's application to ANCT, from stdin:\n"
			 "{\"applicant\":{...},\"structure\":{...},\"referent\":{...},\"aidants\":[...],"
			 "\"declarations\":{...}}\n(see ac-structure-apply(1)); prints {\"id\",\"status\":\"draft\"}.",
			 &arg) != -1)
		;
	json_error_t e;
	json_t *app = json_loadf(stdin, JSON_REJECT_DUPLICATES, &e);
	if (!app) {
		char why[JSON_ERROR_TEXT_LENGTH];
		ac_die(AC_EXIT_DATA, "stdin: line %d, column %d: %s", e.line, e.column,
		       ac_json_error(&e, why, sizeof why));
	}
	json_t *reply = NULL;
	long st = ac_call("POST", "/v1/structure-requests", app, &reply);
	json_decref(app);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	const char *mail = json_string_value(json_object_get(reply, "mail_error"));
	if (mail)
		ac_warn("the application is recorded, but the confirmation mail was not sent (%s): "
			"send it again later", mail);
	else
		ac_warn("a confirmation link went to the applicant: the application reaches ANCT once "
			"it is opened (within 7 days)");
	ac_print(reply);
	json_decref(reply);
	return ac_finish(mail ? AC_EXIT_SOME : AC_EXIT_OK);
}
