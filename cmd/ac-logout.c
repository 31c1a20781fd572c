/* ac-logout — ends the session on acd and forgets it here. */
#include "ac.h"

#include <stdlib.h>

static const struct ac_opt opts[] = { { 0 } };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	while (ac_getopt(argc, argv, opts, "", "End the session opened by ac-login.", &arg) != -1)
		;
	char *token = ac_session_token();
	if (!token) {
		ac_warn("not logged in");
		return ac_finish(0);
	}
	free(token);
	json_t *reply = NULL;
	long st = ac_call("DELETE", "/v1/session", NULL, &reply);
	/* a token given by AC_TOKEN or --token-file is not the saved one: the
	 * session ac-login saved stays, whatever acd answered */
	if (ac_session_saved() && (st == 200 || st == 401))
		ac_session_clear();
	/* an already expired session is as ended as can be */
	if (st != 200 && st != 401)
		ac_die_reply(st, reply);
	json_decref(reply);
	return ac_finish(0);
}
