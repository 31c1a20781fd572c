/* application.h — a structure's application (demande d'habilitation de
 * structure, issue 9 §1): its JSON, its checks, its row and its link.
 * The same object comes from ac-structure-apply and from the public form:
 *   {"applicant":{email,first_name,last_name},
 *    "structure":{siret,name,type,address,zipcode,city},
 *    "referent":{email,first_name,last_name,profession,aidant},
 *    "aidants":[{email,first_name,last_name,profession}, ...],
 *    "declarations":{cgu,not_free,dpo,professionals_only,without_elected}}
 * States: draft (email not confirmed: never shown to operators, purged after
 * 7 days), submitted, changes_required, accepted, refused, closed (its
 * référent activated a card). */
#ifndef APPLICATION_H
#define APPLICATION_H
#include "crypto.h"
#include "txn.h"

#define APPLY_AIDANTS_MAX 1000     /* aidants listed in one application */
#define APPLY_LINK_TTL (7 * 86400) /* a confirmation or edit link, as drafts live */

extern const char *const application_declarations[]; /* the five keys, NULL-ended */

/* Checks app whole (strict: every key known, of its type, each declaration
 * true) and normalizes its emails in place: 0, or -1 with a 400 in f and the
 * same in French in fr (for the form's page). */
int application_check(json_t *app, struct fail *f, char *fr, size_t frlen);

/* Inserts app (checked) as a draft with a fresh link: id and token filled. */
struct application_new {
	int64_t id;
	char token[TOKEN_HEX];
};
int application_insert(struct txn *t, json_t *app, struct application_new *n);

/* A checked application made a draft (committed) and its confirmation link
 * mailed to the applicant: 0 with *id, err "" or why the mail failed (the
 * draft stays); -1 when nothing was recorded (r->status set when replied). */
int application_open(struct req *r, json_t *app, int64_t *id, char *err, size_t errlen);

/* The request a link's token opens: 1 found (and not expired), 0 none, -1
 * error.  app is a new reference. */
struct application_row {
	int64_t id, structure, referent;
	char status[24], message[1024];
	json_t *app;
};
int application_by_token(store_conn *db, const char *token, time_t now, struct application_row *a);
int application_load(store_conn *db, int64_t id, struct application_row *a);

/* A fresh link for request id (the old one stops working): token filled.
 * STORE_DONE or an error. */
int application_new_link(struct txn *t, int64_t id, char token[TOKEN_HEX]);

/* The journal's subject for request id: "structure_request:ID". */
void application_subject(int64_t id, char out[48]);

/* Mails the applicant the link of token: to confirm the email (message
 * NULL), or to edit the application as the operator asks (message).  0 or -1
 * with err. */
int application_mail_link(const char *to, const char *token, const char *message, char *err,
			  size_t errlen);

/* Accepting request a (submitted), in t's transaction: the structure made
 * (or the one of that SIRET), its référent's account and membership, one
 * habilitation request per aidant listed (and for the référent when it is
 * to be an aidant too), state eligible; each journaled.  0, or -1 with f. */
struct accepted {
	int64_t structure, referent;
	int structure_made;     /* 0: attached to the structure of that SIRET */
	int habilitations;      /* habilitation requests made */
};
int application_accept(struct txn *t, const struct application_row *a, struct accepted *acc,
		       struct fail *f);
/* After the commit: the applicant and the référent told (accepted), the
 * applicant told why (refused).  0 or -1 with err (the first failure). */
int application_mail_accepted(json_t *app, const struct accepted *acc, char *err, size_t errlen);
int application_mail_refused(const char *to, json_t *app, const char *message, char *err,
			     size_t errlen);

/* Closes the accepted requests whose référent is account (it activated a
 * card), journaled; 0 or -1.  Called where a card becomes active. */
int application_close_for(struct txn *t, int64_t account);
#endif
