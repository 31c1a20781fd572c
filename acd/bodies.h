/* bodies.h — the JSON body each route takes (bodies.c). */
#ifndef BODIES_H
#define BODIES_H

#include "req.h"

extern const struct field body_session_create[]; /* POST /v1/session */
extern const struct field body_structure_create[]; /* POST /v1/structures */
extern const struct field body_aidant_add[]; /* POST /v1/aidants */
extern const struct field body_aidant_deactivate[]; /* POST /v1/aidants/deactivate */
extern const struct field body_aidant_unlock[]; /* POST /v1/aidants/unlock */
extern const struct field body_aidant_inactive[]; /* POST /v1/aidants/inactive */
extern const struct field body_card_import[]; /* POST /v1/cards */
extern const struct field body_card_link[]; /* POST /v1/cards/link */
extern const struct field body_card_unlink[]; /* POST /v1/cards/unlink */
extern const struct field body_card_enroll[]; /* POST /v1/cards/enroll */
extern const struct field body_card_activate[]; /* POST /v1/cards/activate */
extern const struct field body_card_check[]; /* POST /v1/cards/check */
extern const struct field body_structure_update[]; /* PATCH /v1/structures/{} */
extern const struct field body_structure_deactivate[]; /* POST /v1/structures/deactivate */
extern const struct field body_draft_create[]; /* POST /v1/mandates/drafts */
extern const struct field body_draft_confirm[]; /* POST /v1/mandates/drafts/{}/confirm */
extern const struct field body_mandate_revoke[]; /* POST /v1/mandates/revoke */
extern const struct field body_mandate_renew[]; /* POST /v1/mandates/renew */
extern const struct field body_client_create[]; /* POST /v1/clients */
extern const struct field body_token_create[]; /* POST /v1/tokens */
extern const struct field body_token_revoke[]; /* POST /v1/tokens/revoke */
extern const struct field body_reminders_send[]; /* POST /v1/reminders/send */
extern const struct field body_habilitation_create[]; /* POST /v1/habilitation-requests */
extern const struct field body_habilitation_set[]; /* POST /v1/habilitation-requests/set */
extern const struct field body_training_create[]; /* POST /v1/trainings */
extern const struct field body_training_seat[]; /* POST /v1/trainings/register, /unregister */
extern const struct field body_training_attend[]; /* POST /v1/trainings/attend */

/* Every route and its body, for the fuzzer and the tests. */
struct body_spec {
	const char *method, *path;
	const struct field *fields;
};
extern const struct body_spec body_specs[];

#endif
