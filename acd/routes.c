/* routes.c — every route of /v1 in one table.  The last column: the API
 * token scopes that may call the route (tokens.h); NO_TOKEN: sessions only
 * (signing, renewing or revoking a mandate, making tokens, logging out...).
 * Every AUTH_NONE route is rate-limited per client address (ratelimit.h):
 * logins, the usager's and the provider's pages, attestation checks, the
 * public statistics page, structures' applications (the form, its links, the
 * JSON of ac-structure-apply).  A few public routes are AUTH_OPEN instead: the
 * health check, which a monitor or a load balancer polls from one address and
 * which must tell the truth while a client is being refused; the stylesheet,
 * constant and read with every page (a page would count twice); and the
 * provider's discovery and keys, constant documents the relying parties'
 * servers fetch (FranceConnect's among them, whose refused key fetch would
 * stop every aidant's flow at once).  The token and userinfo endpoints are
 * AUTH_CLIENT: their handlers authenticate the client's secret or the access
 * token, and those same servers call them. */
#include "routes.h"

#include <string.h>

/* the structures' list: what every referent's token needs to know its ids */
#define SC_DIRECTORY (SC_STATS | SC_AIDANTS | SC_CARDS | SC_HABILITATIONS)

static const struct route routes[] = {
	/* health and sessions */
	{ "GET",    "/v1/health",          AUTH_OPEN,    BODY_NONE, api_health, NO_TOKEN },
	{ "POST",   "/v1/session",         AUTH_NONE,    BODY_JSON, api_session_create, NO_TOKEN },
	{ "GET",    "/v1/session",         AUTH_SESSION, BODY_NONE, api_session_show, SC_ANY },
	{ "DELETE", "/v1/session",         AUTH_SESSION, BODY_NONE, api_session_delete, NO_TOKEN },

	/* structures and aidants (api_structures.c, api_aidants.c) */
	{ "POST",   "/v1/structures",      AUTH_SESSION, BODY_BULK, api_structure_create, NO_TOKEN },
	{ "GET",    "/v1/structures",      AUTH_SESSION, BODY_NONE, api_structure_list, SC_DIRECTORY },
	{ "POST",   "/v1/aidants",         AUTH_SESSION, BODY_BULK, api_aidant_add, SC_AIDANTS },
	{ "GET",    "/v1/aidants",         AUTH_SESSION, BODY_NONE, api_aidant_list, SC_AIDANTS | SC_CARDS },
	{ "POST",   "/v1/aidants/deactivate", AUTH_SESSION, BODY_BULK, api_aidant_deactivate, SC_AIDANTS },
	{ "POST",   "/v1/aidants/unlock",  AUTH_SESSION, BODY_BULK, api_aidant_unlock, SC_AIDANTS },
	{ "POST",   "/v1/aidants/inactive", AUTH_SESSION, BODY_JSON, api_aidant_inactive, SC_AIDANTS },

	/* cards (api_cards*.c) */
	{ "POST",   "/v1/cards",           AUTH_SESSION, BODY_BULK, api_card_import, SC_CARDS },
	{ "GET",    "/v1/cards",           AUTH_SESSION, BODY_NONE, api_card_list, SC_CARDS },
	{ "POST",   "/v1/cards/link",      AUTH_SESSION, BODY_BULK, api_card_link, SC_CARDS },
	{ "POST",   "/v1/cards/unlink",    AUTH_SESSION, BODY_BULK, api_card_unlink, SC_CARDS },
	{ "POST",   "/v1/cards/enroll",    AUTH_SESSION, BODY_JSON, api_card_enroll, NO_TOKEN },
	{ "POST",   "/v1/cards/activate",  AUTH_SESSION, BODY_JSON, api_card_activate, NO_TOKEN },
	{ "POST",   "/v1/cards/check",     AUTH_SESSION, BODY_JSON, api_card_check, SC_CARDS },

	/* structures' démarches (api_structures.c) */
	{ "PATCH",  "/v1/structures/{}",   AUTH_SESSION, BODY_JSON, api_structure_update, NO_TOKEN },
	{ "POST",   "/v1/structures/deactivate", AUTH_SESSION, BODY_BULK, api_structure_deactivate, NO_TOKEN },

	/* mandates: signature (api_drafts.c), lists, revocation, renewal
	 * (api_mandates.c), usagers (api_usagers.c), paper (api_attestations.c) */
	{ "POST",   "/v1/mandates/drafts", AUTH_SESSION, BODY_JSON, api_draft_create, NO_TOKEN },
	{ "GET",    "/v1/mandates/drafts/{}", AUTH_SESSION, BODY_NONE, api_draft_show, NO_TOKEN },
	{ "POST",   "/v1/mandates/drafts/{}/confirm", AUTH_SESSION, BODY_JSON, api_draft_confirm, NO_TOKEN },
	{ "GET",    "/v1/mandates",        AUTH_SESSION, BODY_NONE, api_mandate_list, SC_MANDATES },
	{ "POST",   "/v1/mandates/revoke", AUTH_SESSION, BODY_BULK, api_mandate_revoke, NO_TOKEN },
	{ "POST",   "/v1/mandates/renew",  AUTH_SESSION, BODY_JSON, api_mandate_renew, NO_TOKEN },
	{ "GET",    "/v1/mandates/{}",     AUTH_SESSION, BODY_NONE, api_mandate_show, SC_MANDATES },
	{ "GET",    "/v1/mandates/{}/attestation", AUTH_SESSION, BODY_NONE, api_mandate_attestation, SC_MANDATES },
	{ "GET",    "/v1/revocations/{}/attestation", AUTH_SESSION, BODY_NONE, api_revocation_attestation, SC_MANDATES },
	{ "GET",    "/v1/attestations/{}", AUTH_NONE,    BODY_NONE, api_attestation_verify, NO_TOKEN },
	{ "GET",    "/v1/usagers",         AUTH_SESSION, BODY_NONE, api_usager_list, SC_MANDATES },
	{ "GET",    "/v1/usagers/{}",      AUTH_SESSION, BODY_NONE, api_usager_show, SC_MANDATES },

	/* the usager's browser (pages_sign.c, html.c) */
	{ "GET",    "/sign/{}",            AUTH_NONE,    BODY_NONE, page_sign_show, NO_TOKEN },
	{ "POST",   "/sign/{}",            AUTH_NONE,    BODY_FORM, page_sign_start, NO_TOKEN },
	{ "GET",    "/fc/callback",        AUTH_NONE,    BODY_NONE, page_fc_callback, NO_TOKEN },
	{ "GET",    "/static/ac.css",      AUTH_OPEN,    BODY_NONE, page_css, NO_TOKEN },

	/* acd as identity provider (oidc_*.c, docs/PROVIDER.md) */
	{ "POST",   "/v1/clients",         AUTH_SESSION, BODY_JSON, api_client_create, NO_TOKEN },
	{ "GET",    "/v1/clients",         AUTH_SESSION, BODY_NONE, api_client_list, NO_TOKEN },
	{ "GET",    "/.well-known/openid-configuration", AUTH_OPEN, BODY_NONE, oidc_discovery, NO_TOKEN },
	{ "GET",    "/oidc/jwks",          AUTH_OPEN,    BODY_NONE, oidc_jwks, NO_TOKEN },
	{ "GET",    "/oidc/authorize",     AUTH_NONE,    BODY_NONE, oidc_authorize, NO_TOKEN },
	{ "POST",   "/oidc/step",          AUTH_NONE,    BODY_FORM, oidc_step, NO_TOKEN },
	{ "POST",   "/oidc/token",         AUTH_CLIENT,  BODY_FORM, oidc_token, NO_TOKEN },
	{ "GET",    "/oidc/userinfo",      AUTH_CLIENT,  BODY_NONE, oidc_userinfo, NO_TOKEN },
	{ "POST",   "/oidc/userinfo",      AUTH_CLIENT,  BODY_FORM, oidc_userinfo, NO_TOKEN },
	{ "GET",    "/oidc/logout",        AUTH_NONE,    BODY_NONE, oidc_logout, NO_TOKEN },
	/* the usager's space, its own cookie session (usager_login.c,
	 * pages_usager.c, usager_actions.c) */
	{ "GET",    "/usager",             AUTH_NONE,    BODY_NONE, page_usager, NO_TOKEN },
	{ "POST",   "/usager/login",       AUTH_NONE,    BODY_FORM, page_usager_login, NO_TOKEN },
	{ "POST",   "/usager/logout",      AUTH_NONE,    BODY_FORM, page_usager_logout, NO_TOKEN },
	{ "POST",   "/usager/revoke",      AUTH_NONE,    BODY_FORM, page_usager_revoke, NO_TOKEN },
	{ "GET",    "/usager/export",      AUTH_NONE,    BODY_NONE, page_usager_export, NO_TOKEN },
	{ "GET",    "/usager/mandates/{}/attestation", AUTH_NONE, BODY_NONE, page_usager_mandate_attestation, NO_TOKEN },
	{ "GET",    "/usager/revocations/{}/attestation", AUTH_NONE, BODY_NONE, page_usager_revocation_attestation, NO_TOKEN },

	/* API tokens (api_tokens.c): made and ended by people, never by a token */
	{ "POST",   "/v1/tokens",          AUTH_SESSION, BODY_JSON, api_token_create, NO_TOKEN },
	{ "GET",    "/v1/tokens",          AUTH_SESSION, BODY_NONE, api_token_list, NO_TOKEN },
	{ "POST",   "/v1/tokens/revoke",   AUTH_SESSION, BODY_BULK, api_token_revoke, NO_TOKEN },

	/* the journal (api_journal.c) */
	{ "GET",    "/v1/journal",         AUTH_SESSION, BODY_NONE, api_journal, SC_JOURNAL },
	/* the daily cron job (api_reminders.c) */
	{ "POST",   "/v1/reminders/send",  AUTH_SESSION, BODY_JSON, api_reminders_send, SC_REMINDERS },
	/* structures' applications (api_structure_requests.c, application_set.c;
	 * the form: pages_apply.c, pages_apply_link.c) */
	{ "POST",   "/v1/structure-requests", AUTH_NONE, BODY_JSON, api_structure_request_create, NO_TOKEN },
	{ "GET",    "/v1/structure-requests", AUTH_SESSION, BODY_NONE, api_structure_request_list, SC_HABILITATIONS },
	{ "POST",   "/v1/structure-requests/set", AUTH_SESSION, BODY_BULK, api_structure_request_set, SC_HABILITATIONS },
	{ "GET",    "/habilitation",       AUTH_NONE,    BODY_NONE, page_apply_show, NO_TOKEN },
	{ "POST",   "/habilitation",       AUTH_NONE,    BODY_FORM, page_apply_post, NO_TOKEN },
	{ "GET",    "/habilitation/{}",    AUTH_NONE,    BODY_NONE, page_apply_link_show, NO_TOKEN },
	{ "POST",   "/habilitation/{}",    AUTH_NONE,    BODY_FORM, page_apply_link_post, NO_TOKEN },
	/* aidants' habilitation requests (api_habilitations.c) */
	{ "GET",    "/v1/habilitation-requests", AUTH_SESSION, BODY_NONE, api_habilitation_list, SC_HABILITATIONS },
	{ "POST",   "/v1/habilitation-requests", AUTH_SESSION, BODY_BULK, api_habilitation_create, SC_HABILITATIONS },
	{ "POST",   "/v1/habilitation-requests/set", AUTH_SESSION, BODY_BULK, api_habilitation_set, SC_HABILITATIONS },
	/* training sessions (training_*.c, api_trainings.c) */
	{ "POST",   "/v1/trainings",       AUTH_SESSION, BODY_BULK, api_training_create, SC_HABILITATIONS },
	{ "GET",    "/v1/trainings",       AUTH_SESSION, BODY_NONE, api_training_list, SC_HABILITATIONS },
	{ "POST",   "/v1/trainings/register", AUTH_SESSION, BODY_BULK, api_training_register, SC_HABILITATIONS },
	{ "POST",   "/v1/trainings/unregister", AUTH_SESSION, BODY_BULK, api_training_unregister, SC_HABILITATIONS },
	{ "POST",   "/v1/trainings/attend", AUTH_SESSION, BODY_BULK, api_training_attend, SC_HABILITATIONS },
	/* statistics (api_stats.c, pages_stats.c: the public page) */
	{ "GET",    "/v1/stats",           AUTH_SESSION, BODY_NONE, api_stats, SC_STATS },
	{ "GET",    "/stats",              AUTH_NONE,    BODY_NONE, page_stats, NO_TOKEN },

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
