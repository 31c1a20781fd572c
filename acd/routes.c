/* routes.c — every route of /v1 in one table. */
#include "routes.h"

#include <string.h>

static const struct route routes[] = {
	/* health and sessions */
	{ "GET",    "/v1/health",          AUTH_NONE,    BODY_NONE, api_health },
	{ "POST",   "/v1/session",         AUTH_NONE,    BODY_JSON, api_session_create },
	{ "GET",    "/v1/session",         AUTH_SESSION, BODY_NONE, api_session_show },
	{ "DELETE", "/v1/session",         AUTH_SESSION, BODY_NONE, api_session_delete },

	/* structures and aidants (api_structures.c, api_aidants.c) */
	{ "POST",   "/v1/structures",      AUTH_SESSION, BODY_BULK, api_structure_create },
	{ "GET",    "/v1/structures",      AUTH_SESSION, BODY_NONE, api_structure_list },
	{ "POST",   "/v1/aidants",         AUTH_SESSION, BODY_BULK, api_aidant_add },
	{ "GET",    "/v1/aidants",         AUTH_SESSION, BODY_NONE, api_aidant_list },
	{ "POST",   "/v1/aidants/deactivate", AUTH_SESSION, BODY_BULK, api_aidant_deactivate },
	{ "POST",   "/v1/aidants/unlock",  AUTH_SESSION, BODY_BULK, api_aidant_unlock },

	/* cards (api_cards*.c) */
	{ "POST",   "/v1/cards",           AUTH_SESSION, BODY_BULK, api_card_import },
	{ "GET",    "/v1/cards",           AUTH_SESSION, BODY_NONE, api_card_list },
	{ "POST",   "/v1/cards/link",      AUTH_SESSION, BODY_BULK, api_card_link },
	{ "POST",   "/v1/cards/unlink",    AUTH_SESSION, BODY_BULK, api_card_unlink },
	{ "POST",   "/v1/cards/enroll",    AUTH_SESSION, BODY_JSON, api_card_enroll },
	{ "POST",   "/v1/cards/activate",  AUTH_SESSION, BODY_JSON, api_card_activate },
	{ "POST",   "/v1/cards/check",     AUTH_SESSION, BODY_JSON, api_card_check },

	/* structures' démarches (api_structures.c) */
	{ "PATCH",  "/v1/structures/{}",   AUTH_SESSION, BODY_JSON, api_structure_update },
	{ "POST",   "/v1/structures/deactivate", AUTH_SESSION, BODY_BULK, api_structure_deactivate },

	/* mandates: signature (api_drafts.c), lists, revocation, renewal
	 * (api_mandates.c), usagers (api_usagers.c), paper (api_attestations.c) */
	{ "POST",   "/v1/mandates/drafts", AUTH_SESSION, BODY_JSON, api_draft_create },
	{ "GET",    "/v1/mandates/drafts/{}", AUTH_SESSION, BODY_NONE, api_draft_show },
	{ "POST",   "/v1/mandates/drafts/{}/confirm", AUTH_SESSION, BODY_JSON, api_draft_confirm },
	{ "GET",    "/v1/mandates",        AUTH_SESSION, BODY_NONE, api_mandate_list },
	{ "POST",   "/v1/mandates/revoke", AUTH_SESSION, BODY_BULK, api_mandate_revoke },
	{ "POST",   "/v1/mandates/renew",  AUTH_SESSION, BODY_JSON, api_mandate_renew },
	{ "GET",    "/v1/mandates/{}",     AUTH_SESSION, BODY_NONE, api_mandate_show },
	{ "GET",    "/v1/mandates/{}/attestation", AUTH_SESSION, BODY_NONE, api_mandate_attestation },
	{ "GET",    "/v1/revocations/{}/attestation", AUTH_SESSION, BODY_NONE, api_revocation_attestation },
	{ "GET",    "/v1/attestations/{}", AUTH_NONE,    BODY_NONE, api_attestation_verify },
	{ "GET",    "/v1/usagers",         AUTH_SESSION, BODY_NONE, api_usager_list },
	{ "GET",    "/v1/usagers/{}",      AUTH_SESSION, BODY_NONE, api_usager_show },

	/* the usager's browser (pages_sign.c, html.c) */
	{ "GET",    "/sign/{}",            AUTH_NONE,    BODY_NONE, page_sign_show },
	{ "POST",   "/sign/{}",            AUTH_NONE,    BODY_FORM, page_sign_start },
	{ "GET",    "/fc/callback",        AUTH_NONE,    BODY_NONE, page_fc_callback },
	{ "GET",    "/static/ac.css",      AUTH_NONE,    BODY_NONE, page_css },

	/* acd as identity provider (oidc_*.c, docs/PROVIDER.md) */
	{ "POST",   "/v1/clients",         AUTH_SESSION, BODY_JSON, api_client_create },
	{ "GET",    "/v1/clients",         AUTH_SESSION, BODY_NONE, api_client_list },
	{ "GET",    "/.well-known/openid-configuration", AUTH_NONE, BODY_NONE, oidc_discovery },
	{ "GET",    "/oidc/jwks",          AUTH_NONE,    BODY_NONE, oidc_jwks },
	{ "GET",    "/oidc/authorize",     AUTH_NONE,    BODY_NONE, oidc_authorize },
	{ "POST",   "/oidc/step",          AUTH_NONE,    BODY_FORM, oidc_step },
	{ "POST",   "/oidc/token",         AUTH_NONE,    BODY_FORM, oidc_token },
	{ "GET",    "/oidc/userinfo",      AUTH_NONE,    BODY_NONE, oidc_userinfo },
	{ "POST",   "/oidc/userinfo",      AUTH_NONE,    BODY_FORM, oidc_userinfo },
	{ "GET",    "/oidc/logout",        AUTH_NONE,    BODY_NONE, oidc_logout },
	/* the usager's space, its own cookie session (usager_login.c,
	 * pages_usager.c, usager_actions.c) */
	{ "GET",    "/usager",             AUTH_NONE,    BODY_NONE, page_usager },
	{ "POST",   "/usager/login",       AUTH_NONE,    BODY_FORM, page_usager_login },
	{ "POST",   "/usager/logout",      AUTH_NONE,    BODY_FORM, page_usager_logout },
	{ "POST",   "/usager/revoke",      AUTH_NONE,    BODY_FORM, page_usager_revoke },
	{ "GET",    "/usager/export",      AUTH_NONE,    BODY_NONE, page_usager_export },
	{ "GET",    "/usager/mandates/{}/attestation", AUTH_NONE, BODY_NONE, page_usager_mandate_attestation },
	{ "GET",    "/usager/revocations/{}/attestation", AUTH_NONE, BODY_NONE, page_usager_revocation_attestation },

	/* the journal (api_journal.c) */
	{ "GET",    "/v1/journal",         AUTH_SESSION, BODY_NONE, api_journal },
	/* the daily cron job (api_reminders.c) */
	{ "POST",   "/v1/reminders/send",  AUTH_SESSION, BODY_JSON, api_reminders_send },

	{ 0 }
};

static int match(const char *pattern, const char *path, char arg[128])
{
	const char *brace = strstr(pattern, "{}");
	if (!brace)
		return strcmp(pattern, path) == 0;
	size_t pre = (size_t)(brace - pattern);
	if (strncmp(pattern, path, pre))
		return 0;
	const char *seg = path + pre, *end = strchr(seg, '/');
	size_t n = end ? (size_t)(end - seg) : strlen(seg);
	if (n == 0 || n >= 128 || strcmp(end ? end : "", brace + 2))
		return 0;
	memcpy(arg, seg, n);
	arg[n] = 0;
	return 1;
}

const struct route *route_find(const char *method, const char *path, char arg[128],
			       int *path_known)
{
	*path_known = 0;
	for (const struct route *r = routes; r->path; r++) {
		if (!match(r->path, path, arg))
			continue;
		*path_known = 1;
		if (!strcmp(r->method, method))
			return r;
	}
	return NULL;
}
