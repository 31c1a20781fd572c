/* api_drafts.c — the aidant's side of a signature:
 *   POST /v1/mandates/drafts              open a draft, get the signing link
 *   GET  /v1/mandates/drafts/{id}?wait=S  long-poll until the usager is identified
 *   POST /v1/mandates/drafts/{id}/confirm consent + a fresh code: the mandate */
#include "routes.h"
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
	int64_t structure, account, id;
	char demarches[DEMARCHES_MAX];
	const char *duration;
	const char *link_email; /* "" when the link is handed over */
	char token[TOKEN_HEX];
	struct fail f;
};

static int open_work(struct txn *t, void *arg)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM mandate_drafts";
	static const char ins[] =
		"INSERT INTO mandate_drafts (id, token_hash, account_id, structure_id, demarches,"
		" duration, state, created_at, expires_at, remote, link_email)"
		" VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10)";
	struct opening *o = arg;
	if (demarches_offered(t->db, o->structure, o->demarches, &o->f))
		return -1;
	uint8_t h[32];
	crypto_token_new(o->token);
	crypto_token_hash(o->token, h);
	o->id = store_int_or(store_prep(t->db, next), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, o->id);
	store_bind_blob(st, 2, h, sizeof h);
	store_bind_int(st, 3, o->account);
	store_bind_int(st, 4, o->structure);
	store_bind_text(st, 5, o->demarches);
	store_bind_text(st, 6, o->duration);
	store_bind_int(st, 7, t->now);
	store_bind_int(st, 8, t->now + DRAFT_TTL);
	store_bind_int(st, 9, *o->link_email != 0);
	store_bind_text(st, 10, o->link_email);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

/* The mail of a signature at a distance: the usager opens the link on their
 * own device and identifies there; nobody else's credentials are involved. */
static int send_link(const char *to, const char *url, char *err, size_t errlen)
{
	char body[2048];
	snprintf(body, sizeof body,
		 "Bonjour,\n\nUn aidant d'Aidants Connect vous propose de signer un mandat pour "
		 "l'aider dans vos démarches en ligne.\n\nOuvrez ce lien pour lire le projet de mandat "
		 "et vous identifier avec FranceConnect (il est valable 10 minutes et ne sert qu'une "
		 "fois) :\n\n%s\n\nSi vous n'attendiez pas ce message, ignorez-le : aucun mandat ne sera "
		 "créé sans votre identification.\n\nAidants Connect\n", url);
	/* RFC 2047: the subject line is ASCII, its words UTF-8 */
	return mail_send(to, "=?utf-8?q?Aidants_Connect_:_votre_mandat_=C3=A0_signer?=", body, err,
			 errlen);
}

int api_draft_create(struct req *r)
{
	static const struct field spec[] = {
		{ "demarches", F_ARRAY, 1 }, { "duration", F_STR, 1 }, { "structure", F_INT, 0 },
		{ "send_link", F_STR, 0 }, { 0 }
	};
	struct opening o = { .account = r->who.account };
	json_t *in = req_object(r, spec, &o.f);
	if (!in)
		return reply_fail(r, &o.f);
	char email[256] = "";
	json_t *mail = json_object_get(in, "send_link") ? json_pack("{s:s}", "email",
								      jstr(in, "send_link", ""))
						      : NULL;
	int ok = demarches_parse(json_object_get(in, "demarches"), NULL, o.demarches, &o.f) == 0 &&
		 duration_parse(jstr(in, "duration", ""), &o.f) >= 0 &&
		 (!mail || field_email(mail, email, &o.f) == 0) &&
		 aidant_structure(r, jint(in, "structure", 0), &o.structure, &o.f) == 0;
	json_decref(mail);
	o.duration = ok ? duration_code(jstr(in, "duration", "")) : NULL;
	json_decref(in);
	if (!ok)
		return reply_fail(r, &o.f);
	if (!fc_configured())
		return reply_error(r, 503, "fc_unconfigured",
				   "acd is not connected to FranceConnect (see fc-issuer in acd(8))");
	if (*email && !mail_configured())
		return reply_error(r, 503, "mail_unconfigured",
				   "acd cannot send mail (see smtp-url in acd(8)): give the link by hand");
	o.link_email = email;
	if (txn_run(r, 1, open_work, &o) != 0)
		return r->status ? r->status : reply_fail(r, &o.f);
	char url[1024], exp[32], err[256] = "";
	snprintf(url, sizeof url, "%s/sign/%s", srv.cfg.public_url, o.token);
	iso_time(r->now + DRAFT_TTL, exp);
	json_t *out = json_pack("{s:I,s:s,s:s,s:I,s:o,s:s,s:b}", "id", (json_int_t)o.id, "url", url,
				"expires_at", exp, "structure", (json_int_t)o.structure, "demarches",
				demarches_json(o.demarches), "duration", o.duration, "link_sent", 0);
	if (*email) {
		if (send_link(email, url, err, sizeof err) == 0) {
			json_object_set_new(out, "link_sent", json_true());
		} else {
			log_error("mail to the usager: %s", err);
			json_object_set_new(out, "mail_error", json_string(err));
		}
	}
	sodium_memzero(o.token, sizeof o.token);
	return reply_json(r, 201, out);
}

/* The draft of the {id} segment, when the caller opened it; else 404. */
static int own_draft(struct req *r, struct draft *d)
{
	char *end;
	long long id = strtoll(r->arg, &end, 10);
	int found = *r->arg && !*end && id > 0 ? draft_load(r->db, id, d) : 0;
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
	struct fail f;
	int refused;
};

static int confirm_work(struct txn *t, void *arg)
{
	static const char used[] = "UPDATE mandate_drafts SET state = 'used' WHERE id = $1"
				   " AND state = 'identified'";
	struct confirm *c = arg;
	c->refused = 0;
	if (draft_load(t->db, c->d.id, &c->d) != 1)
		return -1;
	const char *state = draft_state(&c->d, t->now);
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
	struct mandate_new m = { .structure = c->d.structure, .usager = c->d.usager,
				 .account = c->d.account, .demarches = c->d.demarches,
				 .duration = c->d.duration, .remote = c->d.remote };
	return mandate_create(t, &m, &c->mandate);
}

int api_draft_confirm(struct req *r)
{
	static const struct field spec[] = {
		{ "code", F_STR, 1 }, { "consent", F_BOOL, 1 }, { 0 }
	};
	struct confirm c = { 0 };
	json_t *in = req_object(r, spec, &c.f);
	if (!in)
		return reply_fail(r, &c.f);
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
	json_t *m = mandate_json(r->db, c.mandate, r->now);
	return m ? reply_json(r, 201, m) : reply_error(r, 500, "internal", "the mandate vanished");
}
