/* pskc.c — card makers' PSKC files (RFC 6030) read with libpskc into the
 * same records as ac-card-import's NDJSON: serial, seed (hex), digits, step,
 * algorithm.  libpskc hands back the decoded secret: it is hex-encoded here. */
#include "ac.h"

#include <libxml/xmlerror.h>
#include <pskc/pskc.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "HMAC-SHA256" and the like; NULL when the suite names no hash we know. */
static const char *suite_algorithm(const char *suite)
{
	if (!suite)
		return "sha1";
	if (strcasestr(suite, "SHA512"))
		return "sha512";
	if (strcasestr(suite, "SHA256"))
		return "sha256";
	if (strcasestr(suite, "SHA1"))
		return "sha1";
	return NULL;
}

static json_t *key_record(pskc_key_t *k)
{
	const char *serial = pskc_get_device_serialno(k);
	if (!serial)
		serial = pskc_get_key_id(k);
	size_t len = 0;
	const char *secret = pskc_get_key_data_secret(k, &len);
	json_t *o = json_object();
	if (serial)
		json_object_set_new(o, "serial", json_string(serial));
	if (secret && len) {
		char *hex = malloc(2 * len + 1);
		sodium_bin2hex(hex, 2 * len + 1, (const unsigned char *)secret, len);
		json_object_set_new(o, "seed", json_string(hex));
		sodium_memzero(hex, 2 * len);
		free(hex);
	}
	int present = 0;
	uint32_t digits = pskc_get_key_algparm_resp_length(k, &present);
	if (present)
		json_object_set_new(o, "digits", json_integer(digits));
	uint32_t step = pskc_get_key_data_timeinterval(k, &present);
	if (present && step)
		json_object_set_new(o, "step", json_integer(step));
	const char *alg = suite_algorithm(pskc_get_key_algparm_suite(k));
	/* an unknown suite is sent as is: acd refuses that line with its reason */
	json_object_set_new(o, "algorithm", json_string(alg ? alg : pskc_get_key_algparm_suite(k)));
	return o;
}

/* libxml2 prints its parse errors on stderr with the text of the line they
 * are on, which may hold a seed: none is printed, the first one's line
 * number is kept for the message. */
static void xml_error(void *arg, xmlErrorPtr e)
{
	int *line = arg;
	if (!*line)
		*line = e && e->line > 0 ? e->line : -1;
}

static void xml_silent(void *arg, const char *fmt, ...)
{
	(void)arg;
	(void)fmt;
}

json_t *ac_pskc_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	pskc_t *c = NULL;
	int line = 0;
	int rc = pskc_global_init();
	if (rc == PSKC_OK)
		rc = pskc_init(&c);
	if (rc == PSKC_OK) {
		xmlSetStructuredErrorFunc(&line, xml_error);
		xmlSetGenericErrorFunc(NULL, xml_silent);
		rc = pskc_parse_from_memory(c, len, buf);
		xmlSetStructuredErrorFunc(NULL, NULL);
		xmlSetGenericErrorFunc(NULL, NULL);
	}
	if (rc != PSKC_OK) {
		if (rc == PSKC_XML_ERROR && line > 0)
			snprintf(err, errlen, "not a PSKC file: malformed XML at line %d", line);
		else
			snprintf(err, errlen, "not a PSKC file: %s", pskc_strerror(rc));
		if (c)
			pskc_done(c);
		pskc_global_done();
		return NULL;
	}
	json_t *records = json_array();
	pskc_key_t *k;
	for (size_t i = 0; (k = pskc_get_keypackage(c, i)); i++)
		json_array_append_new(records, key_record(k));
	pskc_done(c);
	pskc_global_done();
	return records;
}

json_t *ac_pskc_records(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len + 65536 > cap)
			buf = realloc(buf, cap = (len + 65536) * 2);
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n > 0);
	fclose(f);
	char why[300];
	json_t *records = ac_pskc_parse(buf, len, why, sizeof why);
	sodium_memzero(buf, len);
	free(buf);
	if (!records)
		snprintf(err, errlen, "%s: %s", path, why);
	return records;
}
