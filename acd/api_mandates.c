/* api_mandates.c — the structure's mandates, seen by its aidants only:
 *   GET  /v1/mandates            NDJSON, filtered, a page at a time
 *   GET  /v1/mandates/{id}
 *   POST /v1/mandates/revoke     (bulk) some or all démarches
 *   POST /v1/mandates/renew      a new mandate for a known usager, with a code */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "code_check.h"
#include "log.h"
#include "jbuf.h"
#include "draft.h"
#include "mandate.h"
#include "server.h"
#include "ac.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 500

enum status_filter { ST_ANY, ST_ACTIVE, ST_EXPIRED, ST_REVOKED };

/* One structure at a time, so the index on (structure_id, id) gives the order
 * and a page costs its own rows only.  The caller's aidant membership is
 * checked again in the query. */
static const char page_sql[] =
	"SELECT " MANDATE_COLS MANDATE_FROM
	" WHERE m.structure_id = $1 AND m.id > $2 AND $1 IN (SELECT ms.structure_id"
	"   FROM memberships ms JOIN structures s ON s.id = ms.structure_id"
	"   WHERE ms.account_id = $3 AND ms.active = 1 AND ms.is_aidant = 1 AND s.active = 1)"
	" AND ($4 = 0 OR m.usager_id = $4)"
	" AND ($5 = 0 OR ($5 = 1 AND m.revoked_at IS NULL AND m.expires_at > $6)"
	"   OR ($5 = 2 AND m.revoked_at IS NULL AND m.expires_at <= $6)"
	"   OR ($5 = 3 AND m.revoked_at IS NOT NULL))"
	" AND ($7 = 0 OR (m.revoked_at IS NULL AND m.expires_at > $6 AND m.expires_at <= $7))"
	" AND ($8 = 1 OR COALESCE(m.revoked_at, m.expires_at) > $9)"
	" AND ($10 = 0 OR m.account_id = $10)"
	" ORDER BY m.id LIMIT 500";
static const char auts_sql[] =
	"SELECT mandate_id, demarche, revoked_at FROM autorisations"
	" WHERE mandate_id >= $1 AND mandate_id <= $2 ORDER BY mandate_id, id";

struct cursor {
	int64_t account, usager, expiring_until, last;
	int64_t aidant;                      /* the signing aidant's account; 0: any; -1: none */
	int64_t structures[MAX_MEMBERSHIPS]; /* the caller's, as aidant, in order */
	int nstructures, at;
	int status, all;
	time_t now;
};

/* One page of mandates, then their autorisations merged in by id: the
 * mandates' heads are written first, the autorisations beside them, and each
 * line is put together at the end. */
static int fetch(void *state, store_conn *db, struct jbuf *out, int *end)
{
	struct cursor *c = state;
	int rc = STORE_DONE;
	struct jbuf heads = { 0 }, auts = { 0 };
	struct line { int64_t id; size_t head, head_end, aut, aut_end; const char *status; };
	struct line *lines = NULL;
	size_t n = 0;
	/* the rest of this structure; when it is done, the next one's first page */
	while (!n && c->at < c->nstructures) {
		store_stmt *st = store_prep(db, page_sql);
		store_bind_int(st, 1, c->structures[c->at]);
		store_bind_int(st, 2, c->last);
		store_bind_int(st, 3, c->account);
		store_bind_int(st, 4, c->usager);
		store_bind_int(st, 5, c->status);
		store_bind_int(st, 6, c->now);
		store_bind_int(st, 7, c->expiring_until);
		store_bind_int(st, 8, c->all);
		store_bind_int(st, 9, c->now - LIST_WINDOW);
		store_bind_int(st, 10, c->aidant);
		lines = realloc(lines, PAGE * sizeof *lines);
		while ((rc = store_step(st)) == STORE_ROW) {
			struct line *l = &lines[n++];
			l->id = store_col_int(st, 0);
			l->head = heads.len;
			l->status = mandate_head(&heads, st, c->now);
			l->head_end = heads.len;
			l->aut = l->aut_end = 0;
		}
		if (rc != STORE_DONE)
			break;
		c->last = n ? lines[n - 1].id : 0;
		if (n < PAGE) {
			c->at++;
			c->last = 0;
		}
	}
	if (rc == STORE_DONE && n) {
		store_stmt *st = store_prep(db, auts_sql);
		store_bind_int(st, 1, lines[0].id);
		store_bind_int(st, 2, lines[n - 1].id);
		size_t i = 0;
		while ((rc = store_step(st)) == STORE_ROW) {
			int64_t mid = store_col_int(st, 0);
			while (i < n && lines[i].id < mid)
				i++;
			if (i == n || lines[i].id != mid)
				continue; /* another structure's, or filtered out */
			if (lines[i].aut_end == 0)
				lines[i].aut = auts.len;
			mandate_aut(&auts, lines[i].aut_end == 0, st, 1, lines[i].status);
			lines[i].aut_end = auts.len;
		}
	}
	if (rc == STORE_DONE)
		for (size_t i = 0; i < n; i++) {
			jb_bytes(out, heads.p + lines[i].head, lines[i].head_end - lines[i].head);
			if (lines[i].aut_end)
				jb_bytes(out, auts.p + lines[i].aut, lines[i].aut_end - lines[i].aut);
			jb_raw(out, "]}\n");
		}
	free(lines);
	jb_free(&heads);
	jb_free(&auts);
	if (rc != STORE_DONE) {
		log_error("mandates: reading after id %lld: %s", (long long)c->last, store_errmsg(db));
		return -1;
	}
	*end = c->at >= c->nstructures;
	return 0;
}

/* A positive whole number from the query string, or 0 when absent; -1 bad. */
static int64_t query_id(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	if (!v)
		return 0;
	int64_t n = ac_text_id(v);
	return n ? n : -1;
}

/* ?aidant=EMAIL|me: the mandates that aidant signed.  An email without an
 * account lists nothing, as one with no mandate here would. */
static int aidant_filter(struct req *r, const char *v, int64_t *account)
{
	static const char q[] = "SELECT id FROM accounts WHERE email = $1";
	if (!strcmp(v, "me")) {
		*account = r->who.account;
		return 0;
	}
	char email[256];
	snprintf(email, sizeof email, "%s", v);
	if (strlen(v) >= sizeof email || ac_email_normalize(email))
		return reply_error(r, 400, "bad_filter", "aidant must be an email address or \"me\"");
	store_stmt *st = store_prep(r->db, q);
	store_bind_text(st, 1, email);
	*account = store_int_or(st, -1);
	return 0;
}

int api_mandate_list(struct req *r)
{
	struct cursor c = { .account = r->who.account, .now = r->now };
	int64_t structure = query_id(r, "structure"), usager = query_id(r, "usager");
	int64_t days = query_id(r, "expiring_within");
	const char *status = req_query(r, "status"), *all = req_query(r, "all");
	if (structure < 0 || usager < 0)
		return reply_error(r, 400, "bad_filter", "structure and usager must be ids (whole numbers)");
	if (days < 0 || days > 3650)
		return reply_error(r, 400, "bad_filter", "expiring_within must be 1 to 3650 days");
	if (status && !(c.status = !strcmp(status, "active") ? ST_ACTIVE : !strcmp(status, "expired")
				 ? ST_EXPIRED : !strcmp(status, "revoked") ? ST_REVOKED : 0))
		return reply_error(r, 400, "bad_filter", "status must be active, expired or revoked");
	if (all && strcmp(all, "1") && strcmp(all, "0"))
		return reply_error(r, 400, "bad_filter", "all must be 0 or 1");
	if (structure && !authz_aidant_of(r, structure))
		return reply_error(r, 404, "not_found", "no such structure: %lld", (long long)structure);
	for (int i = 0; i < r->who.nmember; i++)
		if (r->who.member[i].aidant && (!structure || r->who.member[i].structure == structure))
			c.structures[c.nstructures++] = r->who.member[i].structure;
	const char *aidant = req_query(r, "aidant");
	if (aidant && aidant_filter(r, aidant, &c.aidant))
		return r->status;
	c.usager = usager;
	c.expiring_until = days ? r->now + days * 86400 : 0;
	c.all = all && !strcmp(all, "1");
	struct cursor *h = malloc(sizeof *h);
	*h = c;
	return reply_text_pages(r, fetch, h, free, "the list");
}

/* The mandate of the {id} segment as its structure's aidant sees it. */
int mandate_of_arg(struct req *r, int64_t *id)
{
	int64_t n = ac_text_id(r->arg);
	int64_t s = n ? mandate_structure(r->db, n) : 0;
	if (!s || !authz_aidant_of(r, s))
		return reply_error(r, 404, "not_found", "no such mandate: %s", r->arg);
	*id = n;
	return 0;
}

int api_mandate_show(struct req *r)
{
	int64_t id;
	if (mandate_of_arg(r, &id))
		return r->status;
	json_t *m = mandate_json(r->db, id, r->now);
	return m ? reply_json(r, 200, m) : reply_error(r, 404, "not_found", "no such mandate");
}

static int revoke_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	int64_t id = jint(in, "id", 0);
	char which[DEMARCHES_MAX];
	json_t *d = json_object_get(in, "demarches");
	if (d && demarches_parse(d, NULL, which, f))
		return -1;
	return mandate_revoke(t, id, d ? which : NULL, out, f);
}

int api_mandate_revoke(struct req *r)
{
	return run_items(r, body_mandate_revoke, revoke_one);
}

struct renewal {
	int64_t usager, structure, latest, mandate;
	char demarches[DEMARCHES_MAX];
	const char *duration;
	char link_email[256];   /* a renewal at a distance: a draft whose link goes there */
	struct draft_new draft;
	struct code_attempt a;
	struct fail f;
	int refused;
};

/* The usager is known to the structure, and their latest mandate with it is
 * still within reach (active, or ended less than 365 days ago): x->latest. */
static int renewable(struct txn *t, struct renewal *x)
{
	static const char latest[] =
		"SELECT MAX(id) FROM mandates WHERE usager_id = $1 AND structure_id = $2"
		" AND COALESCE(revoked_at, expires_at) > $3";
	static const char known[] = "SELECT COUNT(*) FROM mandates WHERE usager_id = $1"
				    " AND structure_id = $2";
	store_stmt *st = store_prep(t->db, known);
	store_bind_int(st, 1, x->usager);
	store_bind_int(st, 2, x->structure);
	if (store_int_or(st, 0) == 0)
		return fail_set(&x->f, 404, "not_found", "no such usager: %lld", (long long)x->usager);
	st = store_prep(t->db, latest);
	store_bind_int(st, 1, x->usager);
	store_bind_int(st, 2, x->structure);
	store_bind_int(st, 3, t->now - LIST_WINDOW);
	x->latest = store_int_or(st, 0);
	if (!x->latest)
		return fail_set(&x->f, 409, "renewal_not_allowed",
				"the usager's last mandate with this structure ended more than 365 days "
				"ago: sign a new one with ac-mandate-new (FranceConnect identification)");
	return demarches_offered(t->db, x->structure, x->demarches, &x->f);
}

static int renew_work(struct txn *t, void *arg)
{
	struct renewal *x = arg;
	x->refused = 0;
	if (renewable(t, x))
		return -1;
	if (*x->link_email) { /* at a distance: FranceConnect again, then the confirmation */
		x->draft = (struct draft_new){ .structure = x->structure, .account = t->r->who.account,
					       .renewal_of = x->latest, .demarches = x->demarches,
					       .duration = x->duration, .link_email = x->link_email };
		return draft_insert(t, &x->draft);
	}
	int rc = code_check(t, &x->a);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		x->refused = 1;
		return 0;
	}
	struct mandate_new m = { .structure = x->structure, .usager = x->usager,
				 .account = t->r->who.account, .renewal_of = x->latest,
				 .demarches = x->demarches, .duration = x->duration };
	if (mandate_create(t, &m, &x->mandate))
		return -1;
	return mandate_renew_journal(t, &m, x->mandate);
}

int api_mandate_renew(struct req *r)
{
	struct renewal x = { 0 };
	json_t *in = req_object(r, body_mandate_renew, &x.f);
	if (!in)
		return reply_fail(r, &x.f);
	char code[16];
	snprintf(code, sizeof code, "%s", jstr(in, "code", ""));
	x.usager = jint(in, "usager", 0);
	int ok = demarches_parse(json_object_get(in, "demarches"), NULL, x.demarches, &x.f) == 0 &&
		 duration_parse(jstr(in, "duration", ""), &x.f) >= 0 &&
		 field_link_email(in, x.link_email, &x.f) == 0 &&
		 aidant_structure(r, jint(in, "structure", 0), &x.structure, &x.f) == 0;
	x.duration = ok ? duration_code(jstr(in, "duration", "")) : NULL;
	int has_code = json_object_get(in, "code") != NULL;
	int bad_code = strlen(jstr(in, "code", "")) >= sizeof code || !ac_code_valid(code);
	json_decref(in);
	if (!ok)
		return reply_fail(r, &x.f);
	if (*x.link_email && has_code)
		return reply_error(r, 400, "bad_request",
				   "a renewal at a distance takes no code now: the aidant confirms the "
				   "draft with one once the usager has identified");
	if (!*x.link_email && !has_code)
		return reply_error(r, 400, "missing_field", "\"code\" is required (or \"send_link\")");
	if (!*x.link_email && bad_code)
		return reply_error(r, 400, "bad_code", "\"code\" must be the 6 or 8 digits the card shows");
	if (*x.link_email && draft_check_sendable(r, x.link_email))
		return r->status;
	x.a = (struct code_attempt){ .account = r->who.account, .email = r->who.email, .code = code,
				     .purpose = "mandate_renew" };
	int rc = txn_run(r, 1, renew_work, &x);
	sodium_memzero(code, sizeof code);
	if (rc != 0)
		return r->status ? r->status : reply_fail(r, x.f.status ? &x.f : &(struct fail){
			500, "internal", "the mandate could not be renewed" });
	if (*x.link_email)
		return draft_reply_opened(r, &x.draft);
	if (x.refused)
		return reply_fail(r, &x.a.f);
	json_t *m = mandate_json(r->db, x.mandate, r->now);
	return m ? reply_json(r, 201, m) : reply_error(r, 500, "internal", "the mandate vanished");
}
