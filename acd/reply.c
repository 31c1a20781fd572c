/* reply.c — JSON bodies and error objects {"error":{"code","message"}}. */
#include "req.h"
#include "ac.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int reply_json(struct req *r, int status, json_t *body)
{
	free(r->out);
	r->out = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	r->outlen = r->out ? strlen(r->out) : 0;
	if (r->out) {
		/* one line, like every NDJSON record */
		r->out = realloc(r->out, r->outlen + 2);
		r->out[r->outlen++] = '\n';
		r->out[r->outlen] = 0;
	}
	r->status = status;
	r->ctype = "application/json";
	return status;
}

/* A message names what the client sent (a path, a field's value): bytes that
 * are not UTF-8 become '?', or jansson would refuse the string and the
 * error go out with no body.  A message cut mid-character is mended too. */
static void utf8_mend(char *s)
{
	const unsigned char *end = (unsigned char *)s + strlen(s);
	for (unsigned char *p = (unsigned char *)s; *p;) {
		size_t n = ac_utf8_len(p, end);
		if (n)
			p += n;
		else
			*p++ = '?';
	}
}

int reply_fail(struct req *r, const struct fail *f)
{
	char message[sizeof f->message];
	snprintf(message, sizeof message, "%s", f->message);
	utf8_mend(message);
	return reply_json(r, f->status,
			  json_pack("{s:{s:s,s:s}}", "error", "code", f->code, "message", message));
}

int reply_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
	struct fail f;
	va_list ap;
	f.status = status;
	snprintf(f.code, sizeof f.code, "%s", code);
	va_start(ap, fmt);
	vsnprintf(f.message, sizeof f.message, fmt, ap);
	va_end(ap);
	/* the database busy or out of reach: a moment is enough (a 503 for a
	 * missing configuration is not one to retry) */
	if (status == 503 && (!strcmp(code, "busy") || !strcmp(code, "unavailable")))
		reply_header(r, "Retry-After", "1");
	return reply_fail(r, &f);
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->mc, MHD_GET_ARGUMENT_KIND, name);
}

int reply_bytes(struct req *r, int status, const char *ctype, const void *buf, size_t len)
{
	free(r->out);
	r->out = malloc(len + 1);
	memcpy(r->out, buf, len);
	r->out[len] = 0;
	r->outlen = len;
	r->status = status;
	r->ctype = ctype;
	return status;
}

void reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nhdr == (int)(sizeof r->hdr / sizeof r->hdr[0]))
		return;
	r->hdr[r->nhdr][0] = strdup(name);
	r->hdr[r->nhdr][1] = strdup(value);
	r->nhdr++;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, name);
}
