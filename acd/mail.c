/* mail.c — one message over SMTP with libcurl. */
#include "mail.h"
#include "server.h"

#include <curl/curl.h>
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

int mail_send(const char *to, const char *subject, const char *body, char *err, size_t errlen)
{
	const char *from = srv.cfg.mail_from ? srv.cfg.mail_from : "no-reply@aidantsconnect.beta.gouv.fr";
	if (!mail_configured()) {
		snprintf(err, errlen, "acd has no smtp-url: it cannot send mail");
		return -1;
	}
	char date[64], *msg = NULL;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* the subject is ASCII by construction; the body is UTF-8, 8bit */
	if (asprintf(&msg, "Date: %s\r\nFrom: Aidants Connect <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
			   "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
			   "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
		     date, from, to, subject, body) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
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
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(msg);
	return rc == CURLE_OK ? 0 : -1;
}
