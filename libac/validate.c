/* validate.c — acd's input checks (the authoritative ones), kept in the
 * library so a tool may check early too without a second definition. */
#include "ac.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ac_email_normalize(char *email)
{
	size_t n = strlen(email);
	if (n < 3 || n > 254)
		return -1;
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@') || (size_t)(at - email) > 64)
		return -1;
	const char *dom = at + 1;
	const char *dot = strrchr(dom, '.');
	if (!dot || dot == dom || !dot[1] || dom[0] == '.' || dom[0] == '-' || strstr(dom, ".."))
		return -1;
	for (const char *p = email; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || strchr("()<>,;:\\\"[]", c))
			return -1;
		if (p > at && !(isalnum(c) || c == '.' || c == '-' || c >= 0x80))
			return -1;
	}
	if (email[0] == '.' || at[-1] == '.' || strstr(email, ".."))
		return -1;
	for (char *p = email; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

int ac_siret_valid(const char *s)
{
	if (strlen(s) != 14)
		return 0;
	int sum = 0;
	for (int i = 0; i < 14; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		int d = s[i] - '0';
		if (i % 2 == 0) { /* from the left, odd positions (1st, 3rd...) are doubled */
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

int ac_zipcode_valid(const char *z)
{
	if (strlen(z) != 5)
		return 0;
	for (int i = 0; i < 5; i++)
		if (!isdigit((unsigned char)z[i]))
			return 0;
	return 1;
}

int ac_date_valid(const char *d)
{
	int y, m, day, n = 0;
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
			return 0;
	if (sscanf(d, "%4d-%2d-%2d%n", &y, &m, &day, &n) != 3 || n != 10 || y < 1900 || m < 1 ||
	    m > 12 || day < 1)
		return 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
	return day <= mdays[m - 1] && !(m == 2 && day == 29 && !leap);
}

int ac_code_valid(const char *c)
{
	size_t n = strlen(c);
	if (n != 6 && n != 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)c[i]))
			return 0;
	return 1;
}

char *ac_opt_email(const char *option, const char *value)
{
	char *e = strdup(value);
	if (!e)
		ac_die(AC_EXIT_TEMP, "out of memory");
	if (ac_email_normalize(e))
		ac_die(AC_EXIT_USAGE, "%s \"%s\" is not an email address", option, value);
	return e;
}

int64_t ac_text_id(const char *s)
{
	int64_t n = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (INT64_MAX - (*s - '0')) / 10)
			return 0;
		n = n * 10 + (*s - '0');
	}
	return n;
}

int ac_hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
