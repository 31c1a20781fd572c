/* ac-whoami — who the session is: email, roles, structures, expiry. */
#include "ac.h"

static const struct ac_opt opts[] = { { 0 } };

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	while (ac_getopt(argc, argv, opts, "", "Show who the current session is.", &arg) != -1)
		;
	json_t *reply = NULL;
	long st = ac_call("GET", "/v1/session", NULL, &reply);
	if (st != 200)
		ac_die_reply(st, reply);
	ac_print(reply);
	json_decref(reply);
	return ac_finish(0);
}
