/* application_accept.c — an application accepted (application.h): what it
 * makes, in the transaction of its acceptance, and the mails that follow. */
#include "application.h"
#include "aidant_put.h"
#include "habilitation.h"
#include "mail.h"
#include "server.h"
#include "structures.h"
#include "ac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The structure of the application's SIRET, made when there is none. */
static int structure_of(struct txn *t, json_t *s, struct accepted *acc, struct fail *f)
{
	static const char q[] = "SELECT id FROM structures WHERE siret = $1";
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, jstr(s, "siret", ""));
	if (store_step(st) == STORE_ROW) {
		acc->structure = store_col_int(st, 0);
		return 0;
	}
	acc->structure_made = 1;
	if (structure_insert(t, jstr(s, "name", ""), jstr(s, "siret", ""), jstr(s, "type", ""),
			     jstr(s, "address", ""), jstr(s, "zipcode", ""), jstr(s, "city", ""),
			     &acc->structure))
		return fail_set(f, 500, "internal", "cannot create the structure");
	return 0;
}

/* The référent, a référent of the structure: an aidant already there stays
 * one; anyone else is no aidant until habilitated (a request below). */
static int referent_put(struct txn *t, json_t *re, struct accepted *acc, struct fail *f)
{
	static const char q[] = "SELECT m.is_aidant FROM memberships m JOIN accounts a"
				" ON a.id = m.account_id WHERE a.email = $1 AND m.structure_id = $2"
				" AND m.active = 1";
	const char *email = jstr(re, "email", "");
	store_stmt *st = store_prep(t->db, q);
	store_bind_text(st, 1, email);
	store_bind_int(st, 2, acc->structure);
	int aidant = store_step(st) == STORE_ROW && store_col_int(st, 0);
	json_t *in = json_pack("{s:s,s:s,s:s,s:b,s:b,s:s}", "first_name", jstr(re, "first_name", ""),
			       "last_name", jstr(re, "last_name", ""), "profession",
			       jstr(re, "profession", ""), "aidant", aidant, "referent", 1, "_via",
			       "application");
	struct aidant_put res = { 0 };
	int rc = aidant_put(t, email, acc->structure, in, &res, f);
	json_decref(in);
	acc->referent = res.account;
	return rc;
}

/* One habilitation request, eligible, unless the person is an active aidant
 * of the structure or has an open request there: 1 made, 0 none, -1. */
static int habilitation_make(struct txn *t, json_t *p, int64_t structure, const char *from)
{
	static const char open_q[] =
		"SELECT 1 FROM habilitation_requests WHERE structure_id = $1 AND email = $2"
		" AND status NOT IN " HABILITATION_TERMINAL
		" UNION ALL SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id"
		" WHERE m.structure_id = $1 AND a.email = $2 AND m.active = 1 AND m.is_aidant = 1";
	static const char next_id[] = "SELECT COALESCE(MAX(id), 0) + 1 FROM habilitation_requests";
	static const char ins[] =
		"INSERT INTO habilitation_requests (id, structure_id, email, first_name, last_name,"
		" profession, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6,"
		" 'eligible', $7, $7)";
	const char *email = jstr(p, "email", "");
	store_stmt *st = store_prep(t->db, open_q);
	store_bind_int(st, 1, structure);
	store_bind_text(st, 2, email);
	int rc = store_step(st);
	if (rc == STORE_ROW)
		return 0;
	if (rc != STORE_DONE)
		return -1;
	int64_t id = store_int_or(store_prep(t->db, next_id), 1);
	st = store_prep(t->db, ins);
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, structure);
	store_bind_text(st, 3, email);
	store_bind_text(st, 4, jstr(p, "first_name", ""));
	store_bind_text(st, 5, jstr(p, "last_name", ""));
	store_bind_text(st, 6, jstr(p, "profession", ""));
	store_bind_int(st, 7, t->now);
	if (store_exec(st) != STORE_DONE)
		return -1;
	return journal_append(t, "habilitation_create", structure, email,
			      json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "status", "eligible",
					"from", from)) ? -1 : 1;
}

int application_accept(struct txn *t, const struct application_row *a, struct accepted *acc,
		       struct fail *f)
{
	json_t *re = json_object_get(a->app, "referent");
	if (structure_of(t, json_object_get(a->app, "structure"), acc, f) ||
	    referent_put(t, re, acc, f))
		return -1;
	char from[48];
	application_subject(a->id, from);
	json_t *people = json_copy(json_object_get(a->app, "aidants"));
	if (jbool(re, "aidant", 0))
		json_array_insert(people, 0, re);
	size_t i;
	json_t *p;
	json_array_foreach(people, i, p) {
		int rc = habilitation_make(t, p, acc->structure, from);
		if (rc < 0) {
			json_decref(people);
			return fail_set(f, 500, "internal", "cannot record the habilitation requests");
		}
		acc->habilitations += rc;
	}
	json_decref(people);
	return 0;
}

int application_mail_accepted(json_t *app, const struct accepted *acc, char *err, size_t errlen)
{
	json_t *s = json_object_get(app, "structure"), *re = json_object_get(app, "referent");
	char body[3000];
	snprintf(body, sizeof body,
		 "Bonjour,\n\nL'ANCT a accepté la demande d'habilitation de la structure « %s » "
		 "(SIRET %s) à Aidants Connect : elle est la structure n° %lld.\n\n"
		 "Son référent, %s %s (%s), reçoit un message lui expliquant la suite. Les aidants "
		 "listés dans la demande (%d) peuvent maintenant être inscrits à une formation ; ils "
		 "seront habilités une fois formés.\n\nAidants Connect\n",
		 jstr(s, "name", ""), jstr(s, "siret", ""), (long long)acc->structure,
		 jstr(re, "first_name", ""), jstr(re, "last_name", ""), jstr(re, "email", ""),
		 acc->habilitations);
	const char *applicant = jstr(json_object_get(app, "applicant"), "email", "");
	int rc = mail_send(applicant, "=?utf-8?q?Aidants_Connect_:_demande_accept=C3=A9e?=", body, err,
			   errlen);
	snprintf(body, sizeof body,
		 "Bonjour %s %s,\n\nVous êtes désormais référent Aidants Connect de la structure "
		 "« %s » (n° %lld).\n\nDepuis votre espace, avec les outils ac(1), vous suivez les "
		 "demandes d'habilitation de vos aidants et leurs formations. Pour vous connecter, "
		 "une carte Aidants Connect vous sera remise : l'activer clôt la demande "
		 "d'habilitation de la structure.\n\nAidants Connect\n%s\n",
		 jstr(re, "first_name", ""), jstr(re, "last_name", ""), jstr(s, "name", ""),
		 (long long)acc->structure, srv.cfg.public_url);
	char err2[256] = "";
	int rc2 = mail_send(jstr(re, "email", ""),
			    "=?utf-8?q?Aidants_Connect_:_vous_=C3=AAtes_r=C3=A9f=C3=A9rent?=", body, err2,
			    sizeof err2);
	if (rc2 && !rc)
		snprintf(err, errlen, "%s", err2);
	return rc || rc2 ? -1 : 0;
}

int application_mail_refused(const char *to, json_t *app, const char *message, char *err,
			     size_t errlen)
{
	json_t *s = json_object_get(app, "structure");
	size_t n = 1500 + strlen(message);
	char *body = malloc(n);
	if (!body) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(body, n,
		 "Bonjour,\n\nL'ANCT a examiné la demande d'habilitation de la structure « %s » "
		 "(SIRET %s) à Aidants Connect et ne peut pas l'accepter :\n\n%s\n\nAidants Connect\n",
		 jstr(s, "name", ""), jstr(s, "siret", ""), message);
	int rc = mail_send(to, "=?utf-8?q?Aidants_Connect_:_demande_refus=C3=A9e?=", body, err, errlen);
	free(body);
	return rc;
}
