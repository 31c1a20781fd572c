/* tap.h — the little TAP every unit test prints: "ok N - what" lines, a plan
 * at the end, and a non-zero exit when anything failed. */
#ifndef TAP_H
#define TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)

#include <stdarg.h>

static inline void tap_vok(int good, const char *file, int line, const char *fmt, va_list ap)
{
	printf("%sok %d - ", good ? "" : "not ", ++tap_n);
	vprintf(fmt, ap);
	printf("\n");
	if (!good) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
}

static inline void tap_ok(int good, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline void tap_ok(int good, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vok(good, file, line, fmt, ap);
	va_end(ap);
}

static inline void tap_is_str(const char *got, const char *want, const char *file, int line,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static inline void tap_is_str(const char *got, const char *want, const char *file, int line,
		       const char *fmt, ...)
{
	int good = got && want && !strcmp(got, want);
	va_list ap;
	va_start(ap, fmt);
	tap_vok(good, file, line, fmt, ap);
	va_end(ap);
	if (!good)
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)", want ? want : "(null)");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}
#endif
