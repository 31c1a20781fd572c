/* catalogue.c — the stable values of the API (DESIGN §4). */
#include "ac.h"

#include <string.h>

const char *const ac_structure_types[] = {
	"ccas", "france_services", "association", "mairie", "departement", "autre", NULL
};

const char *const ac_card_states[] = {
	"stock", "linked", "active", "lost", "broken", "retired", NULL
};

const char *const ac_unlink_reasons[] = { "lost", "broken", "departure", "error", NULL };

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
