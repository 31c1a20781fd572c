/* attestation_stored.h — an attestation rebuilt from what the database keeps.
 * The stored fields of a mandate or a revocation are loaded, the caller
 * decides who may have them (the structure's aidants, or the usager in their
 * space), then the PDF is made again, the same as the day it was printed. */
#ifndef ATTESTATION_STORED_H
#define ATTESTATION_STORED_H
#include "demarches.h"
#include "req.h"

struct att_stored {
	int64_t id;                     /* the mandate's, or the revocation's */
	int revocation;                 /* 0: a mandate's attestation */
	int64_t mandate, structure, usager;
	/* the mandate, its usager and its structure */
	char given[256], family[256], birthdate[16], birthplace[16], birthcountry[16];
	char name[256], address[512], zipcode[8], city[256];
	char demarches[DEMARCHES_MAX], duration[16], tpl[32], hash[65];
	int64_t created, expires;
	int remote, no_credentials_kept;
	char attestation_email[256];    /* where a remote mandate's PDF is mailed */
	/* a revocation's own fields */
	char which[DEMARCHES_MAX], rtpl[32], rhash[65];
	int whole;
	int64_t revoked_at;
};

/* 1 loaded, 0 no such mandate or revocation. */
int att_load_mandate(store_conn *, int64_t id, struct att_stored *);
int att_load_revocation(store_conn *, int64_t id, struct att_stored *);
/* The PDF (malloc'd) and its file name; 0, or -1 (the cause logged).  The
 * démarche lists of p are cut up in the process: make once per load. */
int att_make(struct att_stored *, unsigned char **pdf, size_t *len, char name[64]);
/* Sends the PDF (freed) as an attachment named name. */
int reply_pdf(struct req *, unsigned char *pdf, size_t len, const char *name);
#endif
