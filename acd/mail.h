/* mail.h — mails acd sends (a signing link for a signature at a distance),
 * through the SMTP server of smtp-url. */
#ifndef MAIL_H
#define MAIL_H
#include <stddef.h>

int mail_configured(void);
/* Sends a plain-text UTF-8 mail; 0, or -1 with a sentence in err. */
int mail_send(const char *to, const char *subject, const char *body, char *err, size_t errlen);
#endif
