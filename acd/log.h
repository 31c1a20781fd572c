/* log.h — acd's messages to stderr, one line each.  Never pass a secret here. */
#ifndef LOG_H
#define LOG_H
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
