/* code.c — requests that carry a fresh one-time code of the caller's own card
 * (a mandate's signature, its renewal): given on the command line, or asked
 * for, and asked again when mistyped. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ac_opt_code(const char *value)
{
	if (!ac_code_valid(value))
		ac_die(AC_EXIT_USAGE, "--code: a one-time code is 6 or 8 digits");
	return value;
}

int ac_code_refused(long status, json_t *reply)
{
	const char *code = json_string_value(json_object_get(json_object_get(reply, "error"), "code"));
	/* 401 by the contract; 422 is how acd refuses a card's code elsewhere */
	return (status == 401 || status == 422) && code &&
	       (!strcmp(code, "wrong_code") || !strcmp(code, "code_used"));
}

/* A code from the person: asked again on a terminal when it is no code at all. */
static char *ask(int tries_left)
{
	int tty = isatty(STDIN_FILENO);
	for (;;) {
		char *code = ac_prompt_secret("One-time code from your card: ");
		if (!code || !*code) {
			free(code);
			ac_die(AC_EXIT_USAGE, "no code given (use --code, or type it at the prompt)");
		}
		if (ac_code_valid(code))
			return code;
		free(code);
		if (!tty)
			ac_die(AC_EXIT_DATA, "the code read from standard input is not 6 or 8 digits");
		if (--tries_left <= 0)
			ac_die(AC_EXIT_USAGE, "a one-time code is 6 or 8 digits");
		ac_warn("a one-time code is 6 or 8 digits: type the one the card shows now");
	}
}

long ac_post_code(const char *path, json_t *body, const char *given, json_t **reply)
{
	int tries = given || !isatty(STDIN_FILENO) ? 1 : 3;
	for (int i = 0;; i++) {
		char *code = given ? strdup(given) : ask(3);
		json_object_set_new(body, "code", json_string(code));
		memset(code, 0, strlen(code));
		free(code);
		long st = ac_call("POST", path, body, reply);
		json_object_del(body, "code");
		if (!ac_code_refused(st, *reply) || i + 1 >= tries)
			return st;
		const char *msg = json_string_value(json_object_get(json_object_get(*reply, "error"),
								    "message"));
		ac_warn("%s; type the code the card shows now (%d tries left)", msg ? msg : "code refused",
			tries - i - 1);
		json_decref(*reply);
		*reply = NULL;
	}
}
