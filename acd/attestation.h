/* attestation.h — the paper attestations handed to the usager: a mandate's,
 * and a revocation's.  A4 PDFs made in memory from a versioned template
 * (templates.h); the footer of each page carries the attestation hash and a
 * QR code of the address that verifies it.  Safe to call from several
 * threads at once. */
#ifndef ATTESTATION_H
#define ATTESTATION_H
#include "templates.h"

#include <stddef.h>
#include <time.h>

struct att_person {
	const char *given_name, *family_name;
	const char *birthdate;          /* YYYY-MM-DD */
	const char *birthplace;         /* COG code; NULL or "": not known */
	const char *birthcountry;       /* COG code; 99100 (France) is not printed */
};
struct att_structure {
	const char *name, *address, *zipcode, *city;
};

struct att_mandate {
	const struct template *tpl;
	struct att_person usager;
	struct att_structure structure;
	const char *const *demarches;   /* codes, catalogue order */
	size_t ndemarches;
	const char *duration;           /* short|month|semester|long */
	time_t created_at, expires_at;
	const char *hash;               /* 64 hex */
	const char *verify_url;         /* e.g. http://127.0.0.1:8080/v1/attestations/<hash> */
	int remote;                     /* signed at a distance: mailed, not handed over */
	int no_credentials_kept;        /* the aidant's declaration, for a remote mandate */
};

struct att_revocation {
	const struct template *tpl;
	struct att_person usager;
	struct att_structure structure;
	const char *const *demarches;   /* revoked now */
	size_t ndemarches;
	int whole;                      /* the mandate ends */
	time_t mandate_created_at, revoked_at;
	const char *hash, *verify_url;
};

/* The PDF in a malloc'd buffer; 0, or -1 (err filled). */
int attestation_mandate_pdf(const struct att_mandate *, unsigned char **pdf, size_t *len,
			    char *err, size_t errlen);
int attestation_revocation_pdf(const struct att_revocation *, unsigned char **pdf, size_t *len,
			       char *err, size_t errlen);
#endif
