/* draft.h — a mandate being signed: opened by an aidant, identified by the
 * usager through FranceConnect, confirmed by the aidant with a fresh code. */
#ifndef DRAFT_H
#define DRAFT_H
#include "demarches.h"
#include "crypto.h"
#include "fc.h"
#include "txn.h"

#define DRAFT_TTL 600 /* the link, then the confirmation, each within 10 minutes */

struct draft {
	int64_t id, account, structure, usager;
	char demarches[DEMARCHES_MAX], duration[16], state[16];
	int64_t created_at, expires_at, identified_at;
	int remote;             /* the link went by mail: no aidant beside the usager */
	char link_email[256];   /* where it went ("" when handed over) */
	int64_t usager_consent_at; /* the usager ticked their consent on the page (0: not yet) */
	int64_t renewal_of;     /* a renewal at a distance: the mandate renewed (0: none) */
};

/* A draft being opened: by ac-mandate-new, or by a renewal at a distance. */
struct draft_new {
	int64_t structure, account;
	int64_t renewal_of;     /* 0: a first signature */
	const char *demarches, *duration; /* checked */
	const char *link_email; /* "" when the link is handed over */
	int64_t id;             /* filled: the draft */
	char token[TOKEN_HEX];  /* filled: its link's secret, shown once */
};
/* Inserts the pending draft in t's transaction; 0 or -1. */
int draft_insert(struct txn *t, struct draft_new *n);
/* Before opening: 503 replied (non-zero) when acd cannot reach FranceConnect,
 * or cannot mail a link_email. */
int draft_check_sendable(struct req *r, const char *link_email);
/* After the commit: mails the link when link_email is set, replies 201 with
 * the draft's link (api_drafts.c). */
int draft_reply_opened(struct req *r, struct draft_new *n);

/* 1 found, 0 none, -1 error. */
int draft_load(store_conn *db, int64_t id, struct draft *d);
int draft_by_token(store_conn *db, const char *token, struct draft *d);
/* pending, identified, used, other_usager (a renewal's FranceConnect
 * identity was not its usager's), or expired once past expires_at */
const char *draft_state(const struct draft *d, time_t now);
json_t *draft_json(store_conn *db, const struct draft *d, time_t now);

/* usagers */
json_t *usager_json(store_conn *db, int64_t id);
/* Creates or updates the usager FranceConnect identified (by its sub's keyed
 * hash); its id in *id. */
int usager_upsert(struct txn *t, const struct fc_identity *who, int64_t *id);
/* Active mandates of usager with structures other than structure covering
 * one of the démarches in csv. */
int64_t usager_other_mandates(store_conn *db, int64_t usager, int64_t structure, const char *csv,
			      time_t now);
#endif
