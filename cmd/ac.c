/* ac — the dispatcher: "ac card link ..." runs ac-card-link, as git runs its
 * git-foo commands.  "ac help" lists the tools. */
#include "ac.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const tools[][2] = {
	{ "login", "open a session with an email and a one-time code" },
	{ "logout", "end the session" },
	{ "whoami", "show who the session is" },
	{ "structure-new", "create a structure (operators)" },
	{ "structure-list", "list structures" },
	{ "structure-set", "edit a structure: its démarches, name and address" },
	{ "structure-deactivate", "end a structure's habilitation (operators)" },
	{ "structure-apply", "send a structure's application for habilitation (no login)" },
	{ "structure-request-list", "list structures' applications (operators)" },
	{ "habilitation-list", "list aidants' habilitation requests (référents, operators)" },
	{ "habilitation-new", "ask for people to be trained and habilitated as aidants" },
	{ "habilitation-set", "move habilitation requests along: state, PIX result, training" },
	{ "training-new", "schedule training sessions for future aidants (operators)" },
	{ "training-list", "list training sessions and their seats left (référents, operators)" },
	{ "training-register", "register habilitation requests in a training session" },
	{ "training-unregister", "give back habilitation requests' seats in a training session" },
	{ "training-attend", "record who attended a training session (operators)" },
	{ "structure-request-set", "accept, refuse, ask for changes to applications (operators)" },
	{ "aidant-add", "add aidants and référents to a structure" },
	{ "aidant-list", "list the aidants of your structures" },
	{ "aidant-deactivate", "record an aidant's departure" },
	{ "aidant-unlock", "lift a lockout after failed logins" },
	{ "aidant-inactive", "warn, then deactivate, the aidants who no longer log in" },
	{ "card-import", "import OTP card stock (operators)" },
	{ "card-list", "list OTP cards" },
	{ "card-link", "link OTP cards to aidants" },
	{ "card-unlink", "unlink a card: lost, broken, departure, error, returned" },
	{ "card-check", "check a card's code and drift (support)" },
	{ "card-enroll", "give an aidant an authenticator app" },
	{ "mandate-new", "draw up a mandate with an usager (FranceConnect, consent, code)" },
	{ "mandate-list", "list the mandates of your structures" },
	{ "mandate-show", "show one mandate" },
	{ "mandate-renew", "renew, and maybe widen, an usager's mandate" },
	{ "mandate-revoke", "revoke mandates, in full or some démarches" },
	{ "mandate-attestation", "fetch a mandate's or a revocation's attestation (PDF)" },
	{ "usager-list", "list the usagers of your structures' mandates" },
	{ "usager-show", "show one usager and its mandates" },
	{ "audit", "export the journal, or verify an export offline" },
	{ "client-new", "register a démarche site with acd's identity provider (operators)" },
	{ "client-list", "list the démarche sites registered (operators)" },
	{ "reminders-send", "the daily cron job: renewal reminders, attestations to mail again" },
	{ "token-new", "make an API token for a cron job or a pipeline, with scopes" },
	{ "token-list", "list your API tokens (operators: everyone's)" },
	{ "token-revoke", "revoke API tokens at once" },
	{ NULL, NULL }
};

static void help(FILE *to)
{
	fprintf(to, "usage: ac COMMAND [ARGS...]   (runs ac-COMMAND; \"ac card link\" runs ac-card-link)\n\n");
	for (int i = 0; tools[i][0]; i++)
		fprintf(to, "  %-20s %s\n", tools[i][0], tools[i][1]);
	fprintf(to, "\nEach command has --help and a man page (ac-COMMAND(1)); concepts: ac(7).\n");
}

/* Runs ac-WORD1-WORD2... for the longest prefix of the words naming a tool:
 * beside ac first (an unpacked build), then on the PATH. */
static void dispatch(int argc, char **argv, const char *self_dir)
{
	int most = argc - 1 > 3 ? 3 : argc - 1;
	for (int pass = 0; pass < 2; pass++) {
		for (int len = most; len >= 1; len--) {
			char name[256] = "ac";
			for (int i = 1; i <= len; i++) {
				strncat(name, "-", sizeof name - strlen(name) - 1);
				strncat(name, argv[i], sizeof name - strlen(name) - 1);
			}
			char *saved = argv[len];
			argv[len] = name;
			if (pass == 0 && self_dir) {
				char path[PATH_MAX + 300];
				snprintf(path, sizeof path, "%s/%s", self_dir, name);
				if (access(path, X_OK) == 0)
					execv(path, argv + len);
			} else if (pass == 1) {
				execvp(name, argv + len);
				if (errno != ENOENT)
					ac_die(AC_EXIT_CONFIG, "cannot run %s: %s", name, strerror(errno));
			}
			argv[len] = saved;
		}
	}
	/* a noun without its verb: name the verbs it has */
	char verbs[256] = "";
	size_t n = strlen(argv[1]);
	for (int i = 0; tools[i][0]; i++)
		if (!strncmp(tools[i][0], argv[1], n) && tools[i][0][n] == '-') {
			strncat(verbs, verbs[0] ? ", " : "", sizeof verbs - strlen(verbs) - 1);
			strncat(verbs, tools[i][0] + n + 1, sizeof verbs - strlen(verbs) - 1);
		}
	if (verbs[0] && argc == 2)
		ac_die(AC_EXIT_USAGE, "ac %s needs a verb: %s (see ac help)", argv[1], verbs);
	ac_die(AC_EXIT_USAGE, "\"%s\" is not an ac command (see ac help)", argv[1]);
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		help(argc < 2 ? stderr : stdout);
		return ac_finish(argc < 2 ? AC_EXIT_USAGE : 0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ac %s\n", AC_VERSION);
		return ac_finish(0);
	}
	if (argv[1][0] == '-')
		ac_die(AC_EXIT_USAGE, "unknown option %s (see ac help)", argv[1]);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		*strrchr(self, '/') = 0;
	}
	dispatch(argc, argv, n > 0 ? self : NULL);
	return 0;
}
