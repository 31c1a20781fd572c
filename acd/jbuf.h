/* jbuf.h — JSON written as text into a growing buffer, for the long lists
 * whose records would cost more as jansson objects than as their bytes. */
#ifndef JBUF_H
#define JBUF_H
#include <stddef.h>
#include <stdint.h>

struct jbuf {
	char *p;
	size_t len, cap;
};

void jb_raw(struct jbuf *, const char *text);
void jb_bytes(struct jbuf *, const char *bytes, size_t n);
/* A JSON string: quoted, escaped (UTF-8 passes through). */
void jb_str(struct jbuf *, const char *s);
void jb_int(struct jbuf *, int64_t v);
/* "YYYY-MM-DDTHH:MM:SSZ", or null when isnull. */
void jb_time(struct jbuf *, int64_t t, int isnull);
/* A comma-separated list of codes as a JSON array of strings. */
void jb_csv_array(struct jbuf *, const char *csv);
void jb_free(struct jbuf *);
#endif
