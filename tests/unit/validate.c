/* validate.c — email normalization and the SIRET's Luhn check. */
#include "ac.h"
#include "tap.h"

static void email(const char *in, const char *want)
{
	char buf[300];
	snprintf(buf, sizeof buf, "%s", in);
	int rc = ac_email_normalize(buf);
	if (want)
		ok(rc == 0 && !strcmp(buf, want), "email \"%s\" becomes \"%s\" (got \"%s\")", in, want, buf);
	else
		ok(rc != 0, "email \"%s\" is refused", in);
}

int main(void)
{
	email("Marie.Dupont@Mairie-Lyon.FR", "marie.dupont@mairie-lyon.fr");
	email("a+tag@b.fr", "a+tag@b.fr");
	email("référent@ccas.fr", "référent@ccas.fr");
	email("", NULL);
	email("no-at.fr", NULL);
	email("a@b", NULL);
	email("a@@b.fr", NULL);
	email("a@b@c.fr", NULL);
	email("@b.fr", NULL);
	email("a@.b.fr", NULL);
	email("a@b..fr", NULL);
	email("a.@b.fr", NULL);
	email(".a@b.fr", NULL);
	email("a b@c.fr", NULL);
	email("a@b_c.fr", NULL);
	email("a@b.fr.", NULL);
	char longlocal[80];
	memset(longlocal, 'x', 65);
	strcpy(longlocal + 65, "@b.fr");
	email(longlocal, NULL);

	ok(ac_siret_valid("12345678901237"), "a valid SIRET");
	ok(ac_siret_valid("73282932000074"), "another valid SIRET");
	ok(!ac_siret_valid("12345678901234"), "a wrong check digit");
	ok(!ac_siret_valid("1234567890123"), "13 digits");
	ok(!ac_siret_valid("123456789012370"), "15 digits");
	ok(!ac_siret_valid("1234567890123a"), "a letter");
	ok(!ac_siret_valid(""), "empty");
	ok(ac_zipcode_valid("69001") && !ac_zipcode_valid("6900") && !ac_zipcode_valid("2A004"),
	   "zip codes: five digits");
	ok(ac_code_valid("123456") && ac_code_valid("12345678") && !ac_code_valid("1234567") &&
	   !ac_code_valid("12a456"), "codes: six or eight digits");
	return tap_done();
}
