/* frdate.h — instants as people in France read them: Europe/Paris local
 * time, computed without touching TZ (acd is threaded: setenv would race). */
#ifndef FRDATE_H
#define FRDATE_H
#include <stddef.h>
#include <time.h>

/* Seconds east of UTC in Paris at t: 3600, or 7200 in summer time (from the
 * last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC). */
int paris_offset(time_t t);
/* t broken down in Paris local time (tm_isdst set, tm_gmtoff is the offset). */
void paris_tm(time_t t, struct tm *out);
/* "25 novembre 2026", "1er mai 2027". */
const char *fr_date(time_t t, char *buf, size_t len);
/* "11 h 05", the spaces non-breaking. */
const char *fr_time(time_t t, char *buf, size_t len);
/* A YYYY-MM-DD date (no time zone: a birth date) in the same long form;
 * NULL when it is not one. */
const char *fr_date_iso(const char *ymd, char *buf, size_t len);
#endif
