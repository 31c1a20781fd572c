/* journal_query.c — GET /v1/journal's filters: ISO 8601 times normalized to
 * the stored text, and every bad filter refused. */
#include "journal_query.h"
#include "tap.h"

static void t(const char *in, int end, const char *want)
{
	char out[24] = "";
	int rc = journal_time_parse(in, end, out);
	if (want)
		ok(rc == 0 && !strcmp(out, want), "\"%s\"%s -> %s (got %s)", in, end ? " (until)" : "",
		   want, out);
	else
		ok(rc != 0, "\"%s\" is refused", in);
}

static int set(const char *name, const char *value, struct journal_filter *f)
{
	char why[300];
	return journal_filter_set(f, name, value, why, sizeof why);
}

int main(void)
{
	t("2024-05-01", 0, "2024-05-01T00:00:00Z");
	t("2024-05-01", 1, "2024-05-01T23:59:59Z");
	t("2024-05-01T14:30:00Z", 0, "2024-05-01T14:30:00Z");
	t("2024-05-01T14:30Z", 0, "2024-05-01T14:30:00Z");
	t("2024-05-01T14:30:05", 1, "2024-05-01T14:30:05Z");
	t("2024-05-01T01:30:00+02:00", 0, "2024-04-30T23:30:00Z");
	t("2024-12-31T23:30:00-01:00", 0, "2025-01-01T00:30:00Z");
	t("2024-02-29", 0, "2024-02-29T00:00:00Z");
	t("2023-02-29", 0, NULL);
	t("2024-13-01", 0, NULL);
	t("2024-05-32", 0, NULL);
	t("2024-05-01T24:00:00Z", 0, NULL);
	t("2024-5-1", 0, NULL);
	t("yesterday", 0, NULL);
	t("", 0, NULL);
	t("2024-05-01T14:30:00Zjunk", 0, NULL);
	t("2024-05-01T14:30:00+2", 0, NULL);

	struct journal_filter f = { 0 };
	ok(set("structure", "12", &f) == 0 && f.structure == 12, "structure 12");
	ok(set("structure", "x", &f) && set("structure", "-1", &f) && set("structure", "0", &f) &&
	   set("structure", "1.5", &f) && set("structure", "", &f) && set("structure", " 1", &f),
	   "a structure must be a positive whole number");
	ok(set("actor", "Marie@Mairie.FR", &f) == 0 && !strcmp(f.actor, "marie@mairie.fr"),
	   "the actor is compared lower-case");
	ok(set("actor", "anonymous", &f) == 0, "anonymous is an actor");
	ok(set("actor", "not an email", &f), "a bad actor");
	ok(set("actor", "usager:12", &f) == 0 && !strcmp(f.actor, "usager:12"), "an usager is an actor");
	ok(set("actor", "client:ac_1f2e", &f) == 0 && !strcmp(f.actor, "client:ac_1f2e"), "a client is an actor");
	ok(set("actor", "usager:", &f) && set("actor", "usager:1a", &f) && set("actor", "client:AC-1", &f) &&
	   set("actor", "client:", &f) && set("actor", "robot:1", &f),
	   "usager:DIGITS and client:[a-z0-9_] only");
	ok(set("action", "login_failed", &f) == 0 && !strcmp(f.action, "login_failed"), "an action");
	ok(set("action", "Login; DROP", &f) && set("action", "", &f), "a bad action");
	ok(set("since", "2024-05-01", &f) == 0 && !strcmp(f.since, "2024-05-01T00:00:00Z"), "since");
	ok(set("until", "2024-05-01", &f) == 0 && !strcmp(f.until, "2024-05-01T23:59:59Z"), "until");
	ok(set("limit", "5", &f), "an unknown filter");
	ok(set("since", NULL, &f), "a filter without a value");
	return tap_done();
}
