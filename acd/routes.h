/* routes.h — the route table: method, path, who may call, what body it takes. */
#ifndef ROUTES_H
#define ROUTES_H

#include "req.h"
#include "tokens.h"

/* Who may call.  AUTH_NONE: anyone, counted per client address
 * (ratelimit.h; 429 over the limit) — what a new public route should be;
 * AUTH_SESSION: a session or an API token; AUTH_CLIENT: the handler
 * authenticates a client of the identity provider or its access token;
 * AUTH_OPEN: anyone, never counted (the health check, constant documents). */
enum auth { AUTH_NONE, AUTH_SESSION, AUTH_CLIENT, AUTH_OPEN };
enum body { BODY_NONE, BODY_JSON, BODY_BULK, BODY_FORM }; /* FORM: an HTML form */

#define BODY_MAX (1u << 20)     /* one object */
#define BULK_MAX (64u << 20)    /* an NDJSON batch */

struct route {
	const char *method;
	const char *path;       /* a trailing "{}" matches one segment into req.arg */
	enum auth auth;
	enum body body;
	int (*handler)(struct req *);
	unsigned scopes;        /* the token scopes allowed (AUTH_SESSION only) */
};
#define NO_TOKEN 0u

const struct route *route_find(const char *method, const char *path, char arg[128],
			       int *path_known);

/* handlers, one file per resource */
int api_health(struct req *);
int api_session_create(struct req *);
int api_session_show(struct req *);
int api_session_delete(struct req *);
int api_structure_create(struct req *);
int api_structure_list(struct req *);
int api_aidant_add(struct req *);
int api_aidant_list(struct req *);
int api_aidant_deactivate(struct req *);
int api_aidant_unlock(struct req *);
int api_card_import(struct req *);
int api_card_list(struct req *);
int api_card_link(struct req *);
int api_card_unlink(struct req *);
int api_card_enroll(struct req *);
int api_card_activate(struct req *);
int api_card_check(struct req *);
int api_structure_deactivate(struct req *);
int api_journal(struct req *);
int api_reminders_send(struct req *);
int api_aidant_inactive(struct req *);
int api_stats(struct req *);
int page_stats(struct req *);
int api_token_create(struct req *);
int api_token_list(struct req *);
int api_token_revoke(struct req *);
int api_structure_update(struct req *);
int api_draft_create(struct req *);
int api_draft_show(struct req *);
int api_draft_confirm(struct req *);
int api_mandate_list(struct req *);
int api_mandate_show(struct req *);
int api_mandate_revoke(struct req *);
int api_mandate_renew(struct req *);
int api_mandate_attestation(struct req *);
int api_revocation_attestation(struct req *);
int api_attestation_verify(struct req *);
int api_usager_list(struct req *);
int api_usager_show(struct req *);
int page_sign_show(struct req *);
int page_sign_start(struct req *);
int page_fc_callback(struct req *);
int page_css(struct req *);
int api_client_create(struct req *);
int api_client_list(struct req *);
int oidc_discovery(struct req *);
int oidc_jwks(struct req *);
int oidc_authorize(struct req *);
int oidc_step(struct req *);
int oidc_token(struct req *);
int oidc_userinfo(struct req *);
int oidc_logout(struct req *);
int page_usager(struct req *);
int page_usager_login(struct req *);
int page_usager_logout(struct req *);
int page_usager_revoke(struct req *);
int page_usager_export(struct req *);
int page_usager_mandate_attestation(struct req *);
int page_usager_revocation_attestation(struct req *);
int api_structure_request_create(struct req *);
int api_structure_request_list(struct req *);
int api_habilitation_list(struct req *);
int api_habilitation_create(struct req *);
int api_habilitation_set(struct req *);
int api_training_create(struct req *);
int api_training_list(struct req *);
int api_training_register(struct req *);
int api_training_unregister(struct req *);
int api_training_attend(struct req *);
int api_structure_request_set(struct req *);
int page_apply_show(struct req *);
int page_apply_post(struct req *);
int page_apply_link_show(struct req *);
int page_apply_link_post(struct req *);

#endif
