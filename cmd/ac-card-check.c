/* ac-card-check — support's question "does my card still work?": whether a
 * code the card shows now matches, and how far its clock has drifted.  acd
 * changes nothing but its journal. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "serial", 1, 's', "SERIAL", "the card's serial number" },
	{ "code", 1, 'c', "CODE", "a code the card shows now (6 or 8 digits)" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *serial = NULL, *code = NULL;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "--serial S --code C",
			      "Check a card: whether CODE matches now (exit 0; 1 when it does not),\n"
			      "and its drift in steps.  Référents of the card's structure, operators.",
			      &arg)) != -1) {
		if (c == 's')
			serial = arg;
		else if (c == 'c')
			code = arg;
	}
	if (!serial)
		ac_die(AC_EXIT_USAGE, "--serial is required (the number printed on the card)");
	if (!code)
		ac_die(AC_EXIT_USAGE, "--code is required (the code the card shows now)");
	if (!ac_code_valid(code))
		ac_die(AC_EXIT_USAGE, "--code: a one-time code is 6 or 8 digits");
	ac_session_require();
	json_t *body = json_pack("{s:s,s:s}", "serial", serial, "code", code), *reply = NULL;
	long st = ac_call("POST", "/v1/cards/check", body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	int matches = json_is_true(json_object_get(reply, "matches"));
	ac_print(reply);
	json_decref(reply);
	return ac_finish(matches ? 0 : AC_EXIT_SOME);
}
