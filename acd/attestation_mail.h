/* attestation_mail.h — a mandate signed at a distance has nobody to hand its
 * usager the paper: acd mails the attestation PDF to them once, after the
 * confirmation, and marks the mandate attestation_sent (journal
 * attestation_sent).  A failed mail changes nothing: the mandate stands and
 * stays due for the next try. */
#ifndef ATTESTATION_MAIL_H
#define ATTESTATION_MAIL_H
#include "req.h"

#include <stddef.h>
#include <stdint.h>

/* 1 mailed now, 0 nothing to mail (not remote, no address, already sent),
 * -1 the mail failed (the reason in err). */
int attestation_mail(struct req *r, int64_t mandate, char *err, size_t errlen);
#endif
