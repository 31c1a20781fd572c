/* http.c — requests to acd over one libcurl handle, kept alive across the
 * calls of a run (a bulk tool's batches reuse the connection). */
#include "ac.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static CURL *handle;

struct sink {
	char *buf;
	size_t len, cap;
	int (*on_line)(json_t *, void *);
	void *arg;
	long status;
	int stopped;
};

static void append(struct sink *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = 0;
}

/* Hands every complete line to on_line while the reply is still arriving. */
static void drain_lines(struct sink *s, int final)
{
	size_t start = 0;
	if (!s->len)
		return;
	for (;;) {
		char *nl = memchr(s->buf + start, '\n', s->len - start);
		size_t end = nl ? (size_t)(nl - s->buf) : s->len;
		if (!nl && !final)
			break;
		if (end > start && !s->stopped) {
			json_t *o = json_loadb(s->buf + start, end - start, 0, NULL);
			if (o && s->on_line(o, s->arg))
				s->stopped = 1;
			json_decref(o);
		}
		start = nl ? end + 1 : s->len;
		if (!nl)
			break;
	}
	memmove(s->buf, s->buf + start, s->len - start);
	s->len -= start;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	append(s, p, size * n);
	if (s->on_line) {
		if (!s->status)
			curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &s->status);
		if (s->status >= 200 && s->status < 300)
			drain_lines(s, 0);
	}
	return size * n;
}

char *ac_urlencode(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	char *copy = strdup(e);
	curl_free(e);
	return copy;
}

static long perform(const char *method, const char *path, const char *ctype, const char *body,
		    size_t len, struct sink *s)
{
	if (!handle) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		handle = curl_easy_init();
	}
	CURL *c = handle;
	char url[2048];
	snprintf(url, sizeof url, "%s%s", ac_url(), path);
	struct curl_slist *h = NULL;
	char auth[300];
	char *token = ac_session_token();
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
		free(token);
	}
	char ct[120];
	if (body) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		h = curl_slist_append(h, ct);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* a bulk batch may take long; a stalled server may not */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "libac/" AC_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
		    rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_GOT_NOTHING ||
		    rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR)
			ac_die(AC_EXIT_UNAVAILABLE, "cannot reach acd at %s: %s (is it running? check AC_URL)",
			       ac_url(), curl_easy_strerror(rc));
		ac_die(AC_EXIT_UNAVAILABLE, "request to %s failed: %s", ac_url(), curl_easy_strerror(rc));
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

long ac_call(const char *method, const char *path, json_t *body, json_t **reply)
{
	struct sink s = { 0 };
	char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
	long status = perform(method, path, "application/json", txt, txt ? strlen(txt) : 0, &s);
	free(txt);
	if (reply)
		*reply = s.len ? json_loadb(s.buf, s.len, 0, NULL) : NULL;
	free(s.buf);
	return status;
}

long ac_call_lines(const char *method, const char *path, const char *ctype, const char *body,
		   size_t len, int (*on_line)(json_t *, void *), void *arg, json_t **error_reply)
{
	struct sink s = { .on_line = on_line, .arg = arg };
	long status = perform(method, path, ctype, body, len, &s);
	if (status >= 200 && status < 300) {
		drain_lines(&s, 1);
		if (error_reply)
			*error_reply = NULL;
	} else if (error_reply)
		*error_reply = s.len ? json_loadb(s.buf, s.len, 0, NULL) : NULL;
	free(s.buf);
	return status;
}
