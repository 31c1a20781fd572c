/* api_inactive.c — POST /v1/aidants/inactive, the daily cron job of
 * ac-aidant-inactive (operators, référents for their structures, and their
 * aidants:write tokens):
 *   - an aidant idle for warn_after days (150 by default: no accepted code
 *     since the last login, or since the account was made or came back) and
 *     not warned since is warned by mail;
 *   - deactivate_after days (30) after the warning, one still idle leaves
 *     its structures, a departure like ac-aidant-deactivate with reason
 *     "inactivity", and the aidant and its référents are told by mail.
 * A login clears the warning (code_check.c).  As with the reminders, a
 * warning is claimed before its mail goes and recorded after it went, so a
 * run mails it once; a departure is recorded first and its notice kept due
 * (accounts.inactivity_notice) until a mail carried it.  Operators are never
 * deactivated this way. */
#include "routes.h"
#include "bodies.h"
#include "auth.h"
#include "departure.h"
#include "frdate.h"
#include "log.h"
#include "mail.h"
#include "txn.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLAIM_STALE 3600

enum act { WARN, DEPART, NOTICE };

struct idle {
	enum act act;
	int64_t account, last_login, idle_since, warned, claim;
	int has_login, n;
	int64_t structures[MAX_MEMBERSHIPS]; /* those the run acts on, or the notice's */
	char email[256], first[128], last[128];
};

struct run {
	int64_t warn_s, depart_s;
	int dry_run, failed;
	struct idle *v;
	size_t n, cap;
	json_t *lines;
};

static const char *const act_name[] = { "warn", "deactivate", "deactivate" };

/* "3,7" into the idle's structures. */
static void parse_ids(struct idle *d, const char *s)
{
	d->n = 0;
	for (char *end; *s && d->n < MAX_MEMBERSHIPS; s = *end ? end + 1 : end) {
		long long id = strtoll(s, &end, 10);
		if (end == s)
			break;
		d->structures[d->n++] = id;
	}
}

/* The account's active structures the caller is a référent of (all for an
 * operator); aidant_only: where it is an aidant. */
static int reach(struct req *r, struct idle *d, int aidant_only)
{
	static const char q[] = "SELECT structure_id, is_aidant FROM memberships"
				" WHERE account_id = $1 AND active = 1 ORDER BY structure_id";
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, d->account);
	d->n = 0;
	while (store_step(st) == STORE_ROW && d->n < MAX_MEMBERSHIPS) {
		int64_t s = store_col_int(st, 0);
		if ((!aidant_only || store_col_int(st, 1)) && authz_referent_of(r, s))
			d->structures[d->n++] = s;
	}
	return d->n;
}

/* What is due now, in the caller's reach: notices still to mail, departures,
 * warnings. */
static int collect(struct req *r, struct run *x)
{
	static const char q[] =
		"SELECT a.id, a.email, a.first_name, a.last_name, a.last_login_at, a.idle_since,"
		" a.inactivity_warned_at, a.inactivity_notice FROM accounts a"
		" WHERE a.is_operator = 0"
		" AND (a.inactivity_claimed_at IS NULL OR a.inactivity_claimed_at <= $1)"
		" AND (a.inactivity_notice IS NOT NULL"
		"  OR (a.active = 1 AND EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = a.id"
		"      AND m.active = 1 AND m.is_aidant = 1)"
		"   AND ((a.inactivity_warned_at IS NULL AND a.idle_since <= $2)"
		"    OR a.inactivity_warned_at <= $3)))"
		" ORDER BY a.email";
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, r->now - CLAIM_STALE);
	store_bind_int(st, 2, r->now - x->warn_s);
	store_bind_int(st, 3, r->now - x->depart_s);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		if (x->n == x->cap) {
			size_t cap = x->cap ? 2 * x->cap : 64;
			struct idle *v = realloc(x->v, cap * sizeof *v);
			if (!v)
				return -1;
			x->v = v;
			x->cap = cap;
		}
		struct idle *d = &x->v[x->n];
		memset(d, 0, sizeof *d);
		d->account = store_col_int(st, 0);
		snprintf(d->email, sizeof d->email, "%s", store_col_text(st, 1));
		snprintf(d->first, sizeof d->first, "%s", store_col_text(st, 2));
		snprintf(d->last, sizeof d->last, "%s", store_col_text(st, 3));
		d->has_login = !store_col_null(st, 4);
		d->last_login = store_col_int(st, 4);
		d->idle_since = store_col_int(st, 5);
		d->warned = store_col_null(st, 6) ? 0 : store_col_int(st, 6);
		if (!store_col_null(st, 7)) {
			d->act = NOTICE;
			parse_ids(d, store_col_text(st, 7));
			int mine = 0;
			for (int i = 0; i < d->n; i++)
				mine |= authz_referent_of(r, d->structures[i]);
			if (!mine)
				continue;
		} else {
			d->act = d->warned ? DEPART : WARN;
			/* a warning is the person's: any of its référents may send it */
			if (!reach(r, d, d->act == WARN))
				continue;
		}
		x->n++;
	}
	return rc == STORE_DONE ? 0 : -1;
}

/* Who hears of it: the aidant, and for a departure the active référents of
 * the structures it left. */
static json_t *recipients(store_conn *db, const struct idle *d)
{
	static const char q[] = "SELECT DISTINCT a.email FROM memberships m"
				" JOIN accounts a ON a.id = m.account_id"
				" WHERE m.structure_id = $1 AND m.active = 1 AND m.is_referent = 1"
				" AND a.active = 1 AND a.id <> $2 ORDER BY a.email";
	json_t *to = json_pack("[s]", d->email);
	for (int i = 0; d->act != WARN && i < d->n; i++) {
		store_stmt *st = store_prep(db, q);
		store_bind_int(st, 1, d->structures[i]);
		store_bind_int(st, 2, d->account);
		while (store_step(st) == STORE_ROW) {
			const char *e = store_col_text(st, 0);
			size_t k;
			json_t *v;
			int seen = 0;
			json_array_foreach(to, k, v)
				seen |= !strcmp(json_string_value(v), e);
			if (!seen)
				json_array_append_new(to, json_string(e));
		}
	}
	return to;
}

static json_t *structures_json(const struct idle *d)
{
	json_t *a = json_array();
	for (int i = 0; i < d->n; i++)
		json_array_append_new(a, json_integer(d->structures[i]));
	return a;
}

static json_t *time_or_null(int has, int64_t t)
{
	char iso[32];
	if (!has)
		return json_null();
	iso_time((time_t)t, iso);
	return json_string(iso);
}

/* "le 3 mars 2026" of the last login, or of the account's start. */
static void since_text(const struct idle *d, char *out, size_t len)
{
	char day[64];
	fr_date((time_t)(d->has_login ? d->last_login : d->idle_since), day, sizeof day);
	snprintf(out, len, "%s le %s", d->has_login ? "depuis votre dernière connexion," : "depuis l'ouverture de votre compte,", day);
}

static char *message(store_conn *db, const struct idle *d, int64_t now, int64_t depart_s)
{
	static const char qn[] = "SELECT name FROM structures WHERE id = $1";
	char *text = NULL, since[160], day[64];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	since_text(d, since, sizeof since);
	if (d->act == WARN) {
		fr_date((time_t)(now + depart_s), day, sizeof day);
		fprintf(f, "Bonjour %s %s,\n\nVous ne vous êtes pas connecté(e) à Aidants Connect %s.\n"
			   "Sans connexion de votre part d'ici le %s, votre compte sera désactivé : "
			   "vous ne pourrez plus agir pour les usagers, et votre carte sera libérée.\n\n"
			   "Pour garder votre compte, il suffit de vous connecter une fois avec votre "
			   "carte (ac-login, ou une démarche en ligne avec Aidants Connect).\n",
			d->first, d->last, since, day);
	} else {
		fr_date((time_t)now, day, sizeof day);
		fprintf(f, "Bonjour,\n\nLe compte Aidants Connect de %s %s (%s) a été désactivé le %s "
			   "faute de connexion, un mois après un avertissement resté sans suite. Il a "
			   "quitté :\n", d->first, d->last, d->email, day);
		for (int i = 0; i < d->n; i++) {
			store_stmt *st = store_prep(db, qn);
			store_bind_int(st, 1, d->structures[i]);
			fprintf(f, "- %s (structure n° %lld)\n",
				store_step(st) == STORE_ROW ? store_col_text(st, 0) : "?",
				(long long)d->structures[i]);
		}
		fprintf(f, "\nSes cartes ont été libérées et ses sessions fermées. Ses mandats restent "
			   "ceux de la structure. S'il reprend son activité, un référent peut le "
			   "réactiver :\n  ac-aidant-add --structure %lld --email %s --first-name ... "
			   "--last-name ...\n", (long long)d->structures[0], d->email);
	}
	fputs("\nAidants Connect\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

struct step {
	struct run *x;
	struct idle *d;
	int ok;                 /* the claim taken; the departure made; the mail recorded */
};

/* A warning's claim, while nothing changed since the list was read. */
static int claim_warn(struct txn *t, void *arg)
{
	static const char up[] = "UPDATE accounts SET inactivity_claimed_at = $1 WHERE id = $2"
				 " AND active = 1 AND inactivity_warned_at IS NULL AND idle_since <= $3"
				 " AND inactivity_notice IS NULL"
				 " AND (inactivity_claimed_at IS NULL OR inactivity_claimed_at <= $4)";
	struct step *s = arg;
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, s->d->account);
	store_bind_int(st, 3, t->now - s->x->warn_s);
	store_bind_int(st, 4, t->now - CLAIM_STALE);
	if (store_exec(st) != STORE_DONE)
		return -1;
	s->ok = store_changes(t->db) == 1;
	s->d->claim = t->now;
	return 0;
}

/* A pending notice's claim. */
static int claim_notice(struct txn *t, void *arg)
{
	static const char up[] = "UPDATE accounts SET inactivity_claimed_at = $1 WHERE id = $2"
				 " AND inactivity_notice IS NOT NULL"
				 " AND (inactivity_claimed_at IS NULL OR inactivity_claimed_at <= $3)";
	struct step *s = arg;
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, s->d->account);
	store_bind_int(st, 3, t->now - CLAIM_STALE);
	if (store_exec(st) != STORE_DONE)
		return -1;
	s->ok = store_changes(t->db) == 1;
	s->d->claim = t->now;
	return 0;
}

/* The departure, if the warning still stands (no login since), with its
 * notice due and claimed for the mail that follows. */
static int depart(struct txn *t, void *arg)
{
	static const char q[] = "SELECT inactivity_warned_at FROM accounts WHERE id = $1 AND active = 1"
				" AND inactivity_notice IS NULL AND inactivity_warned_at <= $2"
				" AND (inactivity_claimed_at IS NULL OR inactivity_claimed_at <= $3)";
	static const char up[] = "UPDATE accounts SET inactivity_notice = $1, inactivity_claimed_at = $2"
				 " WHERE id = $3";
	struct step *s = arg;
	struct idle *d = s->d;
	store_stmt *st = store_prep(t->db, q);
	store_bind_int(st, 1, d->account);
	store_bind_int(st, 2, t->now - s->x->depart_s);
	store_bind_int(st, 3, t->now - CLAIM_STALE);
	if (store_step(st) != STORE_ROW)
		return 0; /* logged in meanwhile, or another run did it */
	if (!reach(t->r, d, 0))
		return 0;
	char ids[MAX_MEMBERSHIPS * 21] = "", warned[32];
	size_t len = 0;
	for (int i = 0; i < d->n; i++)
		len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%lld", i ? "," : "",
					(long long)d->structures[i]);
	iso_time((time_t)d->warned, warned);
	json_t *why = json_pack("{s:s,s:o,s:s}", "reason", "inactivity", "last_login_at",
				time_or_null(d->has_login, d->last_login), "warned_at", warned);
	int remaining;
	int rc = departure_record(t, d->account, d->email, 0, d->structures, d->n, why, &remaining);
	json_decref(why);
	if (rc)
		return -1;
	st = store_prep(t->db, up);
	store_bind_text(st, 1, ids);
	store_bind_int(st, 2, t->now);
	store_bind_int(st, 3, d->account);
	if (store_exec(st) != STORE_DONE)
		return -1;
	d->claim = t->now;
	s->ok = 1;
	return 0;
}

/* After the mail: a warning recorded and journaled, a notice cleared; or,
 * when it failed, the claim dropped (due again at the next run). */
static int outcome(struct txn *t, void *arg)
{
	static const char warned[] = "UPDATE accounts SET inactivity_warned_at = $1,"
				     " inactivity_claimed_at = NULL WHERE id = $2"
				     " AND inactivity_claimed_at = $3 AND idle_since <= $4";
	static const char noticed[] = "UPDATE accounts SET inactivity_notice = NULL,"
				      " inactivity_claimed_at = NULL WHERE id = $1"
				      " AND inactivity_claimed_at = $2";
	static const char drop[] = "UPDATE accounts SET inactivity_claimed_at = NULL WHERE id = $1"
				   " AND inactivity_claimed_at = $2";
	struct step *s = arg;
	struct idle *d = s->d;
	store_stmt *st;
	if (!s->ok || d->act != WARN) {
		st = store_prep(t->db, s->ok ? noticed : drop);
		store_bind_int(st, 1, d->account);
		store_bind_int(st, 2, d->claim);
		return store_exec(st) == STORE_DONE ? 0 : -1;
	}
	st = store_prep(t->db, warned);
	store_bind_int(st, 1, t->now);
	store_bind_int(st, 2, d->account);
	store_bind_int(st, 3, d->claim);
	store_bind_int(st, 4, t->now - s->x->warn_s);
	if (store_exec(st) != STORE_DONE)
		return -1;
	if (store_changes(t->db) != 1) { /* a login came between: no warning stands */
		st = store_prep(t->db, drop);
		store_bind_int(st, 1, d->account);
		store_bind_int(st, 2, d->claim);
		return store_exec(st) == STORE_DONE ? 0 : -1;
	}
	char until[32];
	iso_time((time_t)(t->now + s->x->depart_s), until);
	return journal_append(t, "aidant_warn", account_home(t->db, d->account), d->email,
			      json_pack("{s:s,s:o,s:s}", "reason", "inactivity", "last_login_at",
					time_or_null(d->has_login, d->last_login),
					"deactivation_after", until));
}

/* Mails what d is due, and records the outcome; the line says what went. */
static void notify(struct req *r, struct run *x, struct idle *d, json_t *line)
{
	json_t *to = recipients(r->db, d);
	json_object_set(line, "recipients", to);
	size_t n = json_array_size(to), i;
	const char **addr = calloc(n, sizeof *addr);
	json_t *e;
	json_array_foreach(to, i, e)
		if (addr)
			addr[i] = json_string_value(e);
	char *body = message(r->db, d, r->now, x->depart_s), err[256] = "out of memory";
	int ok = body && addr &&
		 mail_send_many(addr, n, d->act == WARN
				? "=?utf-8?q?Aidants_Connect_:_votre_compte_sera_d=C3=A9sactiv=C3=A9?="
				: "=?utf-8?q?Aidants_Connect_:_compte_d=C3=A9sactiv=C3=A9_faute_de_connexion?=",
				body, NULL, err, sizeof err) == 0;
	free(body);
	free(addr);
	json_decref(to);
	struct step s = { x, d, ok };
	if (txn_run(r, 1, outcome, &s) != 0) {
		r->status = 0;
		log_error("inactivity %s of account %lld: %s, and not recorded", act_name[d->act],
			  (long long)d->account, ok ? "mailed" : "not mailed");
	}
	if (ok) {
		json_object_set_new(line, "sent", json_true());
		return;
	}
	log_error("inactivity %s of account %lld by mail: %s", act_name[d->act],
		  (long long)d->account, err);
	json_object_set_new(line, "error", json_string("mail_failed"));
	json_object_set_new(line, "message", json_string(err));
	x->failed++;
}

static void handle(struct req *r, struct run *x, struct idle *d)
{
	json_t *line = json_pack("{s:s,s:s,s:o,s:o,s:[],s:b,s:b}", "email", d->email, "action",
				 act_name[d->act], "last_login_at",
				 time_or_null(d->has_login, d->last_login), "structures",
				 structures_json(d), "recipients", "sent", 0, "changed", 0);
	if (x->dry_run) {
		json_object_set_new(line, "recipients", recipients(r->db, d));
		json_array_append_new(x->lines, line);
		return;
	}
	struct step s = { x, d, 0 };
	int (*first)(struct txn *, void *) = d->act == WARN ? claim_warn
					     : d->act == NOTICE ? claim_notice : depart;
	int rc = txn_run(r, 1, first, &s);
	r->status = 0;
	if (rc == 0 && !s.ok) { /* no longer due: a login, or another run */
		json_decref(line);
		return;
	}
	if (rc != 0) {
		json_object_set_new(line, "error", json_string("unavailable"));
		json_object_set_new(line, "message", json_string("the database was busy: due again"));
		x->failed++;
		json_array_append_new(x->lines, line);
		return;
	}
	if (d->act != NOTICE) {
		json_object_set_new(line, "changed", json_true());
		json_object_set_new(line, "structures", structures_json(d));
	}
	notify(r, x, d, line);
	json_array_append_new(x->lines, line);
}

int api_aidant_inactive(struct req *r)
{
	struct fail f = { 0 };
	json_t *in = req_object(r, body_aidant_inactive, &f);
	if (!in)
		return reply_fail(r, &f);
	int64_t warn = jint(in, "warn_after", 150), depart_days = jint(in, "deactivate_after", 30);
	struct run x = { .warn_s = warn * 86400, .depart_s = depart_days * 86400,
			 .dry_run = jbool(in, "dry_run", 0) };
	json_decref(in);
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden",
				   "only operators and référents deal with inactive accounts");
	if (warn < 1 || warn > 3650)
		return reply_error(r, 400, "bad_warn_after", "\"warn_after\" must be 1 to 3650 days");
	if (depart_days < 1 || depart_days > 365)
		return reply_error(r, 400, "bad_deactivate_after",
				   "\"deactivate_after\" must be 1 to 365 days");
	if (!x.dry_run && !mail_configured())
		return reply_error(r, 503, "mail_unconfigured",
				   "acd cannot send mail (see smtp-url in acd(8)): nothing done");
	x.lines = json_array();
	if (collect(r, &x)) {
		free(x.v);
		json_decref(x.lines);
		return reply_error(r, 503, "unavailable", "the database cannot be read; retry");
	}
	for (size_t i = 0; i < x.n; i++)
		handle(r, &x, &x.v[i]);
	free(x.v);
	return reply_json(r, 200, json_pack("{s:o,s:b,s:i}", "accounts", x.lines, "dry_run",
					    x.dry_run, "failed", x.failed));
}
