/* pages_apply.h — the application form (pages_apply.c), shared by the new
 * application (/habilitation) and its edit link (pages_apply_link.c). */
#ifndef PAGES_APPLY_H
#define PAGES_APPLY_H
#include "html.h"

#define APPLY_FORM_ROWS 100 /* aidants' rows on the page; more with ac-structure-apply */

/* The form, filled from app (NULL: empty), with rows aidants' rows, posted
 * to action; error (French, NULL: none) and the operator's message (NULL:
 * none) above it. */
void apply_form(struct page *p, json_t *app, int rows, const char *action, const char *csrf,
		const char *error, const char *message);
/* The application a posted form holds (every key there, values as typed),
 * the rows it showed, and whether it asks for more rows instead of sending. */
json_t *apply_from_form(const char *body, int *rows, int *more);
#endif
