/* mail.h — mails acd sends (a signing link for a signature at a distance, the
 * attestation of a mandate signed that way), through the SMTP server of
 * smtp-url. */
#ifndef MAIL_H
#define MAIL_H
#include <stddef.h>

int mail_configured(void);

/* A file sent with the text: a PDF, base64 in a multipart/mixed message. */
struct mail_file {
	const char *name;               /* ASCII, e.g. "mandat-12.pdf" */
	const char *type;               /* "application/pdf" */
	const unsigned char *data;
	size_t len;
};

/* Sends a plain-text UTF-8 mail, with file attached when not NULL; 0, or -1
 * with a sentence in err.  subject is ASCII (RFC 2047 words for the rest). */
int mail_send(const char *to, const char *subject, const char *body, char *err, size_t errlen);
int mail_send_file(const char *to, const char *subject, const char *body,
		   const struct mail_file *file, char *err, size_t errlen);
/* One message to nto addresses at once (all in its To: line). */
int mail_send_many(const char *const *to, size_t nto, const char *subject, const char *body,
		   const struct mail_file *file, char *err, size_t errlen);
#endif
