/* purge.c — retention (purge.h).  The steps run in order, in one
 * transaction: first what expired (sessions, tokens, codes, requests, drafts,
 * unconfirmed applications), then the mandates ended mandate_years ago with
 * everything that hangs on them (uses, codes, autorisations, revocations,
 * reminders), then the usagers nothing refers to any more.  The journal's
 * entries about a mandate or an usager are erased just before it goes: actor,
 * subject and details become "erased", erased_at says when, and seq, time,
 * action, structure, digest and chain stay.  Every statement is portable SQL
 * with one or two parameters; the secure deletion is the store's. */
#include "purge.h"
#include "txn.h"
#include "ac.h"

#include <string.h>
#include <time.h>

enum value { NOW, MANDATE_CUT, DRAFT_CUT, APPLICATION_CUT, NONE };

struct step {
	const char *count;      /* the key its changes add to; NULL: not counted */
	const char *sql;
	enum value a, b;        /* $1 and $2 */
};

/* A mandate ended before $N: over, or revoked whole. */
#define ENDED(n) " (expires_at <= $" #n " OR revoked_at <= $" #n ")"
#define ENDED_IDS(n) " (SELECT id FROM mandates WHERE" ENDED(n) ")"
/* An usager nothing refers to: no mandate, draft, request or session. */
#define UNREFERENCED(u)                                                                         \
	" NOT EXISTS (SELECT 1 FROM mandates m WHERE m.usager_id = " u ".id)"                 \
	" AND NOT EXISTS (SELECT 1 FROM mandate_drafts d WHERE d.usager_id = " u ".id)"       \
	" AND NOT EXISTS (SELECT 1 FROM oidc_requests q WHERE q.usager_id = " u ".id)"        \
	" AND NOT EXISTS (SELECT 1 FROM usager_sessions s WHERE s.usager_id = " u ".id)"
#define ERASE " UPDATE journal SET actor = 'erased', subject = 'erased', details = '{}'," \
	      " erased_at = $1 WHERE erased_at IS NULL AND "

static const struct step steps[] = {
	{ "sessions", "DELETE FROM sessions WHERE expires_at <= $1", NOW, NONE },
	{ "usager_sessions", "DELETE FROM usager_sessions WHERE expires_at <= $1", NOW, NONE },
	{ "usager_logins", "DELETE FROM usager_logins WHERE expires_at <= $1", NOW, NONE },
	{ "api_tokens", "DELETE FROM api_tokens WHERE expires_at <= $1", NOW, NONE },
	{ "oidc_requests", "DELETE FROM oidc_requests WHERE expires_at <= $1", NOW, NONE },
	/* a code that gave a token is the record of a use: it goes with its mandate */
	{ "oidc_codes", "DELETE FROM oidc_codes WHERE expires_at <= $1 AND NOT EXISTS"
			" (SELECT 1 FROM oidc_tokens k WHERE k.code_id = oidc_codes.id)", NOW, NONE },
	{ "drafts", "DELETE FROM mandate_drafts WHERE created_at <= $1", DRAFT_CUT, NONE },
	{ "applications", "DELETE FROM structure_requests WHERE status = 'draft'"
			  " AND created_at <= $1", APPLICATION_CUT, NONE },

	{ "journal_erased", ERASE "(subject IN (SELECT 'mandate:' || CAST(id AS TEXT) FROM mandates"
			    " WHERE" ENDED(2) ") OR subject IN (SELECT 'code:' || CAST(c.id AS TEXT)"
			    " FROM oidc_codes c WHERE c.mandate_id IN" ENDED_IDS(2) "))",
	  NOW, MANDATE_CUT },
	{ "reminders", "DELETE FROM reminders WHERE mandate_id IN" ENDED_IDS(1), MANDATE_CUT, NONE },
	{ "uses", "DELETE FROM oidc_tokens WHERE mandate_id IN" ENDED_IDS(1), MANDATE_CUT, NONE },
	{ "oidc_codes", "DELETE FROM oidc_codes WHERE mandate_id IN" ENDED_IDS(1), MANDATE_CUT, NONE },
	{ "autorisations", "DELETE FROM autorisations WHERE mandate_id IN" ENDED_IDS(1),
	  MANDATE_CUT, NONE },
	{ "revocations", "DELETE FROM revocations WHERE mandate_id IN" ENDED_IDS(1), MANDATE_CUT, NONE },
	/* a renewal kept outlives the mandate it renewed */
	{ NULL, "UPDATE mandates SET renewal_of = NULL WHERE renewal_of IN" ENDED_IDS(1),
	  MANDATE_CUT, NONE },
	{ NULL, "UPDATE mandate_drafts SET renewal_of = NULL WHERE renewal_of IN" ENDED_IDS(1),
	  MANDATE_CUT, NONE },
	{ "mandates", "DELETE FROM mandates WHERE" ENDED(1), MANDATE_CUT, NONE },

	{ "journal_erased", ERASE "(subject IN (SELECT 'usager:' || CAST(u.id AS TEXT) FROM usagers u"
			    " WHERE" UNREFERENCED("u") ") OR actor IN (SELECT 'usager:' ||"
			    " CAST(u.id AS TEXT) FROM usagers u WHERE" UNREFERENCED("u") "))",
	  NOW, NONE },
	{ "usagers", "DELETE FROM usagers WHERE" UNREFERENCED("usagers"), NONE, NONE },
	{ 0 }
};

static const char *const kinds[] = { "mandates", "usagers", "autorisations", "revocations", "uses",
				     "reminders", "drafts", "sessions", "usager_sessions",
				     "usager_logins", "api_tokens", "oidc_codes", "oidc_requests",
				     "applications", "journal_erased", NULL };

struct work {
	const struct purge_policy *p;
	int64_t v[NONE];
	json_t *counts;
	int done;               /* the steps ran: a dry run's rollback is no failure */
};

/* t - years, on the calendar (29 February becomes 1 March). */
static int64_t years_before(time_t t, int years)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	tm.tm_year -= years;
	return (int64_t)timegm(&tm);
}

static int purge_work(struct txn *t, void *arg)
{
	struct work *w = arg;
	t->actor = "acd";
	for (size_t i = 0; kinds[i]; i++)
		json_object_set_new(w->counts, kinds[i], json_integer(0));
	for (const struct step *s = steps; s->sql; s++) {
		store_stmt *st = store_prep(t->db, s->sql);
		if (s->a != NONE)
			store_bind_int(st, 1, w->v[s->a]);
		if (s->b != NONE)
			store_bind_int(st, 2, w->v[s->b]);
		if (store_exec(st) != STORE_DONE)
			return -1;
		if (s->count) {
			json_t *n = json_object_get(w->counts, s->count);
			json_integer_set(n, json_integer_value(n) + store_changes(t->db));
		}
	}
	w->done = 1;
	if (w->p->dry_run)
		return 1; /* counted: nothing kept */
	json_int_t total = 0;
	const char *k;
	json_t *n;
	json_object_foreach(w->counts, k, n)
		total += json_integer_value(n);
	if (!total)
		return 0; /* nothing purged: nothing to journal */
	json_t *d = json_pack("{s:O,s:{s:i,s:i,s:i}}", "counts", w->counts, "policy",
			      "mandate_years", w->p->mandate_years, "draft_days", w->p->draft_days,
			      "application_days", w->p->application_days);
	return journal_append(t, "purge", 0, "retention", d);
}

int purge_run(struct req *r, const struct purge_policy *p, json_t **counts)
{
	struct work w = { p, { 0 }, json_object(), 0 };
	w.v[NOW] = r->now;
	w.v[MANDATE_CUT] = years_before(r->now, p->mandate_years);
	w.v[DRAFT_CUT] = r->now - (int64_t)p->draft_days * 86400;
	w.v[APPLICATION_CUT] = r->now - (int64_t)p->application_days * 86400;
	if (store_secure_delete(r->db) || (txn_run(r, 1, purge_work, &w) != 0 && !(p->dry_run && w.done))) {
		json_decref(w.counts);
		return -1;
	}
	*counts = w.counts;
	return 0;
}
