/* ac-mandate-new — draws up a mandate with an usager: a draft and its signing
 * link (a QR code on a terminal), the usager's FranceConnect identification
 * on their side, then the aidant's consent declaration and one-time code. */
#include "ac.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { K_DEMARCHES = 256, K_DURATION, K_OPEN, K_CONFIRM, K_SEND };

static const struct ac_opt opts[] = {
	{ "demarches", 1, K_DEMARCHES, "LIST", "démarche families, comma-separated: papiers,logement..." },
	{ "duration", 1, K_DURATION, "DURATION", "short (1 day), month (31), semester (182), long (365)" },
	{ "structure", 1, 's', "ID", "the structure, when you are aidant of several" },
	{ "attestation", 1, 'a', "FILE", "write the mandate's attestation (PDF) to FILE" },
	{ "open", 0, K_OPEN, NULL, "open the signing link here with xdg-open" },
	{ "code", 1, 'c', "CODE", "a code your card shows (asked for at the end when absent)" },
	{ "confirm-consent", 0, K_CONFIRM, NULL, "the usager confirmed the declaration: do not ask" },
	{ "send-link", 1, K_SEND, "EMAIL", "also email the signing link to the usager" },
	{ 0 }
};

#define POLL_WAIT 25          /* seconds acd holds each poll */
#define POLL_TRIES 5          /* a poll failing this often in a row ends the run */
#define PENDING_MAX (15 * 60) /* pending longer than its link lives: acd lost count */

/* ---- the link ---- */

/* xdg-open URL, its output on stderr (stdout carries only data); never fatal. */
static void open_link(const char *url)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	char *args[] = { "xdg-open", (char *)url, NULL };
	extern char **environ;
	pid_t pid;
	int rc = posix_spawnp(&pid, "xdg-open", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == ENOENT) {
		ac_warn("xdg-open is not installed: open the link by hand");
		return;
	}
	int st;
	if (rc || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		ac_warn("xdg-open could not open the link: open it by hand");
}

static void show_link(json_t *draft, const char *send_to, int open_it)
{
	const char *url = json_string_value(json_object_get(draft, "url"));
	if (!url)
		ac_die(AC_EXIT_TEMP, "acd made the draft but sent no signing link; run the command again");
	ac_warn("signing link for the usager (valid 10 minutes):");
	fprintf(stderr, "%s\n", url);
	if (isatty(STDERR_FILENO))
		ac_qr_draw(stderr, url);
	if (send_to && json_is_true(json_object_get(draft, "link_sent")))
		ac_warn("link sent to %s", send_to);
	else if (send_to)
		ac_warn("acd did not send the link to %s: give the usager the link above", send_to);
	if (open_it)
		open_link(url);
}

/* ---- waiting for the usager ---- */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* GETs the draft until it is no longer pending; acd holds each request until
 * the state changes or POLL_WAIT seconds pass.  A poll that fails (acd out of
 * reach, or a 5xx) is tried again after a pause, POLL_TRIES times in a row. */
static json_t *wait_for_usager(const char *draft_path)
{
	char path[300], why[600];
	snprintf(path, sizeof path, "%s?wait=%d", draft_path, POLL_WAIT);
	ac_warn("waiting for the usager to identify with FranceConnect (Ctrl-C gives up)...");
	double start = now();
	int failures = 0;
	for (;;) {
		double sent = now();
		json_t *reply = NULL;
		long st = ac_call_try("GET", path, NULL, &reply, why, sizeof why);
		if (st == 0 || st >= 500) {
			if (st) {
				const char *msg = json_string_value(json_object_get(
					json_object_get(reply, "error"), "message"));
				snprintf(why, sizeof why, "acd answered HTTP %ld%s%s", st, msg ? ": " : "",
					 msg ? msg : "");
			}
			json_decref(reply);
			if (++failures >= POLL_TRIES)
				ac_die(st ? AC_EXIT_TEMP : AC_EXIT_UNAVAILABLE,
				       "%s; gave up waiting after %d tries: run the command again", why,
				       failures);
			ac_warn("%s; asking again in %d s", why, 1 << (failures - 1));
			sleep(1u << (failures - 1));
			continue;
		}
		failures = 0;
		if (st != 200)
			ac_die_reply(st, reply);
		const char *state = json_string_value(json_object_get(reply, "state"));
		if (!state)
			ac_die(AC_EXIT_TEMP, "acd's answer about the draft has no state; run the command again");
		if (strcmp(state, "pending"))
			return reply;
		json_decref(reply);
		if (now() - start > PENDING_MAX)
			ac_die(AC_EXIT_TEMP, "the draft is still pending after %d minutes, longer than its "
			       "link lives: run the command again", PENDING_MAX / 60);
		/* an acd that answers at once must not be asked in a tight loop */
		if (now() - sent < 1)
			sleep(1);
	}
}

/* ---- what the aidant sees before confirming ---- */

/* "1962-08-24" as "24/08/1962"; anything else as it is. */
static const char *french_date(const char *iso, char *buf, size_t len)
{
	int y, m, d;
	char extra;
	if (iso && sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3)
		snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
	else
		snprintf(buf, len, "%s", iso ? iso : "?");
	return buf;
}

static int has_warning(json_t *draft, const char *what)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(draft, "warnings"), i, w)
		if (json_is_string(w) && !strcmp(json_string_value(w), what))
			return 1;
	return 0;
}

static void show_identified(json_t *draft)
{
	json_t *u = json_object_get(draft, "usager");
	const char *given = json_string_value(json_object_get(u, "given_name"));
	const char *family = json_string_value(json_object_get(u, "family_name"));
	char date[32];
	ac_warn("usager identified by FranceConnect: %s %s, born %s", given ? given : "",
		family ? family : "", french_date(json_string_value(json_object_get(u, "birthdate")),
						  date, sizeof date));
	if (has_warning(draft, "argent"))
		ac_warn("warning: Banque de France rule for \"Argent – Impôts – Consommation\": an aidant "
			"must not act on an over-indebtedness file (dossier de surendettement); the "
			"usager files it alone, or accompanied by a structure specialised in it");
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(draft, "warnings"), i, w)
		if (json_is_string(w) && strcmp(json_string_value(w), "argent"))
			ac_warn("warning from acd: %s", json_string_value(w));
	json_int_t others = json_integer_value(json_object_get(draft, "other_mandates"));
	if (others > 0)
		ac_warn("this usager already holds %lld active mandate%s with other structures for "
			"some of these démarches: ask them about it", (long long)others,
			others > 1 ? "s" : "");
}

/* The declaration the aidant confirms with the usager, who hears it read. */
static int consent(json_t *draft)
{
	json_t *u = json_object_get(draft, "usager");
	const char *given = json_string_value(json_object_get(u, "given_name"));
	const char *family = json_string_value(json_object_get(u, "family_name"));
	const char *duration = json_string_value(json_object_get(draft, "duration"));
	const char *label = duration ? ac_duration_label(duration) : NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		ac_die(AC_EXIT_TEMP, "out of memory");
	fprintf(f, "\nMandate for %s %s with structure %lld, for %s, over these démarches:\n",
		given ? given : "", family ? family : "",
		(long long)json_integer_value(json_object_get(draft, "structure")),
		label ? label : duration ? duration : "?");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(draft, "demarches"), i, d) {
		const char *code = json_string_value(d);
		const struct ac_demarche *dm = code ? ac_demarche_find(code) : NULL;
		fprintf(f, "  - %s\n", dm ? dm->label : code ? code : "?");
	}
	fputs("\nDeclaration:\n"
	      "  - the usager was informed of the content of this mandate: the démarches above,\n"
	      "    its duration, and that every aidant of the structure may act under it;\n"
	      "  - the usager was informed of their rights: to end the mandate at any time,\n"
	      "    and to have their data handled as the law says;\n"
	      "  - the usager declares not being under tutelle, curatelle or habilitation\n"
	      "    familiale.\n\n", f);
	if (fclose(f))
		ac_die(AC_EXIT_TEMP, "out of memory");
	int yes = ac_prompt_yes(text, "Confirm? [y/N] ");
	free(text);
	return yes;
}

/* ---- main ---- */

static void draft_path(json_t *draft, char *buf, size_t len)
{
	json_t *id = json_object_get(draft, "id");
	if (json_is_integer(id))
		snprintf(buf, len, "/v1/mandates/drafts/%lld", (long long)json_integer_value(id));
	else if (json_is_string(id)) {
		char *e = ac_urlencode(json_string_value(id));
		snprintf(buf, len, "/v1/mandates/drafts/%s", e);
		free(e);
	} else
		ac_die(AC_EXIT_TEMP, "acd's draft has no id; run the command again");
}

static int save_attestation(json_t *mandate, const char *file)
{
	json_t *id = json_object_get(mandate, "id");
	if (!json_is_integer(id)) {
		ac_warn("acd's mandate has no id: no attestation written");
		return AC_EXIT_SOME;
	}
	long long m = (long long)json_integer_value(id);
	char path[80], again[PATH_MAX + 80];
	snprintf(path, sizeof path, "/v1/mandates/%lld/attestation", m);
	snprintf(again, sizeof again, "ac-mandate-attestation %lld -o %s", m, file);
	return ac_save_attestation(path, file, again);
}

struct args {
	json_t *demarches;
	const char *duration, *attestation, *code;
	char *send_to;
	json_int_t structure;
	int open_it, confirmed;
};

/* The options, and everything that can stop the run checked before the
 * usager is involved. */
static void parse(int argc, char **argv, struct args *a)
{
	const char *arg;
	int c;
	while ((c = ac_getopt(argc, argv, opts,
			      "--demarches LIST --duration DURATION [--structure ID] [--attestation FILE.pdf]"
			      " [--open] [--code C] [--confirm-consent] [--send-link EMAIL]",
			      "Draw up a mandate: prints the usager's signing link (and a QR code on a\n"
			      "terminal), waits for their FranceConnect identification, asks for the\n"
			      "consent declaration and your one-time code, then prints the mandate.",
			      &arg)) != -1) {
		switch (c) {
		case K_DEMARCHES: json_decref(a->demarches); a->demarches = ac_opt_demarches(arg); break;
		case K_DURATION: a->duration = ac_opt_duration(arg); break;
		case 's': a->structure = ac_id_arg("--structure", arg); break;
		case 'a': a->attestation = arg; break;
		case K_OPEN: a->open_it = 1; break;
		case 'c': a->code = ac_opt_code(arg); break;
		case K_CONFIRM: a->confirmed = 1; break;
		case K_SEND:
			free(a->send_to);
			a->send_to = strdup(arg);
			if (ac_email_normalize(a->send_to))
				ac_die(AC_EXIT_USAGE, "--send-link \"%s\" is not an email address", arg);
			break;
		}
	}
	if (!a->demarches || !a->duration)
		ac_die(AC_EXIT_USAGE, "%s is required (e.g. --demarches papiers,logement --duration long)",
		       !a->demarches ? "--demarches" : "--duration");
	if (!a->confirmed && !ac_have_terminal())
		ac_die(AC_EXIT_USAGE, "no terminal to ask for the usager's consent on: once they have "
		       "heard and confirmed the declaration, pass --confirm-consent");
	if (a->attestation)
		ac_file_check("--attestation", a->attestation);
	ac_session_require();
}

/* POST /v1/mandates/drafts, then the link for the usager; the draft's path in path. */
static void make_draft(struct args *a, char *path, size_t len)
{
	json_t *body = json_pack("{s:o,s:s}", "demarches", a->demarches, "duration", a->duration);
	json_t *draft = NULL;
	a->demarches = NULL;
	if (a->structure)
		json_object_set_new(body, "structure", json_integer(a->structure));
	if (a->send_to)
		json_object_set_new(body, "send_link", json_string(a->send_to));
	long st = ac_call("POST", "/v1/mandates/drafts", body, &draft);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, draft);
	draft_path(draft, path, len);
	show_link(draft, a->send_to, a->open_it);
	json_decref(draft);
}

/* The draft the usager identified on, confirmed: the mandate. */
static json_t *sign(const struct args *a, const char *path, json_t *draft)
{
	const char *state = json_string_value(json_object_get(draft, "state"));
	if (!strcmp(state, "expired"))
		ac_die(AC_EXIT_SOME, "the signing link expired before the usager identified; run the "
		       "command again");
	if (!strcmp(state, "used"))
		ac_die(AC_EXIT_SOME, "this draft was already confirmed (from another terminal?): see "
		       "ac-mandate-list");
	if (strcmp(state, "identified"))
		ac_die(AC_EXIT_TEMP, "acd says the draft is \"%s\", which this tool does not know; "
		       "run the command again", state);
	show_identified(draft);
	if (!a->confirmed && consent(draft) != 1)
		ac_die(AC_EXIT_SOME, "consent not confirmed: no mandate was created");
	char confirm[300];
	snprintf(confirm, sizeof confirm, "%s/confirm", path);
	json_t *body = json_pack("{s:b}", "consent", 1), *mandate = NULL;
	long st = ac_post_code(confirm, body, a->code, &mandate);
	json_decref(body);
	if (ac_code_refused(st, mandate))
		ac_die(AC_EXIT_SOME, "%s; no mandate was created: run the command again", json_string_value(
			       json_object_get(json_object_get(mandate, "error"), "message")) ?: "code refused");
	if (st < 200 || st >= 300)
		ac_die_reply(st, mandate);
	return mandate;
}

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	struct args a = { 0 };
	parse(argc, argv, &a);
	char path[256];
	make_draft(&a, path, sizeof path);
	json_t *draft = wait_for_usager(path);
	json_t *mandate = sign(&a, path, draft);
	json_decref(draft);
	ac_print(mandate);
	fflush(stdout);
	int rc = a.attestation ? save_attestation(mandate, a.attestation) : AC_EXIT_OK;
	json_decref(mandate);
	free(a.send_to);
	return ac_finish(rc);
}
