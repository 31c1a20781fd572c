/* usager_space.h — the usager's space (/usager): an usager identified by
 * FranceConnect sees every mandate signed in their name and ends them.
 *   usager_login.c    the session: FranceConnect round trip, cookie, logout
 *   pages_usager.c    the space's page
 *   usager_actions.c  revocation, the export, the attestations */
#ifndef USAGER_SPACE_H
#define USAGER_SPACE_H
#include "req.h"

#define USAGER_COOKIE "ac_usager"
#define USAGER_SESSION_TTL 1800 /* 30 minutes, not extended */
#define USAGER_LOGIN_TTL 600    /* the FranceConnect round trip */

/* The usager of the request's session cookie, or 0 (none, unknown or
 * expired; *stale set when a cookie was sent but is no longer valid). */
int64_t usager_session(struct req *, int *stale);
/* The login page ("S'identifier avec FranceConnect"), with a note. */
int usager_login_page(struct req *, int status, const char *note);
/* The forms' anti-forgery field for what ("login", "space"), setting the
 * browser cookie when there is none; and its check on a posted form. */
void usager_csrf(struct req *, const char *what, char out[65]);
int usager_csrf_ok(struct req *, const char *what, char browser[33]);
/* Back to the space (303 /usager), optionally with a query. */
int usager_back(struct req *, const char *query);

/* From GET /fc/callback (pages_sign.c) when the state is no signature's:
 * 0 when it is no usager login either, else the status of the reply sent. */
int usager_fc_callback(struct req *, const uint8_t state_hash[32], const uint8_t browser_hash[32]);
#endif
