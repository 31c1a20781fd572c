/* api_journal.c — GET /v1/journal: the journal as NDJSON, one entry per line
 * with its digest and chain, streamed a page at a time.  Operators read it
 * all, référents the entries of their structures; no route changes an entry. */
#include "routes.h"
#include "auth.h"
#include "journal_query.h"
#include "journal_line.h"
#include "log.h"
#include "server.h"
#include "ac.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 500 /* entries a page */
#define STR(x) #x
#define XSTR(x) STR(x)
#define PAGE_TEXT XSTR(PAGE)

/* A NULL parameter means "no such filter"; the casts give PostgreSQL the
 * parameters' types. */
static const char page_sql[] =
	"SELECT " JOURNAL_COLUMNS " FROM journal WHERE seq > $1"
	" AND (CAST($2 AS TEXT) IS NULL OR time >= $2)"
	" AND (CAST($3 AS TEXT) IS NULL OR time <= $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR action = $4)"
	" AND (CAST($5 AS BIGINT) IS NULL OR structure_id = $5)"
	" AND (CAST($6 AS TEXT) IS NULL OR actor = $6)"
	" AND (CAST($7 AS BIGINT) IS NULL OR structure_id IN ("
	"   SELECT m.structure_id FROM memberships m JOIN structures s ON s.id = m.structure_id"
	"   WHERE m.account_id = $7 AND m.is_referent = 1 AND m.active = 1 AND s.active = 1))"
	/* an usager: their identification and uses, their own acts, their mandates' */
	" AND (CAST($8 AS BIGINT) IS NULL OR subject = $9 OR actor = $9 OR subject IN ("
	"   SELECT 'mandate:' || CAST(id AS TEXT) FROM mandates WHERE usager_id = $8))"
	" ORDER BY seq LIMIT " PAGE_TEXT;

struct cursor {
	struct journal_filter f;
	int64_t referent;       /* restrict to this référent's structures; 0: all */
	int64_t last;           /* keyset: the last seq sent */
};

static void bind_text_or_null(store_stmt *st, int i, const char *v)
{
	if (*v)
		store_bind_text(st, i, v);
	else
		store_bind_null(st, i);
}

static void bind_int_or_null(store_stmt *st, int i, int64_t v)
{
	if (v)
		store_bind_int(st, i, v);
	else
		store_bind_null(st, i);
}

/* The next page of entries after c->last. */
static int fetch(void *state, store_conn *db, json_t *page, int *end)
{
	struct cursor *c = state;
	store_stmt *st = store_prep(db, page_sql);
	store_bind_int(st, 1, c->last);
	bind_text_or_null(st, 2, c->f.since);
	bind_text_or_null(st, 3, c->f.until);
	bind_text_or_null(st, 4, c->f.action);
	bind_int_or_null(st, 5, c->f.structure);
	bind_text_or_null(st, 6, c->f.actor);
	bind_int_or_null(st, 7, c->referent);
	bind_int_or_null(st, 8, c->f.usager);
	char who[32];
	snprintf(who, sizeof who, "usager:%lld", (long long)c->f.usager);
	bind_text_or_null(st, 9, c->f.usager ? who : "");
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		json_array_append_new(page, journal_line(st));
		c->last = store_col_int(st, 0);
	}
	if (rc != STORE_DONE) {
		log_error("journal: reading after seq %lld: %s", (long long)c->last, store_errmsg(db));
		return -1;
	}
	*end = json_array_size(page) < PAGE;
	return 0;
}

struct parse {
	struct journal_filter *f;
	char why[300];
	int bad;
};

static enum MHD_Result each_param(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	struct parse *p = cls;
	if (journal_filter_set(p->f, key, value, p->why, sizeof p->why)) {
		p->bad = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

int api_journal(struct req *r)
{
	if (!authz_operator(r) && !authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden",
				   "only operators and référents read the journal");
	struct journal_filter f = { 0 };
	struct parse p = { .f = &f };
	MHD_get_connection_values(r->mc, MHD_GET_ARGUMENT_KIND, each_param, &p);
	if (p.bad)
		return reply_error(r, 400, "bad_filter", "%s", p.why);
	if (f.since[0] && f.until[0] && strcmp(f.since, f.until) > 0)
		return reply_error(r, 400, "bad_filter", "since (%s) is after until (%s)", f.since,
				   f.until);
	/* a structure one may not read answers as a missing one */
	if (f.structure && (!authz_referent_of(r, f.structure) || !structure_exists(r->db, f.structure)))
		return reply_error(r, 404, "not_found", "no such structure: %lld",
				   (long long)f.structure);
	struct cursor *c = calloc(1, sizeof *c);
	/* a token narrowed to one structure reads that one's entries only */
	if (r->who.token_structure && !f.structure)
		f.structure = r->who.token_structure;
	c->f = f;
	c->referent = authz_operator(r) || r->who.token_structure ? 0 : r->who.account;
	return reply_pages(r, fetch, c, free, "the journal");
}
