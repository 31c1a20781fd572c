/* journal_query.c — GET /v1/journal's filters.  Times are normalized to the
 * stored form so the SQL compares text, the same on every engine. */
#include "journal_query.h"
#include "ac.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* n digits at *p, advancing it; -1 when they are not there. */
static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int journal_time_parse(const char *in, int end_of_day, char out[24])
{
	const char *p = in;
	struct tm tm = { 0 };
	int y = digits(&p, 4), mo, d, h = 0, mi = 0, s = 0, offset = 0;
	if (y < 0 || expect(&p, '-') || (mo = digits(&p, 2)) < 0 || expect(&p, '-') ||
	    (d = digits(&p, 2)) < 0)
		return -1;
	if (!*p && end_of_day) {
		h = 23;
		mi = 59;
		s = 59;
	} else if (*p) {
		if ((*p != 'T' && *p != ' ') || (p++, (h = digits(&p, 2)) < 0) || expect(&p, ':') ||
		    (mi = digits(&p, 2)) < 0)
			return -1;
		if (*p == ':' && (p++, (s = digits(&p, 2)) < 0))
			return -1;
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om;
			if ((oh = digits(&p, 2)) < 0 || expect(&p, ':') || (om = digits(&p, 2)) < 0 ||
			    oh > 23 || om > 59)
				return -1;
			offset = sign * (oh * 3600 + om * 60);
		}
		if (*p)
			return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	time_t t = timegm(&tm);
	if (tm.tm_mday != d || tm.tm_mon != mo - 1) /* timegm moved 30 February on */
		return -1;
	t -= offset;
	struct tm utc;
	gmtime_r(&t, &utc);
	return strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &utc) == 20 ? 0 : -1;
}

static int action_word(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n >= sizeof ((struct journal_filter *)0)->action)
		return 0;
	for (const char *p = v; *p; p++)
		if (!(islower((unsigned char)*p) || *p == '_'))
			return 0;
	return 1;
}

/* The actors that are not accounts: an usager acting in their space
 * ("usager:12"), a client taking its tokens ("client:ac_1f..."), an API
 * token ("token:3"). */
static int other_actor(const char *v)
{
	const char *rest = !strncmp(v, "usager:", 7) ? v + 7 : !strncmp(v, "client:", 7) ? v + 7
			 : !strncmp(v, "token:", 6) ? v + 6 : NULL;
	if (!rest || !*rest || strlen(rest) > 64)
		return 0;
	for (const char *c = rest; *c; c++)
		if (!(isdigit((unsigned char)*c) || (v[0] == 'c' && ((*c >= 'a' && *c <= 'z') || *c == '_'))))
			return 0;
	return 1;
}

int journal_filter_set(struct journal_filter *f, const char *name, const char *value, char *why,
		       size_t whylen)
{
	if (!value)
		value = "";
	if (!strcmp(name, "since") || !strcmp(name, "until")) {
		int until = name[0] == 'u';
		if (journal_time_parse(value, until, until ? f->until : f->since) == 0)
			return 0;
		snprintf(why, whylen, "%s: \"%.40s\" is not an ISO 8601 date or time "
			 "(as in 2024-05-01 or 2024-05-01T14:30:00Z)", name, value);
		return -1;
	}
	if (!strcmp(name, "action")) {
		if (action_word(value)) {
			snprintf(f->action, sizeof f->action, "%s", value);
			return 0;
		}
		snprintf(why, whylen, "action: \"%.40s\" is not an action (one word, as in login_failed)",
			 value);
		return -1;
	}
	if (!strcmp(name, "structure") || !strcmp(name, "usager")) {
		int64_t id = ac_text_id(value);
		if (id) {
			*(name[0] == 's' ? &f->structure : &f->usager) = id;
			return 0;
		}
		snprintf(why, whylen, "%s: \"%.40s\" is not %s id (a whole number)", name, value,
			 name[0] == 's' ? "a structure" : "an usager");
		return -1;
	}
	if (!strcmp(name, "actor")) {
		char email[256];
		snprintf(email, sizeof email, "%s", value);
		if (strlen(value) < sizeof email &&
		    (!strcmp(email, "anonymous") || ac_email_normalize(email) == 0 || other_actor(value))) {
			snprintf(f->actor, sizeof f->actor, "%s", email);
			return 0;
		}
		snprintf(why, whylen, "actor: \"%.60s\" is not an email address, usager:ID, client:CLIENT_ID or token:ID",
			 value);
		return -1;
	}
	snprintf(why, whylen, "unknown filter \"%.40s\" (since, until, action, structure, actor, usager)", name);
	return -1;
}
