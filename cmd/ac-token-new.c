/* ac-token-new — makes an API token for a cron job or a pipeline: narrowed to
 * some scopes (and to one structure if asked), expiring.  Prints it once, in
 * the JSON line; acd keeps only its hash. */
#include "ac.h"

#include <unistd.h>

enum { K_EXPIRES = 256 };

static const struct ac_opt opts[] = {
	{ "name", 1, 'n', "TEXT", "what the token is for, shown in ac-token-list" },
	{ "scopes", 1, 's', "LIST", "what it may do, comma-separated (see ac-token-new(1))" },
	{ "expires-in", 1, K_EXPIRES, "DAYS", "its lifetime: 1 to 730 days (default 365)" },
	{ "structure", 1, 'S', "ID", "narrow it to one of your structures" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	json_t *item = json_object();
	const char *arg;
	char why[200], words[300];
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--name TEXT --scopes LIST [--expires-in DAYS] [--structure ID]",
			      "Make an API token for a cron job or a pipeline (AC_TOKEN, --token-file).\n"
			      "It carries at most your rights, narrowed to its scopes; it is shown once.",
			      &arg)) != -1) {
		switch (c) {
		case 'n': json_object_set_new(item, "name", json_string(arg)); break;
		case 's': {
			unsigned mask = ac_scopes_mask(arg, why, sizeof why);
			if (!mask)
				ac_die(AC_EXIT_USAGE, "--scopes: %s; give one or more of %s, separated by "
				       "commas", why, ac_list_words(ac_scopes, words, sizeof words));
			json_object_set_new(item, "scopes", ac_scopes_json(mask));
			break;
		}
		case K_EXPIRES:
			json_object_set_new(item, "expires_in",
					    json_integer(ac_opt_long("expires-in", arg, 1, 730)));
			break;
		case 'S': json_object_set_new(item, "structure", json_integer(ac_id_arg("--structure", arg))); break;
		}
	}
	if (!json_object_get(item, "name"))
		ac_die(AC_EXIT_USAGE, "--name is required: what the token is for");
	if (!json_object_get(item, "scopes"))
		ac_die(AC_EXIT_USAGE, "--scopes is required: one or more of %s",
		       ac_list_words(ac_scopes, words, sizeof words));
	ac_session_require();
	if (isatty(STDOUT_FILENO))
		ac_warn("the token is shown this once: store it now in a 0600 file (acd keeps only its hash)");
	return ac_finish(ac_submit("/v1/tokens", item));
}
