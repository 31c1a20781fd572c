/* fetch.c — one outgoing HTTP request with libcurl, its answer read as JSON. */
#include "fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_MAX (1u << 20) /* a discovery document or a token answer is small */

struct sink {
	char *buf;
	size_t len;
	int too_big;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;
	if (s->len + add > FETCH_MAX) {
		s->too_big = 1;
		return 0;
	}
	char *nb = realloc(s->buf, s->len + add + 1);
	if (!nb)
		return 0;
	s->buf = nb;
	memcpy(s->buf + s->len, p, add);
	s->len += add;
	s->buf[s->len] = 0;
	return add;
}

int fetch_json(struct fetch *f, long *status, json_t **body, char *err, size_t errlen)
{
	f->text = NULL;
	f->ctype[0] = 0;
	*body = NULL;
	*status = 0;
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	struct sink s = { 0 };
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
	char auth[2200];
	if (f->bearer) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->bearer);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, f->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (f->form)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, f->form);
	if (f->basic_user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, f->basic_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, f->basic_password);
	}
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", s.too_big ? "the answer is larger than 1 MiB"
						      : curl_easy_strerror(rc));
		ret = -1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		char *ct = NULL;
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		snprintf(f->ctype, sizeof f->ctype, "%s", ct ? ct : "");
		if (s.buf && !(*body = json_loadb(s.buf, s.len, 0, NULL))) {
			f->text = s.buf; /* not JSON: a signed JWT, say */
			s.buf = NULL;
		}
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(s.buf);
	return ret;
}

char *fetch_escape(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *copy = e ? strdup(e) : NULL;
	curl_free(e);
	return copy;
}
