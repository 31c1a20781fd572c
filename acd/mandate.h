/* mandate.h — mandates and their autorisations: creation (signature and
 * renewal), revocation, and their JSON.  Every change journals in the
 * caller's transaction. */
#ifndef MANDATE_H
#define MANDATE_H
#include "demarches.h"
#include "jbuf.h"
#include "txn.h"

#define LIST_WINDOW (365 * 86400) /* ended mandates leave the lists after this */

struct mandate_new {
	int64_t structure, usager, account;
	int64_t renewal_of;     /* 0: none */
	const char *demarches;  /* checked, catalogue order */
	const char *duration;   /* checked */
	int remote;             /* signed at a distance: no aidant beside the usager */
	int no_credentials_kept; /* the aidant declares no identifier of theirs received or kept */
	const char *attestation_email; /* a remote mandate's: where its PDF is mailed ("" none) */
};
/* Creates the mandate and one autorisation per démarche, revoking and
 * replacing an active autorisation of the same usager, structure and
 * démarche.  Its id in *id. */
int mandate_create(struct txn *t, const struct mandate_new *m, int64_t *id);
/* The journal's mandate_renew entry of mandate id, made from m (renewal_of set). */
int mandate_renew_journal(struct txn *t, const struct mandate_new *m, int64_t id);

/* The columns mandate_row reads, in its order, and their FROM. */
#define MANDATE_COLS                                                                           \
	"m.id, m.structure_id, m.demarches, m.duration, m.created_at, m.expires_at,"           \
	" m.revoked_at, m.attestation_hash, m.template, m.renewal_of, u.id, u.given_name,"     \
	" u.family_name, u.birthdate, u.birthplace, u.birthcountry, u.gender, u.email,"        \
	" u.preferred_username, a.email, a.first_name, m.remote, m.no_credentials_kept,"          \
	" m.attestation_sent"
#define MANDATE_FROM                                                                           \
	" FROM mandates m JOIN usagers u ON u.id = m.usager_id JOIN accounts a ON a.id = m.account_id"
/* The row as the API shows it, written as JSON text up to its open
 * "autorisations":[ list, which the caller fills and closes with "]}".
 * Returns the mandate's status (a static string). */
const char *mandate_head(struct jbuf *b, store_stmt *st, time_t now);
/* One autorisation of columns col (démarche) and col + 1 (revoked_at). */
void mandate_aut(struct jbuf *b, int first, store_stmt *st, int col, const char *mandate_status);
/* The mandate as the API shows it, or NULL when it does not exist. */
json_t *mandate_json(store_conn *db, int64_t id, time_t now);
/* The mandate's structure (0: no such mandate). */
int64_t mandate_structure(store_conn *db, int64_t id);

/* Revokes demarches (NULL: every active one) of mandate id; fills out or f.
 * Allowed to an aidant of its structure, or, when t->usager is set, to the
 * mandate's own usager (the revocation then records no account). */
int mandate_revoke(struct txn *t, int64_t id, const char *demarches, json_t *out, struct fail *f);

/* SHA-256 (hex) of an object's canonical JSON (sorted keys, compact). */
void canonical_hash(json_t *o, char hex[65]);
#endif
