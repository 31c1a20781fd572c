/* fc_trip.c — the browser's round trip to FranceConnect, the same for a
 * signature and for an usager's login: the departure (a state and a nonce,
 * kept hashed with the browser's by the caller's table, and the redirection),
 * and the return at /fc/callback, where both check the issuer it names
 * (RFC 9207, against mix-ups), an error or a missing code, then exchange the
 * code and verify the identity. */
#include "fc.h"
#include "crypto.h"
#include "html.h"
#include "log.h"
#include "server.h"
#include "txn.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fc_depart(struct req *r, const char *browser, struct fc_trip *trip, int (*save)(struct txn *, void *),
	      void *arg)
{
	char state[TOKEN_HEX], nonce[TOKEN_HEX];
	crypto_token_new(state);
	crypto_token_new(nonce);
	crypto_token_hash(state, trip->state_hash);
	crypto_token_hash(nonce, trip->nonce_hash);
	crypto_token_hash(browser, trip->browser_hash);
	struct fail f;
	char *url = fc_authorize_url(state, nonce, &f);
	sodium_memzero(nonce, sizeof nonce);
	if (!url)
		return reply_page_error(r, f.status, "FranceConnect indisponible", f.message);
	if (txn_run(r, 1, save, arg) != 0) {
		free(url);
		return r->status ? r->status
				 : reply_page_error(r, 503, "Service indisponible",
						    "Le service est momentanément indisponible : réessayez dans "
						    "un instant.");
	}
	return reply_page_redirect(r, url, "Redirection vers FranceConnect");
}

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
