/* bodies.c — what every route that takes a JSON body accepts: its fields,
 * each of its type, required or not (fields_check, req.h).  One table beside
 * the route table, read by the handlers and by the fuzzer (tests/fuzz/bodies.c),
 * which so reaches every route's validation.  A bulk route's NDJSON lines take
 * the same fields as its single object. */
#include "bodies.h"

#include <stddef.h>

const struct field body_session_create[] = { { "email", F_STR, 1 }, { "code", F_STR, 1 }, { 0 } };
const struct field body_structure_create[] = {
	{ "name", F_STR, 1 }, { "siret", F_STR, 1 }, { "zipcode", F_STR, 1 }, { "city", F_STR, 1 },
	{ "address", F_STR, 0 }, { "type", F_STR, 0 }, { 0 }
};
const struct field body_aidant_add[] = {
	{ "structure", F_INT, 1 }, { "email", F_STR, 1 }, { "first_name", F_STR, 1 },
	{ "last_name", F_STR, 1 }, { "profession", F_STR, 0 }, { "phone", F_STR, 0 },
	{ "referent", F_BOOL, 0 }, { "aidant", F_BOOL, 0 }, { 0 }
};
const struct field body_aidant_deactivate[] = {
	{ "email", F_STR, 1 }, { "structure", F_INT, 0 }, { 0 }
};
const struct field body_aidant_unlock[] = { { "email", F_STR, 1 }, { 0 } };
const struct field body_aidant_inactive[] = {
	{ "warn_after", F_INT, 0 }, { "deactivate_after", F_INT, 0 }, { "dry_run", F_BOOL, 0 }, { 0 }
};
const struct field body_card_import[] = {
	{ "serial", F_STR, 1 }, { "seed", F_STR, 0 }, { "seed_base32", F_STR, 0 },
	{ "digits", F_INT, 0 }, { "step", F_INT, 0 }, { "algorithm", F_STR, 0 }, { 0 }
};
const struct field body_card_link[] = {
	{ "serial", F_STR, 1 }, { "email", F_STR, 1 }, { "code", F_STR, 0 }, { 0 }
};
const struct field body_card_unlink[] = { { "serial", F_STR, 1 }, { "reason", F_STR, 1 }, { 0 } };
const struct field body_card_enroll[] = { { "email", F_STR, 1 }, { 0 } };
const struct field body_card_activate[] = { { "serial", F_STR, 1 }, { "code", F_STR, 1 }, { 0 } };
const struct field body_card_check[] = { { "serial", F_STR, 1 }, { "code", F_STR, 1 }, { 0 } };
const struct field body_structure_update[] = {
	{ "demarches", F_ARRAY, 0 }, { "name", F_STR, 0 }, { "address", F_STR, 0 },
	{ "zipcode", F_STR, 0 }, { "city", F_STR, 0 }, { 0 }
};
const struct field body_structure_deactivate[] = {
	{ "id", F_INT, 1 }, { "reason", F_STR, 1 }, { 0 }
};
const struct field body_draft_create[] = {
	{ "demarches", F_ARRAY, 1 }, { "duration", F_STR, 1 }, { "structure", F_INT, 0 },
	{ "send_link", F_STR, 0 }, { 0 }
};
const struct field body_draft_confirm[] = {
	{ "code", F_STR, 1 }, { "consent", F_BOOL, 1 }, { "no_credentials_kept", F_BOOL, 0 }, { 0 }
};
const struct field body_mandate_revoke[] = {
	{ "id", F_INT, 1 }, { "demarches", F_ARRAY, 0 }, { 0 }
};
const struct field body_mandate_renew[] = {
	{ "usager", F_INT, 1 }, { "demarches", F_ARRAY, 1 }, { "duration", F_STR, 1 },
	{ "code", F_STR, 0 }, { "structure", F_INT, 0 }, { "send_link", F_STR, 0 }, { 0 }
};
const struct field body_client_create[] = {
	{ "name", F_STR, 1 }, { "redirect_uri", F_STR, 1 }, { "signing", F_STR, 0 }, { 0 }
};
const struct field body_token_create[] = {
	{ "name", F_STR, 1 }, { "scopes", F_ARRAY, 1 }, { "expires_in", F_INT, 0 },
	{ "structure", F_INT, 0 }, { 0 }
};
const struct field body_token_revoke[] = { { "id", F_INT, 1 }, { 0 } };
const struct field body_reminders_send[] = {
	{ "within", F_INT, 0 }, { "dry_run", F_BOOL, 0 }, { 0 }
};
const struct field body_habilitation_create[] = {
	{ "structure", F_INT, 1 }, { "email", F_STR, 1 }, { "first_name", F_STR, 1 },
	{ "last_name", F_STR, 1 }, { "profession", F_STR, 1 }, { "conseiller_numerique", F_BOOL, 0 },
	{ "course", F_STR, 0 }, { "trainer", F_STR, 0 }, { 0 }
};
const struct field body_habilitation_set[] = {
	{ "id", F_INT, 0 }, { "email", F_STR, 0 }, { "structure", F_INT, 0 }, { "status", F_STR, 0 },
	{ "message", F_STR, 0 }, { "pix_passed", F_BOOL, 0 }, { "pix_score", F_INT, 0 },
	{ "trained_on", F_STR, 0 }, { 0 }
};
const struct field body_training_create[] = {
	{ "start", F_STR, 1 }, { "hours", F_INT, 1 }, { "place", F_STR, 0 }, { "remote", F_BOOL, 0 },
	{ "capacity", F_INT, 1 }, { "kind", F_STR, 0 }, { "organisation", F_STR, 0 }, { 0 }
};
const struct field body_training_seat[] = { { "training", F_INT, 1 }, { "request", F_INT, 1 }, { 0 } };
const struct field body_training_attend[] = { { "training", F_INT, 1 }, { "email", F_STR, 1 }, { 0 } };

const struct body_spec body_specs[] = {
	{ "POST", "/v1/session", body_session_create },
	{ "POST", "/v1/structures", body_structure_create },
	{ "POST", "/v1/aidants", body_aidant_add },
	{ "POST", "/v1/aidants/deactivate", body_aidant_deactivate },
	{ "POST", "/v1/aidants/unlock", body_aidant_unlock },
	{ "POST", "/v1/aidants/inactive", body_aidant_inactive },
	{ "POST", "/v1/cards", body_card_import },
	{ "POST", "/v1/cards/link", body_card_link },
	{ "POST", "/v1/cards/unlink", body_card_unlink },
	{ "POST", "/v1/cards/enroll", body_card_enroll },
	{ "POST", "/v1/cards/activate", body_card_activate },
	{ "POST", "/v1/cards/check", body_card_check },
	{ "PATCH", "/v1/structures/{}", body_structure_update },
	{ "POST", "/v1/structures/deactivate", body_structure_deactivate },
	{ "POST", "/v1/mandates/drafts", body_draft_create },
	{ "POST", "/v1/mandates/drafts/{}/confirm", body_draft_confirm },
	{ "POST", "/v1/mandates/revoke", body_mandate_revoke },
	{ "POST", "/v1/mandates/renew", body_mandate_renew },
	{ "POST", "/v1/clients", body_client_create },
	{ "POST", "/v1/tokens", body_token_create },
	{ "POST", "/v1/tokens/revoke", body_token_revoke },
	{ "POST", "/v1/reminders/send", body_reminders_send },
	{ "POST", "/v1/habilitation-requests", body_habilitation_create },
	{ "POST", "/v1/habilitation-requests/set", body_habilitation_set },
	{ "POST", "/v1/trainings", body_training_create },
	{ "POST", "/v1/trainings/register", body_training_seat },
	{ "POST", "/v1/trainings/unregister", body_training_seat },
	{ "POST", "/v1/trainings/attend", body_training_attend },
	{ 0 }
};
