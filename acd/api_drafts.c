/* api_drafts.c — the aidant's side of a signature:
 *   POST /v1/mandates/drafts              open a draft, get the signing link
 *   GET  /v1/mandates/drafts/{id}?wait=S  long-poll until the usager is identified
 *   POST /v1/mandates/drafts/{id}/confirm consent + a fresh code: the mandate */
#include "routes.h"
#include "bodies.h"
#include "attestation_mail.h"
#include "auth.h"
#include "code_check.h"
#include "crypto.h"
#include "draft.h"
#include "log.h"
#include "mail.h"
#include "mandate.h"
#include "waiters.h"
#include "server.h"
#include "ac.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_MAX 30

struct opening {
	struct draft_new n;
	char demarches[DEMARCHES_MAX];
	struct fail f;
};

static int open_work(struct txn *t, void *arg)
{
	struct opening *o = arg;
	if (demarches_offered(t->db, o->n.structure, o->demarches, &o->f))
		return -1;
	return draft_insert(t, &o->n);
}

/* The mail of a signature at a distance: the usager opens the link on their
 * own device and identifies there; nobody else's credentials are involved. */
static int send_link(const char *to, const char *url, int renewal, char *err, size_t errlen)
{
	char body[2048];
	snprintf(body, sizeof body,
		 "Bonjour,\n\nUn aidant d'Aidants Connect vous propose de %s un mandat pour "
		 "l'aider dans vos démarches en ligne.\n\nOuvrez ce lien pour lire le projet de mandat "
		 "et vous identifier avec FranceConnect (il est valable 10 minutes et ne sert qu'une "
		 "fois) :\n\n%s\n\nSi vous n'attendiez pas ce message, ignorez-le : aucun mandat ne sera "
		 "créé sans votre identification.\n\nAidants Connect\n",
		 renewal ? "renouveler" : "signer", url);
	/* RFC 2047: the subject line is ASCII, its words UTF-8 */
	return mail_send(to, "=?utf-8?q?Aidants_Connect_:_votre_mandat_=C3=A0_signer?=", body, err,
			 errlen);
}

int draft_check_sendable(struct req *r, const char *link_email)
{
	if (!fc_configured())
		return reply_error(r, 503, "fc_unconfigured",
				   "acd is not connected to FranceConnect (see fc-issuer in acd(8))");
	if (*link_email && !mail_configured())
		return reply_error(r, 503, "mail_unconfigured",
				   "acd cannot send mail (see smtp-url in acd(8)): give the link by hand");
	return 0;
}

int draft_reply_opened(struct req *r, struct draft_new *n)
{
	char url[1024], exp[32], err[256] = "";
	snprintf(url, sizeof url, "%s/sign/%s", srv.cfg.public_url, n->token);
	iso_time(r->now + DRAFT_TTL, exp);
	json_t *out = json_pack("{s:I,s:s,s:s,s:I,s:o,s:s,s:b}", "id", (json_int_t)n->id, "url", url,
				"expires_at", exp, "structure", (json_int_t)n->structure, "demarches",
				demarches_json(n->demarches), "duration", n->duration, "link_sent", 0);
	if (n->renewal_of)
		json_object_set_new(out, "renewal_of", json_integer(n->renewal_of));
	if (*n->link_email) {
		if (send_link(n->link_email, url, n->renewal_of != 0, err, sizeof err) == 0) {
			json_object_set_new(out, "link_sent", json_true());
		} else {
			log_error("mail to the usager: %s", err);
			json_object_set_new(out, "mail_error", json_string(err));
		}
	}
	sodium_memzero(n->token, sizeof n->token);
	return reply_json(r, 201, out);
}

int api_draft_create(struct req *r)
{
	struct opening o = { .n.account = r->who.account };
	json_t *in = req_object(r, body_draft_create, &o.f);
	if (!in)
		return reply_fail(r, &o.f);
	char email[256] = "";
	int ok = demarches_parse(json_object_get(in, "demarches"), NULL, o.demarches, &o.f) == 0 &&
		 duration_parse(jstr(in, "duration", ""), &o.f) >= 0 &&
		 field_link_email(in, email, &o.f) == 0 &&
		 aidant_structure(r, jint(in, "structure", 0), &o.n.structure, &o.f) == 0;
	o.n.duration = ok ? duration_code(jstr(in, "duration", "")) : NULL;
	json_decref(in);
	if (!ok)
		return reply_fail(r, &o.f);
	if (draft_check_sendable(r, email))
		return r->status;
	o.n.link_email = email;
	o.n.demarches = o.demarches;
	if (txn_run(r, 1, open_work, &o) != 0)
		return r->status ? r->status : reply_fail(r, &o.f);
	return draft_reply_opened(r, &o.n);
}

/* The draft of the {id} segment, when the caller opened it; else 404. */
static int own_draft(struct req *r, struct draft *d)
{
	int64_t id = ac_text_id(r->arg);
	int found = id ? draft_load(r->db, id, d) : 0;
	if (found < 0)
		return reply_error(r, 503, "unavailable", "the database cannot be read; retry");
	if (!found || d->account != r->who.account)
		return reply_error(r, 404, "not_found", "no such draft: %s", r->arg);
	return 0;
}

int api_draft_show(struct req *r)
{
	const char *w = req_query(r, "wait");
	char *end;
	long wait = w ? strtol(w, &end, 10) : 0;
	if (w && (!*w || *end || wait < 0 || wait > WAIT_MAX))
		return reply_error(r, 400, "bad_wait", "wait must be 0 to %d seconds", WAIT_MAX);
	if (!r->wait_until) /* the first time through; later ones are resumptions */
		r->wait_until = r->now + wait;
	struct draft d;
	if (own_draft(r, &d))
		return r->status;
	if (strcmp(draft_state(&d, r->now), "pending") || r->now >= r->wait_until ||
	    waiter_suspend(r->mc))
		return reply_json(r, 200, draft_json(r->db, &d, r->now));
	/* parked without a thread: looked at again at the next wake */
	r->suspended = 1;
	return 0;
}

struct confirm {
	struct draft d;
	struct code_attempt a;
	int64_t mandate;
	int no_credentials_kept;
	struct fail f;
	int refused;
};

/* Where a remote mandate's attestation goes: the address the link went to,
 * else the one FranceConnect gave ("" when neither). */
static void attestation_email(store_conn *db, const struct draft *d, char out[256])
{
	static const char q[] = "SELECT email FROM usagers WHERE id = $1";
	if (*d->link_email) {
		snprintf(out, 256, "%s", d->link_email);
		return;
	}
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, d->usager);
	snprintf(out, 256, "%s", store_step(st) == STORE_ROW ? store_col_text(st, 0) : "");
}

static int confirm_work(struct txn *t, void *arg)
{
	static const char used[] = "UPDATE mandate_drafts SET state = 'used' WHERE id = $1"
				   " AND state = 'identified'";
	struct confirm *c = arg;
	c->refused = 0;
	if (draft_load(t->db, c->d.id, &c->d) != 1)
		return -1;
	const char *state = draft_state(&c->d, t->now);
	if (!strcmp(state, "other_usager"))
		return fail_set(&c->f, 409, "other_usager",
				"FranceConnect identified someone else than the usager whose mandate is "
				"renewed: nothing was renewed");
	if (c->no_credentials_kept && !c->d.remote)
		return fail_set(&c->f, 409, "not_remote",
				"no_credentials_kept is the declaration of a mandate signed at a distance; "
				"the usager signed this one beside you");
	if (!c->d.usager_consent_at && (!strcmp(state, "identified") || !strcmp(state, "pending")))
		return fail_set(&c->f, 409, "no_usager_consent",
				"the usager has not accepted the mandate on the signing page: no "
				"mandate without their own consent");
	if (strcmp(state, "identified")) {
		fail_set(&c->f, !strcmp(state, "expired") ? 410 : 409,
			 !strcmp(state, "pending") ? "not_identified" : state,
			 !strcmp(state, "pending") ? "the usager has not identified with FranceConnect yet"
			 : !strcmp(state, "used") ? "this draft was already confirmed"
						   : "the draft expired: open a new one");
		return -1;
	}
	int rc = code_check(t, &c->a);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* the failure is counted (commit), the mandate is not made */
		c->refused = 1;
		return 0;
	}
	store_stmt *st = store_prep(t->db, used);
	store_bind_int(st, 1, c->d.id);
	if (store_exec(st) != STORE_DONE || store_changes(t->db) != 1)
		return -1;
	char email[256] = "";
	if (c->d.remote)
		attestation_email(t->db, &c->d, email);
	struct mandate_new m = { .structure = c->d.structure, .usager = c->d.usager,
				 .account = c->d.account, .demarches = c->d.demarches,
				 .duration = c->d.duration, .remote = c->d.remote,
				 .renewal_of = c->d.renewal_of,
				 .no_credentials_kept = c->no_credentials_kept,
				 .attestation_email = email };
	if (mandate_create(t, &m, &c->mandate))
		return -1;
	return c->d.renewal_of ? mandate_renew_journal(t, &m, c->mandate) : 0;
}

int api_draft_confirm(struct req *r)
{
	struct confirm c = { 0 };
	json_t *in = req_object(r, body_draft_confirm, &c.f);
	if (!in)
		return reply_fail(r, &c.f);
	c.no_credentials_kept = jbool(in, "no_credentials_kept", 0);
	char code[16];
	snprintf(code, sizeof code, "%s", jstr(in, "code", ""));
	int consent = jbool(in, "consent", 0), bad_code = strlen(jstr(in, "code", "")) >= sizeof code ||
							   !ac_code_valid(code);
	json_decref(in);
	if (bad_code)
		return reply_error(r, 400, "bad_code", "\"code\" must be the 6 or 8 digits the card shows");
	if (!consent)
		return reply_error(r, 400, "consent_required",
				   "the usager's consent must be confirmed (\"consent\": true): no mandate "
				   "without it");
	if (own_draft(r, &c.d))
		return r->status;
	c.a = (struct code_attempt){ .account = r->who.account, .email = r->who.email, .code = code,
				     .purpose = "mandate_confirm" };
	int rc = txn_run(r, 1, confirm_work, &c);
	sodium_memzero(code, sizeof code);
	if (rc != 0)
		return r->status ? r->status : reply_fail(r, c.f.status ? &c.f : &(struct fail){
			500, "internal", "the mandate could not be created" });
	if (c.refused)
		return reply_fail(r, &c.a.f);
	/* after the commit: a mail that fails never undoes the mandate */
	char err[256] = "";
	int mailed = c.d.remote ? attestation_mail(r, c.mandate, err, sizeof err) : 0;
	json_t *m = mandate_json(r->db, c.mandate, r->now);
	if (m && mailed < 0)
		json_object_set_new(m, "attestation_mail_error", json_string(err));
	return m ? reply_json(r, 201, m) : reply_error(r, 500, "internal", "the mandate vanished");
}
