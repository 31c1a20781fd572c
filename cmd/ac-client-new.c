/* ac-client-new — registers a client of acd as identity provider (operators):
 * FranceConnect, or a démarche site under test.  Prints its client_id and its
 * secret, which acd shows this once and keeps only hashed. */
#include "ac.h"

#include <unistd.h>

static const char *const algs[] = { "HS256", "RS256", "ES256", NULL };

static const struct ac_opt opts[] = {
	{ "name", 1, 'n', "NAME", "the client's name, shown to aidants", "name", .required = 1 },
	{ "redirect-uri", 1, 'r', "URI", "its callback, matched byte for byte", "redirect_uri",
	  .required = 1 },
	{ "signing", 1, 's', "ALG", "ID token signature: RS256 (default), ES256, HS256", "signing",
	  .choices = algs },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	json_t *item = json_object();
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts, "--name NAME --redirect-uri URI [--signing ALG]",
			      "Register a client of the identity provider (operators).", &arg)) != -1)
		for (const struct ac_opt *o = opts; o->name; o++)
			if (o->key == c)
				json_object_set_new(item, o->field, ac_opt_value(o, arg));
	for (const struct ac_opt *o = opts; o->name; o++)
		if (o->required && !json_object_get(item, o->field))
			ac_die(AC_EXIT_USAGE, "--%s is required", o->name);
	ac_session_require();
	if (isatty(STDOUT_FILENO))
		ac_warn("the client_secret is shown this once: store it now (acd keeps only its hash)");
	return ac_finish(ac_submit("/v1/clients", item));
}
