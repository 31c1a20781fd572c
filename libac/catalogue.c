/* catalogue.c — the stable values of the API (DESIGN §4). */
#include "ac.h"

#include <string.h>

const char *const ac_structure_types[] = {
	"ccas", "france_services", "association", "mairie", "departement", "autre", NULL
};

const char *const ac_card_states[] = {
	"stock", "linked", "active", "lost", "broken", "retired", NULL
};

const char *const ac_stats_groupings[] = { "national", "region", "departement", "structure",
					   "demarche", "month", NULL };

const char *const ac_unlink_reasons[] = { "lost", "broken", "departure", "error", "returned",
						NULL };

const struct ac_demarche ac_demarches[] = {
	{ "papiers", "Papiers – Citoyenneté – Élections",
	  "État civil, passeport, carte d'identité, élections, papiers à conserver" },
	{ "famille", "Famille – Scolarité",
	  "Allocations familiales, naissance, mariage, PACS, scolarité" },
	{ "social", "Social – Santé",
	  "Carte Vitale, chômage, handicap, RSA, complémentaire santé" },
	{ "travail", "Travail – Formation",
	  "Emploi, retraite, formation, permis de travail" },
	{ "logement", "Logement",
	  "Allocations logement, déménagement, litige avec le propriétaire" },
	{ "transports", "Transports – Mobilité",
	  "Carte grise, permis de conduire, contrôle technique, infractions" },
	{ "argent", "Argent – Impôts – Consommation",
	  "Impôts, crédit, assurance, consommation, surendettement" },
	{ "justice", "Justice",
	  "Casier judiciaire, plainte, aide juridictionnelle, saisie" },
	{ "etranger", "Étranger – Europe",
	  "Titre de séjour, attestation d'accueil, naturalisation, demande d'asile" },
	{ "loisirs", "Loisirs – Sport – Culture",
	  "Animaux, permis de chasser, tourisme, permis bateau" },
	{ NULL, NULL, NULL }
};

const char *const ac_demarche_codes[] = {
	"papiers", "famille", "social", "travail", "logement",
	"transports", "argent", "justice", "etranger", "loisirs", NULL
};

const struct ac_demarche *ac_demarche_find(const char *code)
{
	for (const struct ac_demarche *d = ac_demarches; d->code; d++)
		if (!strcmp(d->code, code))
			return d;
	return NULL;
}

const struct ac_duration ac_durations[] = {
	{ "short", 1, "1 jour" },
	{ "month", 31, "1 mois" },
	{ "semester", 182, "6 mois" },
	{ "long", 365, "12 mois" },
	{ NULL, 0, NULL }
};

const char *const ac_duration_codes[] = { "short", "month", "semester", "long", NULL };

static const struct ac_duration *duration_find(const char *code)
{
	for (const struct ac_duration *d = ac_durations; d->code; d++)
		if (!strcmp(d->code, code))
			return d;
	return NULL;
}

int ac_duration_days(const char *code)
{
	const struct ac_duration *d = duration_find(code);
	return d ? d->days : -1;
}

const char *ac_duration_label(const char *code)
{
	const struct ac_duration *d = duration_find(code);
	return d ? d->label : NULL;
}

const char *const ac_mandate_statuses[] = { "active", "expired", "revoked", NULL };

int ac_in_list(const char *const *list, const char *value)
{
	for (; *list; list++)
		if (!strcmp(*list, value))
			return 1;
	return 0;
}

const char *ac_list_words(const char *const *list, char *buf, size_t len)
{
	buf[0] = 0;
	for (; *list; list++) {
		strncat(buf, *list, len - strlen(buf) - 1);
		if (list[1])
			strncat(buf, ", ", len - strlen(buf) - 1);
	}
	return buf;
}

const char *const ac_scopes[] = {
	"stats:read", "reminders:send", "journal:read", "aidants:write",
	"cards:write", "habilitations:write", "mandates:read", NULL
};

unsigned ac_scopes_mask(const char *list, char *why, size_t len)
{
	json_t *a = ac_codes_parse(list, ac_scopes, "scope", why, len);
	if (!a)
		return 0;
	unsigned mask = 0;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		for (unsigned b = 0; ac_scopes[b]; b++)
			if (!strcmp(ac_scopes[b], json_string_value(v)))
				mask |= 1u << b;
	json_decref(a);
	return mask;
}

json_t *ac_scopes_json(unsigned mask)
{
	json_t *a = json_array();
	for (unsigned b = 0; ac_scopes[b]; b++)
		if (mask & (1u << b))
			json_array_append_new(a, json_string(ac_scopes[b]));
	return a;
}
