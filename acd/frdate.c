/* frdate.c — the European summer-time rule (EU directive 2000/84) applied by
 * hand, and French long dates. */
#include "frdate.h"

#include <stdio.h>
#include <string.h>

static const char *const months[] = {
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): no libc time zone code involved. */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 01:00 UTC on the last Sunday of month m (March or October: 31 days). */
static long long last_sunday_1h(long long y, int m)
{
	long long d31 = days_from_civil(y, m, 31);
	long long wday = ((d31 + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
	return (d31 - wday) * 86400 + 3600;
}

int paris_offset(time_t t)
{
	struct tm u;
	gmtime_r(&t, &u);
	long long y = u.tm_year + 1900LL;
	long long s = (long long)t;
	return s >= last_sunday_1h(y, 3) && s < last_sunday_1h(y, 10) ? 7200 : 3600;
}

void paris_tm(time_t t, struct tm *out)
{
	int off = paris_offset(t);
	time_t local = t + off;
	gmtime_r(&local, out);
	out->tm_isdst = off == 7200;
	out->tm_gmtoff = off;
	out->tm_zone = off == 7200 ? "CEST" : "CET";
}

static const char *long_date(int y, int m, int d, char *buf, size_t len)
{
	snprintf(buf, len, "%d%s %s %d", d, d == 1 ? "er" : "", months[m - 1], y);
	return buf;
}

const char *fr_date(time_t t, char *buf, size_t len)
{
	struct tm p;
	paris_tm(t, &p);
	return long_date(p.tm_year + 1900, p.tm_mon + 1, p.tm_mday, buf, len);
}

const char *fr_time(time_t t, char *buf, size_t len)
{
	struct tm p;
	paris_tm(t, &p);
	snprintf(buf, len, "%d\u00a0h\u00a0%02d", p.tm_hour, p.tm_min);
	return buf;
}

const char *fr_date_iso(const char *ymd, char *buf, size_t len)
{
	int y, m, d, n = 0;
	if (!ymd || strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || m < 1 || m > 12 || d < 1 || d > 31)
		return NULL;
	return long_date(y, m, d, buf, len);
}
