/* fc_return.c — the browser back from FranceConnect at /fc/callback: what
 * the signature and the usager's login both check before they tell their
 * stories apart — the issuer it names (RFC 9207, against mix-ups), an error or
 * a missing code, then the code exchanged and the identity verified. */
#include "fc.h"
#include "html.h"
#include "log.h"
#include "server.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int fc_return(struct req *r, const uint8_t nonce_hash[32], const char *again, struct fc_identity *who)
{
	const char *iss = req_query(r, "iss"), *code = req_query(r, "code");
	const char *error = req_query(r, "error");
	char what[400];
	if (iss && strcmp(iss, srv.cfg.fc_issuer)) {
		log_error("franceconnect: callback from issuer %.100s", iss);
		snprintf(what, sizeof what, "Cette réponse ne vient pas de FranceConnect. %s", again);
		return reply_page_error(r, 400, "Identification refusée", what), -1;
	}
	if (error || !code) {
		log_info("franceconnect: callback with error %.40s", error ? error : "(no code)");
		snprintf(what, sizeof what, "L'identification avec FranceConnect n'a pas abouti. %s", again);
		return reply_page_error(r, 400, "Identification interrompue", what), -1;
	}
	struct fail f;
	if (fc_finish(code, nonce_hash, who, &f) != 0) {
		sodium_memzero(who, sizeof *who);
		return reply_page_error(r, f.status, "Identification refusée", f.message), -1;
	}
	return 0;
}
