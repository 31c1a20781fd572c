/* ac-login — opens a session with an email and a one-time code. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>

static const struct ac_opt opts[] = {
	{ "email", 1, 'e', "EMAIL", "the account's email" },
	{ "code", 1, 'c', "CODE", "the code the card shows (asked for when absent)" },
	{ 0 }
};

static char *ask_code(const char *question)
{
	char *code = ac_prompt_secret(question);
	if (!code || !*code)
		ac_die(AC_EXIT_USAGE, "no code given (use --code, or type it at the prompt)");
	return code;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *email = NULL, *arg;
	char *code = NULL;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "--email EMAIL [--code CODE]",
			      "Log in to acd with a one-time code; saves the session.", &arg)) != -1) {
		if (c == 'e')
			email = arg;
		else if (c == 'c')
			code = strdup(arg);
	}
	if (!email)
		ac_die(AC_EXIT_USAGE, "--email is required");
	if (!code)
		code = ask_code("Code: ");
	ac_session_clear(); /* a new login replaces the old session, even when refused */
	for (int round = 0;; round++) {
		json_t *body = json_pack("{s:s,s:s}", "email", email, "code", code), *reply = NULL;
		long st = ac_call("POST", "/v1/session", body, &reply);
		json_decref(body);
		free(code);
		const char *err = json_string_value(
			json_object_get(json_object_get(reply, "error"), "code"));
		if (st == 401 && err && !strcmp(err, "next_code") && round == 0) {
			/* a drifted card: its next code resynchronizes it */
			ac_warn("the card's clock has drifted; one more code resynchronizes it");
			code = ask_code("Next code: ");
			json_decref(reply);
			continue;
		}
		if (st != 201)
			ac_die_reply(st, reply);
		const char *token = json_string_value(json_object_get(reply, "token"));
		if (!token || ac_session_save(token))
			ac_die(AC_EXIT_CONFIG, "cannot save the session in %s", ac_session_path());
		json_object_del(reply, "token");
		ac_print(reply);
		json_decref(reply);
		return ac_finish(0);
	}
}
