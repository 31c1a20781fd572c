/* jbuf.c — JSON text, escaped by hand as RFC 8259 §7 says. */
#include "jbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void grow(struct jbuf *b, size_t add)
{
	if (b->len + add + 1 <= b->cap)
		return;
	b->cap = (b->len + add + 1) * 2;
	b->p = realloc(b->p, b->cap);
}

void jb_bytes(struct jbuf *b, const char *bytes, size_t n)
{
	grow(b, n);
	memcpy(b->p + b->len, bytes, n);
	b->len += n;
	b->p[b->len] = 0;
}

void jb_raw(struct jbuf *b, const char *text) { jb_bytes(b, text, strlen(text)); }

void jb_str(struct jbuf *b, const char *s)
{
	grow(b, strlen(s) * 6 + 2);
	char *o = b->p + b->len;
	*o++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			*o++ = '\\';
			*o++ = (char)*c;
		} else if (*c < 0x20) {
			o += sprintf(o, "\\u%04x", *c);
		} else {
			*o++ = (char)*c;
		}
	}
	*o++ = '"';
	*o = 0;
	b->len = (size_t)(o - b->p);
}

void jb_int(struct jbuf *b, int64_t v)
{
	char n[24];
	jb_bytes(b, n, (size_t)snprintf(n, sizeof n, "%lld", (long long)v));
}

void jb_time(struct jbuf *b, int64_t t, int isnull)
{
	if (isnull) {
		jb_raw(b, "null");
		return;
	}
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	char s[40];
	jb_bytes(b, s, strftime(s, sizeof s, "\"%Y-%m-%dT%H:%M:%SZ\"", &tm));
}

void jb_csv_array(struct jbuf *b, const char *csv)
{
	jb_raw(b, "[");
	for (const char *p = csv; p && *p;) {
		size_t n = strcspn(p, ",");
		jb_raw(b, p == csv ? "\"" : ",\"");
		jb_bytes(b, p, n); /* catalogue codes: nothing to escape */
		jb_raw(b, "\"");
		p += n;
		if (*p == ',')
			p++;
	}
	jb_raw(b, "]");
}

void jb_free(struct jbuf *b)
{
	free(b->p);
	*b = (struct jbuf){ 0 };
}
