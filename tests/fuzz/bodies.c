/* bodies.c (fuzz) — the JSON body of every route, through the validation acd
 * runs: the first byte picks a route of acd/bodies.c, the second whether the
 * rest is its single object (req_object) or a bulk NDJSON body (fields_lines
 * and fields_line, as items.c reads it); a checked object then goes through
 * the field checks the handlers share (emails, démarches, durations). */
#include "bodies.h"
#include "demarches.h"

#include <stdlib.h>
#include <string.h>

static size_t nspecs;

static int has(const struct field *spec, const char *name)
{
	for (; spec->name; spec++)
		if (!strcmp(spec->name, name))
			return 1;
	return 0;
}

/* What a handler reads of a checked object. */
static void use(json_t *in, const struct field *spec)
{
	struct fail f = { 0 };
	char email[256], demarches[DEMARCHES_MAX];
	for (const struct field *s = spec; s->name; s++) {
		/* a checked field reads as its type; a missing one as the default */
		if (s->type == F_STR && !jstr(in, s->name, ""))
			abort();
		if (s->required && s->type == F_INT && jint(in, s->name, 0) != json_integer_value(json_object_get(in, s->name)))
			abort();
		jbool(in, s->name, 0);
	}
	if (has(spec, "email"))
		field_email(in, email, &f);
	if (has(spec, "send_link"))
		field_link_email(in, email, &f);
	if (has(spec, "demarches") && json_object_get(in, "demarches"))
		demarches_parse(json_object_get(in, "demarches"), NULL, demarches, &f);
	if (has(spec, "duration"))
		duration_parse(jstr(in, "duration", ""), &f);
	if (f.status && (f.status != 400 || !*f.code))
		abort(); /* a refusal is always a 400 with its code */
}

struct bulk {
	const struct field *spec;
	size_t last;
};

static int one_line(size_t lineno, const char *txt, size_t n, void *arg)
{
	struct bulk *b = arg;
	if (lineno <= b->last || n == 0 || txt[n - 1] == '\n')
		abort(); /* lines come in order, each without its end */
	b->last = lineno;
	struct fail f = { 0 };
	json_t *in = fields_line(txt, n, b->spec, &f);
	if (!in && (f.status != 400 || !*f.code))
		abort();
	if (in)
		use(in, b->spec);
	json_decref(in);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!nspecs)
		while (body_specs[nspecs].method)
			nspecs++;
	if (size < 2)
		return 0;
	const struct field *spec = body_specs[data[0] % nspecs].fields;
	/* acd's body buffer ends with a NUL past its length (http.c) */
	char *body = malloc(size - 2 + 1);
	memcpy(body, data + 2, size - 2);
	body[size - 2] = 0;
	if (data[1] & 1) {
		struct bulk b = { spec, 0 };
		fields_lines(body, size - 2, one_line, &b);
	} else {
		struct req r = { .body = body, .len = size - 2 };
		struct fail f = { 0 };
		json_t *in = req_object(&r, spec, &f);
		if (!in && (f.status != 400 || !*f.code))
			abort();
		if (in)
			use(in, spec);
		json_decref(in);
	}
	free(body);
	return 0;
}
