/* mail.c — one message over SMTP with libcurl, with a file attached or not. */
#include "mail.h"
#include "server.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int mail_configured(void) { return srv.cfg.smtp_url && *srv.cfg.smtp_url; }

struct cursor {
	const char *p;
	size_t left;
};

static size_t feed(char *buf, size_t size, size_t n, void *arg)
{
	struct cursor *c = arg;
	size_t take = size * n < c->left ? size * n : c->left;
	memcpy(buf, c->p, take);
	c->p += take;
	c->left -= take;
	return take;
}

/* The attachment as base64 lines of 76 characters (RFC 2045); NULL: no memory. */
static char *base64_lines(const unsigned char *data, size_t len)
{
	size_t enc = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *flat = malloc(enc), *out = malloc(enc + 2 * (enc / 76 + 1) + 1);
	if (!flat || !out) {
		free(flat);
		free(out);
		return NULL;
	}
	sodium_bin2base64(flat, enc, data, len, sodium_base64_VARIANT_ORIGINAL);
	size_t n = strlen(flat), o = 0;
	for (size_t i = 0; i < n; i += 76) {
		size_t take = n - i < 76 ? n - i : 76;
		memcpy(out + o, flat + i, take);
		o += take;
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o] = 0;
	free(flat);
	return out;
}

int mail_send(const char *to, const char *subject, const char *body, char *err, size_t errlen)
{
	return mail_send_file(to, subject, body, NULL, err, errlen);
}

int mail_send_file(const char *to, const char *subject, const char *body,
		   const struct mail_file *file, char *err, size_t errlen)
{
	return mail_send_many(&to, 1, subject, body, file, err, errlen);
}

/* "<a>, <b>" of the To: line; NULL: no memory. */
static char *to_line(const char *const *to, size_t nto)
{
	size_t len = 1;
	for (size_t i = 0; i < nto; i++)
		len += strlen(to[i]) + 4;
	char *line = malloc(len), *p = line;
	if (!line)
		return NULL;
	*p = 0;
	for (size_t i = 0; i < nto; i++)
		p += sprintf(p, "%s<%s>", i ? ", " : "", to[i]);
	return line;
}

int mail_send_many(const char *const *to_list, size_t nto, const char *subject, const char *body,
		   const struct mail_file *file, char *err, size_t errlen)
{
	const char *from = srv.cfg.mail_from ? srv.cfg.mail_from : "no-reply@aidantsconnect.beta.gouv.fr";
	if (!mail_configured()) {
		snprintf(err, errlen, "acd has no smtp-url: it cannot send mail");
		return -1;
	}
	if (!nto) {
		snprintf(err, errlen, "a mail needs at least one address");
		return -1;
	}
	char date[64], *msg = NULL, *b64 = NULL, *to = to_line(to_list, nto);
	if (!to) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	int rc;
	if (!file) {
		/* the subject is ASCII by construction; the body is UTF-8, 8bit */
		rc = asprintf(&msg, "Date: %s\r\nFrom: Aidants Connect <%s>\r\nTo: %s\r\nSubject: %s\r\n"
			      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
			      "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
			      date, from, to, subject, body);
	} else if ((b64 = base64_lines(file->data, file->len))) {
		/* a boundary no base64 line and no sentence of ours can contain */
		unsigned char rnd[12];
		char boundary[25 + 4];
		randombytes_buf(rnd, sizeof rnd);
		memcpy(boundary, "=_ac", 4);
		sodium_bin2hex(boundary + 4, sizeof boundary - 4, rnd, sizeof rnd);
		rc = asprintf(&msg, "Date: %s\r\nFrom: Aidants Connect <%s>\r\nTo: %s\r\nSubject: %s\r\n"
			      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
			      "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			      "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n"
			      "--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
			      "Content-Disposition: attachment; filename=\"%s\"\r\n"
			      "Content-Transfer-Encoding: base64\r\n\r\n%s--%s--\r\n",
			      date, from, to, subject, boundary, boundary, body, boundary, file->type,
			      file->name, file->name, b64, boundary);
		free(b64);
	} else {
		rc = -1;
	}
	free(to);
	if (rc < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	for (size_t i = 0; i < nto; i++)
		rcpt = curl_slist_append(rcpt, to_list[i]);
	struct cursor cur = { msg, strlen(msg) };
	curl_easy_setopt(c, CURLOPT_URL, srv.cfg.smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(c, CURLOPT_READDATA, &cur);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(msg);
	return cc == CURLE_OK ? 0 : -1;
}
