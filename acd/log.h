/* log.h — acd's messages to stderr, one line each.  Never pass a secret here. */
#ifndef LOG_H
#define LOG_H
#include <stddef.h>
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* in as one safe token for a log line: bytes outside printable ASCII (a
 * newline that would forge a line, invalid UTF-8) become \xNN; out holds n. */
const char *log_clean(const char *in, char *out, size_t n);
#endif
