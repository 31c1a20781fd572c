/* ac-card-enroll — gives an aidant an authenticator app: acd creates a fresh
 * seed, this prints the otpauth:// URI (and a QR code on a terminal), then the
 * app's first code activates it. */
#include "ac.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct ac_opt opts[] = {
	{ "email", 1, 'e', "EMAIL", "the aidant's email" },
	{ "code", 1, 'c', "CODE", "the app's first code (asked for when absent)" },
	{ "serial", 1, 's', "SERIAL", "activate this already enrolled app instead of a new one" },
	{ 0 }
};

static char *code_of(const char *given)
{
	if (given)
		return strdup(given);
	char *code = ac_prompt_secret("Code shown by the app: ");
	if (code && !*code) {
		free(code);
		code = NULL;
	}
	return code;
}

/* POST /v1/cards/activate; on a terminal a mistyped code may be typed again. */
static int activate(const char *serial, const char *given)
{
	int tries = given || !isatty(STDIN_FILENO) ? 1 : 3;
	for (int i = 0;; i++) {
		char *code = code_of(given);
		if (!code)
			ac_die(AC_EXIT_USAGE, "no code given: %s is enrolled but not active; "
			       "activate it with: ac-card-enroll --serial %s --code CODE", serial, serial);
		json_t *body = json_pack("{s:s,s:s}", "serial", serial, "code", code), *reply = NULL;
		long st = ac_call("POST", "/v1/cards/activate", body, &reply);
		json_decref(body);
		free(code);
		if (st >= 200 && st < 300) {
			ac_warn("%s is active: the aidant can log in with it", serial);
			json_decref(reply);
			return AC_EXIT_OK;
		}
		if (st != 422 || i + 1 >= tries)
			ac_die_reply(st, reply);
		ac_warn("%s", json_string_value(json_object_get(json_object_get(reply, "error"), "message")));
		json_decref(reply);
	}
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg, *email = NULL, *code = NULL, *serial = NULL;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "--email EMAIL [--code CODE]  |  --serial S [--code CODE]",
			      "Enroll an authenticator app (TOTP, 30 s, 6 digits) for an aidant: prints\n"
			      "{serial, otpauth_uri, totp_secret}, then activates the app with its first\n"
			      "code.  An aidant with an active app must unlink it first (ac-card-unlink);\n"
			      "an app enrolled but never activated is replaced.",
			      &arg)) != -1) {
		if (c == 'e')
			email = arg;
		else if (c == 'c')
			code = arg;
		else if (c == 's')
			serial = arg;
	}
	if (serial)
		return ac_finish(activate(serial, code));
	if (!email)
		ac_die(AC_EXIT_USAGE, "--email is required (or --serial to activate an enrolled app)");
	json_t *body = json_pack("{s:s}", "email", email), *reply = NULL;
	long st = ac_call("POST", "/v1/cards/enroll", body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	const char *uri = json_string_value(json_object_get(reply, "otpauth_uri"));
	char *s = strdup(json_string_value(json_object_get(reply, "serial")));
	ac_print(reply);
	if (uri && isatty(STDOUT_FILENO))
		ac_qr_draw(stdout, uri);
	fflush(stdout); /* the person (or a script) reads the secret before the code */
	json_decref(reply);
	int rc = activate(s, code);
	free(s);
	return ac_finish(rc);
}
