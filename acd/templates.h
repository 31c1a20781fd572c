/* templates.h — the versioned French texts of the attestations, embedded in
 * acd from acd/templates/ (see the README there: a released text never
 * changes; a new wording is a new version). */
#ifndef TEMPLATES_H
#define TEMPLATES_H

struct template {
	const char *name;       /* "mandat-1": kind, dash, version */
	const char *text;
};
extern const struct template templates[]; /* generated; ends with { 0, 0 } */

const struct template *template_find(const char *name);    /* NULL: unknown */
/* The highest version of kind ("mandat", "revocation"): the one new
 * attestations use.  NULL: no template of that kind. */
const struct template *template_current(const char *kind);
/* SHA-256 of the exact text, as 64 lowercase hex digits and a NUL. */
void template_hash(const struct template *, char hex[65]);
#endif
