/* api_reminders.c — POST /v1/reminders/send, the daily cron job's route
 * (ac-reminders-send; operators):
 *   - the attestations of remote mandates whose mail failed, tried again;
 *   - renewal reminders: the mandates of duration semester or long that still
 *     have an active autorisation, were not renewed, and end within the
 *     window (30 days by default; a last reminder at 7), one message per
 *     structure and threshold to its active aidants.
 * Each mandate is reminded once per threshold whatever the number of runs: a
 * claim is taken before the mail goes, marked sent after it went, dropped
 * when it failed (due again next run).  A claim left by a run that died is
 * due again after CLAIM_STALE seconds. */
#include "routes.h"
#include "bodies.h"
#include "attestation_mail.h"
#include "auth.h"
#include "demarches.h"
#include "frdate.h"
#include "log.h"
#include "mail.h"
#include "server.h"
#include "txn.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAST_DAYS 7
#define CLAIM_STALE 3600

struct due {
	int64_t mandate, structure, usager, expires;
	int last;                       /* the 7-day reminder, else the first */
	char demarches[DEMARCHES_MAX], duration[16];
	char given[256], family[256], birthdate[16], sname[256];
};

struct run {
	int within, dry_run;
	struct due *v;
	size_t n, cap;
	json_t *lines;
	int failed, unsent;             /* mails that failed; groups with nobody to mail */
};

/* The mandates due for a reminder now, by structure, threshold, end. */
static int collect(struct req *r, struct run *x)
{
	static const char q[] =
		"SELECT m.id, m.structure_id, m.usager_id, m.expires_at, m.demarches, m.duration,"
		" u.given_name, u.family_name, u.birthdate, s.name"
		" FROM mandates m JOIN usagers u ON u.id = m.usager_id"
		" JOIN structures s ON s.id = m.structure_id"
		" WHERE m.expires_at > $1 AND m.expires_at <= $2 AND m.revoked_at IS NULL"
		" AND m.duration IN ('semester', 'long')"
		" AND EXISTS (SELECT 1 FROM autorisations a WHERE a.mandate_id = m.id"
		"             AND a.revoked_at IS NULL)"
		" AND NOT EXISTS (SELECT 1 FROM mandates n WHERE n.renewal_of = m.id)"
		" AND NOT EXISTS (SELECT 1 FROM reminders d WHERE d.mandate_id = m.id"
		"   AND d.kind = CASE WHEN m.expires_at <= $3 THEN 'last' ELSE 'first' END"
		"   AND (d.sent_at IS NOT NULL OR d.claimed_at > $4))"
		" ORDER BY m.structure_id, CASE WHEN m.expires_at <= $3 THEN 1 ELSE 0 END,"
		" m.expires_at, m.id";
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, r->now);
	store_bind_int(st, 2, r->now + (int64_t)x->within * 86400);
	store_bind_int(st, 3, r->now + LAST_DAYS * 86400);
	store_bind_int(st, 4, r->now - CLAIM_STALE);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		if (x->n == x->cap) {
			size_t cap = x->cap ? 2 * x->cap : 64;
			struct due *v = realloc(x->v, cap * sizeof *v);
			if (!v)
				return -1;
			x->v = v;
			x->cap = cap;
		}
		struct due *d = &x->v[x->n++];
		d->mandate = store_col_int(st, 0);
		d->structure = store_col_int(st, 1);
		d->usager = store_col_int(st, 2);
		d->expires = store_col_int(st, 3);
		d->last = d->expires <= r->now + LAST_DAYS * 86400;
		snprintf(d->demarches, sizeof d->demarches, "%s", store_col_text(st, 4));
		snprintf(d->duration, sizeof d->duration, "%s", store_col_text(st, 5));
		snprintf(d->given, sizeof d->given, "%s", store_col_text(st, 6));
		snprintf(d->family, sizeof d->family, "%s", store_col_text(st, 7));
		snprintf(d->birthdate, sizeof d->birthdate, "%s", store_col_text(st, 8));
		snprintf(d->sname, sizeof d->sname, "%s", store_col_text(st, 9));
	}
	return rc == STORE_DONE ? 0 : -1;
}

/* The structure's active aidants' addresses (référents who are not aidants
 * get no reminder: they do not sign). */
static json_t *recipients(store_conn *db, int64_t structure)
{
	static const char q[] = "SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id"
				" WHERE m.structure_id = $1 AND m.active = 1 AND m.is_aidant = 1"
				" AND a.active = 1 ORDER BY a.email";
	json_t *to = json_array();
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, structure);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(to, json_string(store_col_text(st, 0)));
	return to;
}

struct group {
	struct due *v;
	size_t n;
	int claimed;
};

/* Claims the group's reminders (a stale claim is taken over); 0 or -1. */
static int claim_work(struct txn *t, void *arg)
{
	static const char drop[] = "DELETE FROM reminders WHERE mandate_id = $1 AND kind = $2"
				   " AND sent_at IS NULL AND claimed_at <= $3";
	static const char take[] = "INSERT INTO reminders (mandate_id, kind, claimed_at) VALUES ($1, $2, $3)";
	static const char held[] = "SELECT COUNT(*) FROM reminders WHERE mandate_id = $1 AND kind = $2";
	struct group *g = arg;
	for (size_t i = 0; i < g->n; i++) {
		const char *kind = g->v[i].last ? "last" : "first";
		store_stmt *st = store_prep(t->db, drop);
		store_bind_int(st, 1, g->v[i].mandate);
		store_bind_text(st, 2, kind);
		store_bind_int(st, 3, t->now - CLAIM_STALE);
		if (store_exec(st) != STORE_DONE)
			return -1;
		st = store_prep(t->db, held);
		store_bind_int(st, 1, g->v[i].mandate);
		store_bind_text(st, 2, kind);
		if (store_int_or(st, 1) != 0) /* another run holds it: reminded there */
			return 1;
		st = store_prep(t->db, take);
		store_bind_int(st, 1, g->v[i].mandate);
		store_bind_text(st, 2, kind);
		store_bind_int(st, 3, t->now);
		if (store_exec(st) != STORE_DONE)
			return -1;
	}
	g->claimed = 1;
	return 0;
}

struct outcome {
	struct group *g;
	int sent, threshold;
	json_t *to;
};

/* After the mail: marked sent and journaled, or the claims dropped. */
static int outcome_work(struct txn *t, void *arg)
{
	static const char sent[] = "UPDATE reminders SET sent_at = $1 WHERE mandate_id = $2 AND kind = $3";
	static const char drop[] = "DELETE FROM reminders WHERE mandate_id = $1 AND kind = $2"
				   " AND sent_at IS NULL";
	struct outcome *o = arg;
	json_t *ids = json_array();
	for (size_t i = 0; i < o->g->n; i++) {
		const struct due *d = &o->g->v[i];
		store_stmt *st = store_prep(t->db, o->sent ? sent : drop);
		int k = 1;
		if (o->sent)
			store_bind_int(st, k++, t->now);
		store_bind_int(st, k++, d->mandate);
		store_bind_text(st, k, d->last ? "last" : "first");
		if (store_exec(st) != STORE_DONE) {
			json_decref(ids);
			return -1;
		}
		json_array_append_new(ids, json_integer(d->mandate));
	}
	if (!o->sent) {
		json_decref(ids);
		return 0;
	}
	char subject[40];
	snprintf(subject, sizeof subject, "structure:%lld", (long long)o->g->v[0].structure);
	return journal_append(t, "reminder_sent", o->g->v[0].structure, subject,
			      json_pack("{s:i,s:o,s:I}", "threshold", o->threshold, "mandates", ids,
					"recipients", (json_int_t)json_array_size(o->to)));
}

/* The message: each mandate, its end, its démarches, how to renew it. */
static char *message(const struct group *g, int threshold)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "Bonjour,\n\n%s mandats suivants de la structure %s prennent fin dans moins de "
		   "%d jours. Proposez à chaque usager de les renouveler avant leur terme : passé "
		   "ce jour, vous ne pourrez plus agir en son nom.\n\n",
		g->v[0].last ? "Dernier rappel : les" : "Les", g->v[0].sname, threshold);
	for (size_t i = 0; i < g->n; i++) {
		const struct due *d = &g->v[i];
		char end[64], born[64];
		fr_date((time_t)d->expires, end, sizeof end);
		fprintf(f, "- %s %s, né(e) le %s (usager n° %lld) : mandat n° %lld, jusqu'au %s, "
			   "pour ", d->family, d->given,
			fr_date_iso(d->birthdate, born, sizeof born) ?: d->birthdate,
			(long long)d->usager, (long long)d->mandate, end);
		char codes[DEMARCHES_MAX], *save;
		snprintf(codes, sizeof codes, "%s", d->demarches);
		int first = 1;
		for (char *c = strtok_r(codes, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
			const struct ac_demarche *dm = ac_demarche_find(c);
			fprintf(f, "%s%s", first ? "" : " ; ", dm ? dm->label : c);
			first = 0;
		}
		fprintf(f, ".\n  Avec l'usager à vos côtés : ac-mandate-renew --usager %lld "
			   "--demarches %s --duration %s\n  À distance : la même commande avec "
			   "--send-link ADRESSE\n", (long long)d->usager, d->demarches, d->duration);
	}
	fputs("\nAidants Connect\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static json_t *line(const char *kind, int64_t structure, json_t *to, json_t *mandates,
		    json_t *threshold, int sent)
{
	return json_pack("{s:s,s:I,s:o,s:o,s:o,s:b}", "kind", kind, "structure",
			 (json_int_t)structure, "recipients", to, "mandates", mandates, "threshold",
			 threshold, "sent", sent);
}

static void remind(struct req *r, struct run *x, struct group *g)
{
	int threshold = g->v[0].last ? LAST_DAYS : x->within;
	json_t *to = recipients(r->db, g->v[0].structure), *ids = json_array();
	for (size_t i = 0; i < g->n; i++)
		json_array_append_new(ids, json_integer(g->v[i].mandate));
	json_t *l = line("reminder", g->v[0].structure, json_incref(to), ids, json_integer(threshold), 0);
	json_array_append_new(x->lines, l);
	if (!json_array_size(to)) {
		json_object_set_new(l, "error", json_string("no_aidant"));
		json_object_set_new(l, "message", json_string("the structure has no active aidant to "
							      "remind: the mandates stay due"));
		x->unsent++;
		json_decref(to);
		return;
	}
	if (x->dry_run || txn_run(r, 1, claim_work, g) != 0 || !g->claimed) {
		r->status = 0;
		if (!x->dry_run) { /* another run took them, or the database was busy */
			json_object_set_new(l, "error", json_string("claimed"));
			x->failed++;
		}
		json_decref(to);
		return;
	}
	size_t n = json_array_size(to), i;
	const char **addr = calloc(n, sizeof *addr);
	json_t *e;
	json_array_foreach(to, i, e)
		if (addr)
			addr[i] = json_string_value(e);
	char *body = message(g, threshold), err[256] = "out of memory";
	int ok = body && addr && mail_send_many(addr, n, g->v[0].last
				 ? "=?utf-8?q?Aidants_Connect_:_dernier_rappel,_mandats_=C3=A0_renouveler?="
				 : "=?utf-8?q?Aidants_Connect_:_mandats_=C3=A0_renouveler?=",
				 body, NULL, err, sizeof err) == 0;
	free(body);
	free(addr);
	struct outcome o = { g, ok, threshold, to };
	if (txn_run(r, 1, outcome_work, &o) != 0) {
		r->status = 0;
		log_error("reminders of structure %lld: %s, and not recorded",
			  (long long)g->v[0].structure, ok ? "mailed" : "not mailed");
	}
	if (ok) {
		json_object_set_new(l, "sent", json_true());
	} else {
		log_error("reminders of structure %lld by mail: %s", (long long)g->v[0].structure, err);
		json_object_set_new(l, "error", json_string("mail_failed"));
		json_object_set_new(l, "message", json_string(err));
		x->failed++;
	}
	json_decref(to);
}

/* Remote mandates whose attestation mail failed: tried again. */
static int attestations(struct req *r, struct run *x)
{
	static const char q[] = "SELECT id, structure_id, attestation_email FROM mandates"
				" WHERE attestation_sent = 0 AND remote = 1 AND attestation_email <> ''"
				" AND revoked_at IS NULL AND expires_at > $1 ORDER BY id";
	store_stmt *st = store_prep(r->db, q);
	store_bind_int(st, 1, r->now);
	json_t *due = json_array();
	while (store_step(st) == STORE_ROW)
		json_array_append_new(due, json_pack("[I,I,s]", (json_int_t)store_col_int(st, 0),
						     (json_int_t)store_col_int(st, 1),
						     store_col_text(st, 2)));
	size_t i;
	json_t *d;
	json_array_foreach(due, i, d) {
		int64_t id = json_integer_value(json_array_get(d, 0));
		char err[256] = "";
		int rc = x->dry_run ? 0 : attestation_mail(r, id, err, sizeof err);
		if (!x->dry_run && rc == 0)
			continue; /* sent meanwhile */
		json_t *l = line("attestation", json_integer_value(json_array_get(d, 1)),
				 json_pack("[O]", json_array_get(d, 2)), json_pack("[I]", (json_int_t)id),
				 json_null(), rc == 1);
		if (rc < 0) {
			json_object_set_new(l, "error", json_string("mail_failed"));
			json_object_set_new(l, "message", json_string(err));
			x->failed++;
		}
		json_array_append_new(x->lines, l);
	}
	json_decref(due);
	return 0;
}

int api_reminders_send(struct req *r)
{
	struct fail f = { 0 };
	json_t *in = req_object(r, body_reminders_send, &f);
	if (!in)
		return reply_fail(r, &f);
	struct run x = { .within = (int)jint(in, "within", 30), .dry_run = jbool(in, "dry_run", 0) };
	int64_t within = jint(in, "within", 30);
	json_decref(in);
	if (!authz_operator(r))
		return reply_error(r, 403, "forbidden", "only operators send the renewal reminders");
	if (within < LAST_DAYS || within > 365)
		return reply_error(r, 400, "bad_within", "\"within\" must be %d to 365 days", LAST_DAYS);
	if (!x.dry_run && !mail_configured())
		return reply_error(r, 503, "mail_unconfigured",
				   "acd cannot send mail (see smtp-url in acd(8)): no reminder sent");
	x.lines = json_array();
	if (attestations(r, &x) || collect(r, &x)) {
		free(x.v);
		json_decref(x.lines);
		return reply_error(r, 503, "unavailable", "the database cannot be read; retry");
	}
	for (size_t i = 0; i < x.n;) {
		size_t j = i;
		while (j < x.n && x.v[j].structure == x.v[i].structure && x.v[j].last == x.v[i].last)
			j++;
		struct group g = { &x.v[i], j - i, 0 };
		remind(r, &x, &g);
		i = j;
	}
	free(x.v);
	return reply_json(r, 200, json_pack("{s:o,s:b,s:i,s:i}", "messages", x.lines, "dry_run",
					    x.dry_run, "failed", x.failed, "unsent", x.unsent));
}
