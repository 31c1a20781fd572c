/* signing.c — a signature's draft from its link to the mandate, for
 * ac-mandate-new and ac-mandate-renew --send-link: the link shown (a QR code
 * on a terminal), the long poll until the usager has identified with
 * FranceConnect, who they are, the aidant's declaration, the confirmation
 * with a one-time code. */
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
	if (json_is_integer(json_object_get(draft, "renewal_of")))
		ac_warn("FranceConnect identified the usager of mandate %lld: the renewal goes on",
			(long long)json_integer_value(json_object_get(draft, "renewal_of")));
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

/* The declaration the aidant confirms with the usager, who hears it read
 * (or, at a distance, has read on the signing page). */
static int consent(json_t *draft, int no_credentials_kept)
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
	      "    familiale.\n", f);
	if (json_is_true(json_object_get(draft, "remote")))
		fputs("  - signed at a distance: the usager identified on their own device, and the\n"
		      "    attestation goes to them by mail;\n", f);
	if (no_credentials_kept)
		fputs("  - you received and kept no identifier, password or code of the usager\n"
		      "    (printed on the attestation).\n", f);
	fputc('\n', f);
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

int ac_save_mandate_attestation(json_t *mandate, const char *file)
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

/* The draft the usager identified on, confirmed: the mandate. */
static json_t *confirm(const struct ac_signing *s, const char *path, json_t *draft)
{
	const char *state = json_string_value(json_object_get(draft, "state"));
	if (!strcmp(state, "expired"))
		ac_die(AC_EXIT_SOME, "the signing link expired before the usager identified; run the "
		       "command again");
	if (!strcmp(state, "used"))
		ac_die(AC_EXIT_SOME, "this draft was already confirmed (from another terminal?): see "
		       "ac-mandate-list");
	if (!strcmp(state, "other_usager"))
		ac_die(AC_EXIT_SOME, "other_usager: FranceConnect identified someone else than the "
		       "usager of mandate %lld; nothing was renewed",
		       (long long)json_integer_value(json_object_get(draft, "renewal_of")));
	if (strcmp(state, "identified"))
		ac_die(AC_EXIT_TEMP, "acd says the draft is \"%s\", which this tool does not know; "
		       "run the command again", state);
	show_identified(draft);
	if (!s->confirmed && consent(draft, s->no_credentials_kept) != 1)
		ac_die(AC_EXIT_SOME, "consent not confirmed: no mandate was created");
	char url[300];
	snprintf(url, sizeof url, "%s/confirm", path);
	json_t *body = json_pack("{s:b}", "consent", 1), *mandate = NULL;
	if (s->no_credentials_kept)
		json_object_set_new(body, "no_credentials_kept", json_true());
	long st = ac_post_code(url, body, s->code, &mandate);
	json_decref(body);
	if (ac_code_refused(st, mandate))
		ac_die(AC_EXIT_SOME, "%s; no mandate was created: run the command again", json_string_value(
			       json_object_get(json_object_get(mandate, "error"), "message")) ?: "code refused");
	if (st < 200 || st >= 300)
		ac_die_reply(st, mandate);
	if (json_is_true(json_object_get(mandate, "remote")) &&
	    !json_is_true(json_object_get(mandate, "attestation_sent")))
		ac_warn("the attestation could not be mailed to the usager%s%s: ac-reminders-send "
			"tries again", json_object_get(mandate, "attestation_mail_error") ? ": " : "",
			json_string_value(json_object_get(mandate, "attestation_mail_error")) ?: "");
	return mandate;
}

json_t *ac_sign_draft(json_t *draft, const struct ac_signing *s)
{
	char path[256];
	draft_path(draft, path, sizeof path);
	show_link(draft, s->send_to, s->open_it);
	json_t *identified = wait_for_usager(path);
	json_t *mandate = confirm(s, path, identified);
	json_decref(identified);
	return mandate;
}
