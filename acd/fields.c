/* fields.c — strict JSON input: exactly the known fields, each of its type. */
#include "req.h"
#include "ac.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fail_set(struct fail *f, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	f->status = status;
	snprintf(f->code, sizeof f->code, "%s", code);
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *type_name(enum field_type t)
{
	return t == F_STR ? "a string" : t == F_INT ? "an integer" : t == F_ARRAY ? "a list"
	       : t == F_OBJECT ? "an object" : "true or false";
}

static int type_ok(json_t *v, enum field_type t)
{
	switch (t) {
	case F_STR: return json_is_string(v);
	case F_INT: return json_is_integer(v);
	case F_BOOL: return json_is_boolean(v);
	case F_ARRAY: return json_is_array(v);
	case F_OBJECT: return json_is_object(v);
	}
	return 0;
}

int fields_check(json_t *obj, const struct field *spec, struct fail *f)
{
	if (!json_is_object(obj))
		return fail_set(f, 400, "not_an_object", "the body must be a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		const struct field *s = spec;
		while (s->name && strcmp(s->name, k))
			s++;
		if (!s->name)
			return fail_set(f, 400, "unknown_field", "unknown field \"%.60s\"", k);
		if (!type_ok(v, s->type))
			return fail_set(f, 400, "wrong_type", "field \"%s\" must be %s", k,
					type_name(s->type));
	}
	for (const struct field *s = spec; s->name; s++)
		if (s->required && !json_object_get(obj, s->name))
			return fail_set(f, 400, "missing_field", "field \"%s\" is required", s->name);
	return 0;
}

json_t *req_object(struct req *r, const struct field *spec, struct fail *f)
{
	json_error_t e;
	json_t *o = json_loadb(r->body ? r->body : "", r->len, JSON_REJECT_DUPLICATES, &e);
	if (!o) {
		char why[JSON_ERROR_TEXT_LENGTH];
		fail_set(f, 400, "bad_json", "malformed JSON at line %d, column %d: %s", e.line,
			 e.column, ac_json_error(&e, why, sizeof why));
		return NULL;
	}
	if (fields_check(o, spec, f)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int fields_lines(const char *body, size_t len, fields_line_fn fn, void *arg)
{
	const char *p = body ? body : "", *end = p + len;
	size_t lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		size_t k = n;
		while (k && (p[k - 1] == '\r' || p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (k && fn(lineno, p, k, arg))
			return -1;
		p += n + 1;
	}
	return 0;
}

json_t *fields_line(const char *txt, size_t n, const struct field *spec, struct fail *f)
{
	json_error_t e;
	json_t *in = json_loadb(txt, n, JSON_REJECT_DUPLICATES, &e);
	if (!in) {
		char why[JSON_ERROR_TEXT_LENGTH];
		fail_set(f, 400, "bad_json", "malformed JSON at column %d: %s", e.column,
			 ac_json_error(&e, why, sizeof why));
		return NULL;
	}
	if (fields_check(in, spec, f)) {
		json_decref(in);
		return NULL;
	}
	return in;
}

const char *jstr(json_t *o, const char *k, const char *dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t jint(json_t *o, const char *k, int64_t dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

int jbool(json_t *o, const char *k, int dflt)
{
	json_t *v = json_object_get(o, k);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

void iso_time(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int field_email(json_t *o, char out[256], struct fail *f)
{
	return field_email_of(o, "email", out, f);
}

int field_email_of(json_t *o, const char *key, char out[256], struct fail *f)
{
	const char *v = jstr(o, key, "");
	snprintf(out, 256, "%s", v);
	if (strlen(v) >= 256 || ac_email_normalize(out))
		return fail_set(f, 400, "bad_email", "\"%.80s\" is not a valid email address", v);
	return 0;
}

int field_link_email(json_t *o, char out[256], struct fail *f)
{
	*out = 0;
	return json_object_get(o, "send_link") ? field_email_of(o, "send_link", out, f) : 0;
}
