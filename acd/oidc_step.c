/* oidc_step.c — POST /oidc/step: one answer of the aidant on the provider's
 * pages.  The request must come from the browser that began it, with its
 * anti-forgery field, before it expires; then: login (email + one-time code,
 * always asked), structure, usager, démarche, each choice checked against
 * what the aidant may choose, and at the end a code valid 60 s, redirected
 * to the client.  Each step is one transaction; the code's issue and the
 * login are journaled. */
#include "oidc.h"
#include "code_check.h"
#include "crypto.h"
#include "demarches.h"
#include "html.h"
#include "routes.h"
#include "ac.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *const GONE =
	"Cette demande de connexion n'existe plus : elle a expiré (10 minutes) ou elle est terminée. "
	"Retournez sur le service en ligne et recommencez.";

static int load(struct req *r, struct oidc_request *q)
{
	static const char sql[] =
		"SELECT q.id, q.browser_hash, q.client_id, q.redirect_uri, q.state, q.nonce, q.scope,"
		" q.rep_scope, q.step, q.account_id, q.structure_id, q.usager_id, q.expires_at,"
		" c.name, q.auth_time FROM oidc_requests q JOIN oidc_clients c ON c.id = q.client_id"
		" WHERE q.handle_hash = $1";
	const char *body = r->body ? r->body : "";
	char browser[33], sent[80];
	uint8_t hh[32], bh[32];
	if (form_field(body, "request", q->handle, sizeof q->handle) || !hex_ok(q->handle, 64))
		return reply_page_error(r, 400, "Demande non reconnue", GONE), -1;
	if (req_cookie(r, PAGE_BROWSER_COOKIE, browser, sizeof browser) || !hex_ok(browser, 32) ||
	    form_field(body, "csrf", sent, sizeof sent))
		return reply_page_error(r, 403, "Demande refusée",
					"Cette demande ne vient pas de la page de connexion de ce navigateur. "
					"Retournez sur le service en ligne et recommencez."), -1;
	page_csrf(browser, q->handle, q->csrf);
	crypto_token_hash(q->handle, hh);
	crypto_token_hash(browser, bh);
	store_stmt *st = store_prep(r->db, sql);
	store_bind_blob(st, 1, hh, 32);
	if (store_step(st) != STORE_ROW)
		return reply_page_error(r, 410, "Demande expirée", GONE), -1;
	size_t n;
	const void *b = store_col_blob(st, 1, &n);
	if (n != 32 || sodium_memcmp(b, bh, 32) || strlen(sent) != 64 || sodium_memcmp(sent, q->csrf, 64))
		return reply_page_error(r, 403, "Demande refusée",
					"Cette demande ne vient pas de la page de connexion de ce navigateur. "
					"Retournez sur le service en ligne et recommencez."), -1;
	q->id = store_col_int(st, 0);
	q->client = store_col_int(st, 2);
	snprintf(q->redirect_uri, sizeof q->redirect_uri, "%s", store_col_text(st, 3));
	snprintf(q->state, sizeof q->state, "%s", store_col_text(st, 4));
	snprintf(q->nonce, sizeof q->nonce, "%s", store_col_text(st, 5));
	snprintf(q->scope, sizeof q->scope, "%s", store_col_text(st, 6));
	snprintf(q->rep_scope, sizeof q->rep_scope, "%s", store_col_text(st, 7));
	snprintf(q->step, sizeof q->step, "%s", store_col_text(st, 8));
	q->account = store_col_int(st, 9);
	q->structure = store_col_int(st, 10);
	q->usager = store_col_int(st, 11);
	q->expires_at = store_col_int(st, 12);
	snprintf(q->client_name, sizeof q->client_name, "%s", store_col_text(st, 13));
	q->auth_time = store_col_int(st, 14);
	if (q->expires_at <= r->now || !strcmp(q->step, "done"))
		return reply_page_error(r, 410, "Demande expirée", GONE), -1;
	return 0;
}

/* The request's new step and choices, in t's transaction. */
static int save(struct txn *t, const struct oidc_request *q)
{
	static const char up[] = "UPDATE oidc_requests SET step = $1, account_id = $2, structure_id = $3,"
				 " usager_id = $4, auth_time = $5 WHERE id = $6";
	store_stmt *st = store_prep(t->db, up);
	store_bind_text(st, 1, q->step);
	if (q->account)
		store_bind_int(st, 2, q->account);
	else
		store_bind_null(st, 2);
	if (q->structure)
		store_bind_int(st, 3, q->structure);
	else
		store_bind_null(st, 3);
	if (q->usager)
		store_bind_int(st, 4, q->usager);
	else
		store_bind_null(st, 4);
	if (q->auth_time)
		store_bind_int(st, 5, q->auth_time);
	else
		store_bind_null(st, 5);
	store_bind_int(st, 6, q->id);
	return store_exec(st) == STORE_DONE ? 0 : -1;
}

/* What the aidant's structure must offer: every démarche the client named. */
static int offers_rep_scope(store_conn *db, const struct oidc_request *q)
{
	struct fail f;
	return !*q->rep_scope || demarches_offered(db, q->structure, q->rep_scope, &f) == 0;
}

struct step {
	struct oidc_request q;
	struct code_attempt a;
	char email[256], code[16], client_id[64];
	int refused, denied;    /* the code refused; the request ended: access_denied */
	int64_t nstruct;
	char oauth_code[TOKEN_HEX];
	char demarche[16];
};

static int end_request(struct txn *t, struct step *s)
{
	snprintf(s->q.step, sizeof s->q.step, "done");
	return save(t, &s->q);
}

/* After a login or a structure: the next step, or the end when the chosen
 * structure does not offer what the client asked. */
static int after_structure(struct txn *t, struct step *s)
{
	if (!offers_rep_scope(t->db, &s->q)) {
		s->denied = 1;
		return end_request(t, s);
	}
	snprintf(s->q.step, sizeof s->q.step, "usager");
	return save(t, &s->q);
}

static int login_work(struct txn *t, void *arg)
{
	struct step *s = arg;
	s->refused = 0;
	s->a = (struct code_attempt){ .email = s->email, .code = s->code, .purpose = "oidc_login" };
	int rc = code_check_email(t, &s->a);
	if (rc <= 0) {
		s->refused = 1;
		return rc; /* a refusal is counted and journaled: commit it */
	}
	if (journal_append(t, "login", s->a.home, s->email,
			   json_pack("{s:s,s:s,s:s}", "card", s->a.serial, "via", "oidc", "client",
				     s->client_id)))
		return -1;
	int64_t ids[64];
	s->q.account = s->a.account;
	s->q.auth_time = t->now;
	s->q.structure = 0;
	s->nstruct = oidc_aidant_structures(t->db, s->q.account, ids, 64);
	if (s->nstruct == 0)
		return end_request(t, s);
	if (s->nstruct > 1) {
		snprintf(s->q.step, sizeof s->q.step, "structure");
		return save(t, &s->q);
	}
	s->q.structure = ids[0];
	return after_structure(t, s);
}

static int structure_work(struct txn *t, void *arg)
{
	struct step *s = arg;
	return after_structure(t, s);
}

static int usager_work(struct txn *t, void *arg)
{
	struct step *s = arg;
	snprintf(s->q.step, sizeof s->q.step, "demarche");
	return save(t, &s->q);
}

static int cancel_work(struct txn *t, void *arg) { return end_request(t, arg); }

static int code_work(struct txn *t, void *arg)
{
	static const char next[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM oidc_codes";
	static const char ins[] =
		"INSERT INTO oidc_codes (id, code_hash, client_id, redirect_uri, nonce, scope, account_id,"
		" structure_id, usager_id, mandate_id, demarche, auth_time, created_at, expires_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
	struct step *s = arg;
	int64_t ids[64];
	int n = oidc_aidant_structures(t->db, s->q.account, ids, 64), member = 0;
	for (int i = 0; i < n; i++)
		member |= ids[i] == s->q.structure;
	int64_t mandate = member ? oidc_mandate_for(t->db, &s->q, s->demarche, t->now) : 0;
	if (!mandate)
		return 1; /* gone meanwhile: nothing issued */
	uint8_t hash[32];
	crypto_token_new(s->oauth_code);
	crypto_token_hash(s->oauth_code, hash);
	int64_t id = store_int_or(store_prep(t->db, next), 1);
	store_stmt *st = store_prep(t->db, ins);
	store_bind_int(st, 1, id);
	store_bind_blob(st, 2, hash, 32);
	store_bind_int(st, 3, s->q.client);
	store_bind_text(st, 4, s->q.redirect_uri);
	store_bind_text(st, 5, s->q.nonce);
	store_bind_text(st, 6, s->q.scope);
	store_bind_int(st, 7, s->q.account);
	store_bind_int(st, 8, s->q.structure);
	store_bind_int(st, 9, s->q.usager);
	store_bind_int(st, 10, mandate);
	store_bind_text(st, 11, s->demarche);
	store_bind_int(st, 12, s->q.auth_time ? s->q.auth_time : t->now);
	store_bind_int(st, 13, t->now);
	store_bind_int(st, 14, t->now + OIDC_CODE_TTL);
	if (store_exec(st) != STORE_DONE || end_request(t, s))
		return -1;
	/* the aidant acts here: the journal names it, as its login did */
	static const char who[] = "SELECT email FROM accounts WHERE id = $1";
	store_stmt *e = store_prep(t->db, who);
	store_bind_int(e, 1, s->q.account);
	if (store_step(e) != STORE_ROW)
		return -1;
	snprintf(s->email, sizeof s->email, "%s", store_col_text(e, 0));
	t->actor = s->email;
	char subject[32];
	snprintf(subject, sizeof subject, "usager:%lld", (long long)s->q.usager);
	return journal_append(t, "token_code", s->q.structure, subject,
			      json_pack("{s:I,s:s,s:s,s:I}", "mandate", (json_int_t)mandate, "demarche",
					s->demarche, "client", s->client_id, "aidant",
					(json_int_t)s->q.account));
}

static int client_id_of(store_conn *db, int64_t id, char out[64])
{
	static const char q[] = "SELECT client_id FROM oidc_clients WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, id);
	if (store_step(st) != STORE_ROW)
		return -1;
	snprintf(out, 64, "%s", store_col_text(st, 0));
	return 0;
}

static int busy(struct req *r)
{
	return r->status ? r->status
			 : reply_page_error(r, 503, "Service indisponible",
					    "Le service est momentanément indisponible : réessayez dans un instant.");
}

static int not_offered(struct req *r)
{
	return reply_page_error(r, 404, "Choix impossible",
				"Ce choix ne fait pas partie de ceux qui vous sont proposés : l'usager n'a "
				"pas de mandat actif avec votre structure pour cela. Revenez à la page "
				"précédente.");
}

static int step_login(struct req *r, struct step *s)
{
	const char *body = r->body;
	if (form_field(body, "email", s->email, sizeof s->email) || ac_email_normalize(s->email))
		return oidc_page_login(r, &s->q, 400, "Adresse électronique invalide : vérifiez-la.");
	if (form_field(body, "code", s->code, sizeof s->code) || !ac_code_valid(s->code))
		return oidc_page_login(r, &s->q, 400,
				       "Le code doit être les 6 chiffres (ou 8) affichés par votre carte.");
	int rc = txn_run(r, 1, login_work, s);
	sodium_memzero(s->code, sizeof s->code);
	if (rc != 0)
		return busy(r);
	if (s->refused)
		return oidc_page_login(r, &s->q, s->a.f.status,
				       s->a.f.status == 429 ? "Trop d'essais : patientez quelques secondes "
							      "avant de saisir un nouveau code."
				       : !strcmp(s->a.f.code, "locked")
					       ? "Ce compte est verrouillé après trop d'essais : un "
						 "référent de votre structure peut le déverrouiller."
					       : !strcmp(s->a.f.code, "code_used")
							 ? "Ce code a déjà servi : attendez le suivant."
							 : "Connexion refusée : adresse ou code erroné, "
							   "ou compte sans carte active.");
	if (s->nstruct == 0)
		return reply_page_error(r, 403, "Aucune habilitation",
					"Votre compte n'est aidant d'aucune structure active : vous ne pouvez pas "
					"agir au nom d'un usager.");
	if (s->denied)
		return oidc_redirect_error(r, s->q.redirect_uri, s->q.state, "access_denied",
					   "the aidant's structure does not offer the démarches of rep_scope");
	return oidc_page_step(r, &s->q, NULL);
}

static int step_structure(struct req *r, struct step *s)
{
	char v[24];
	int64_t ids[64], want = 0;
	if (!form_field(r->body, "structure", v, sizeof v))
		want = ac_text_id(v);
	int n = oidc_aidant_structures(r->db, s->q.account, ids, 64), ok = 0;
	for (int i = 0; i < n; i++)
		ok |= want > 0 && ids[i] == want;
	if (!ok)
		return not_offered(r);
	s->q.structure = want;
	if (txn_run(r, 1, structure_work, s) != 0)
		return busy(r);
	if (s->denied)
		return oidc_redirect_error(r, s->q.redirect_uri, s->q.state, "access_denied",
					   "the aidant's structure does not offer the démarches of rep_scope");
	return oidc_page_step(r, &s->q, NULL);
}

static int step_usager(struct req *r, struct step *s)
{
	char v[24], search[128] = "";
	if (form_field(r->body, "usager", v, sizeof v)) {
		form_field(r->body, "q", search, sizeof search);
		return oidc_page_step(r, &s->q, search);
	}
	int64_t want = ac_text_id(v);
	if (!want || !oidc_usagers(r->db, &s->q, r->now, want, NULL, NULL))
		return not_offered(r);
	s->q.usager = want;
	if (txn_run(r, 1, usager_work, s) != 0)
		return busy(r);
	return oidc_page_step(r, &s->q, NULL);
}

static int step_demarche(struct req *r, struct step *s)
{
	if (form_field(r->body, "demarche", s->demarche, sizeof s->demarche) ||
	    !oidc_mandate_for(r->db, &s->q, s->demarche, r->now))
		return not_offered(r);
	int rc = txn_run(r, 1, code_work, s);
	if (rc != 0) {
		sodium_memzero(s->oauth_code, sizeof s->oauth_code);
		return r->status ? r->status : not_offered(r);
	}
	oidc_redirect_code(r, s->q.redirect_uri, s->q.state, s->oauth_code);
	sodium_memzero(s->oauth_code, sizeof s->oauth_code);
	return r->status;
}

int oidc_step(struct req *r)
{
	struct step s = { 0 };
	if (!r->body)
		r->body = calloc(1, 1); /* freed with the request */
	if (load(r, &s.q))
		return r->status;
	if (client_id_of(r->db, s.q.client, s.client_id))
		return busy(r);
	char v[8];
	if (strcmp(s.q.step, "login") && !form_field(r->body, "cancel", v, sizeof v)) {
		if (txn_run(r, 1, cancel_work, &s) != 0)
			return busy(r);
		return oidc_redirect_error(r, s.q.redirect_uri, s.q.state, "access_denied",
					   "the aidant cancelled");
	}
	if (!strcmp(s.q.step, "login"))
		return step_login(r, &s);
	if (!strcmp(s.q.step, "structure"))
		return step_structure(r, &s);
	if (!strcmp(s.q.step, "usager"))
		return step_usager(r, &s);
	return step_demarche(r, &s);
}
