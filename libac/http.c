/* http.c — requests to acd over one libcurl handle, kept alive across the
 * calls of a run (a bulk tool's batches reuse the connection). */
#include "ac.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static CURL *handle;

struct sink {
	char *buf;
	size_t len, cap;
	struct ac_lines lines;
	int streaming;     /* lines go to lines.on_line as they arrive */
	long status;
};

static void append(struct sink *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = ac_xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = 0;
}

size_t ac_lines_feed(struct ac_lines *l, const char *buf, size_t len, int final)
{
	size_t start = 0;
	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		if (!nl && !final)
			break;
		size_t n = end - start;
		if (n && buf[end - 1] == '\r')
			n--;
		if (n && !l->stopped && l->on_text) {
			/* passed through as it came: only its shape is checked, so
			 * a cut or garbled line still stops the output */
			l->count++;
			if (n < 2 || buf[start] != '{' || buf[start + n - 1] != '}') {
				l->bad = l->count;
				snprintf(l->why, sizeof l->why, "not a JSON object");
				l->stopped = 1;
			} else if (l->on_text(buf + start, n, l->arg)) {
				l->stopped = 1;
			}
		} else if (n && !l->stopped) {
			l->count++;
			json_error_t e;
			json_t *o = json_loadb(buf + start, n, 0, &e);
			if (!o) {
				/* a line dropped would pass for a shorter answer: stop here */
				l->bad = l->count;
				ac_json_error(&e, l->why, sizeof l->why);
				l->stopped = 1;
			} else if (l->on_line(o, l->arg)) {
				l->stopped = 1;
			}
			json_decref(o);
		}
		start = nl ? end + 1 : len;
	}
	return start;
}

/* Hands every complete line to on_line while the reply is still arriving;
 * dies (75) on a line that is not JSON, after the lines before it. */
static void drain_lines(struct sink *s, int final)
{
	if (!s->len)
		return;
	size_t used = ac_lines_feed(&s->lines, s->buf, s->len, final);
	if (s->lines.bad)
		ac_die(AC_EXIT_TEMP, "acd sent an unreadable line (line %zu of its answer: %s); "
		       "the output stops before it: retry, and report it if it happens again",
		       s->lines.bad, s->lines.why);
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	append(s, p, size * n);
	if (s->streaming) {
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

/* The request: acd's HTTP status, or 0 when acd could not be reached, with
 * the reason in why. */
static long try_perform(const char *method, const char *path, const char *ctype,
			const char *body, size_t len, struct sink *s, char *why, size_t whylen)
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
	}
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
		    rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_GOT_NOTHING ||
		    rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR)
			snprintf(why, whylen, "cannot reach acd at %s: %s (is it running? check AC_URL)",
				 ac_url(), curl_easy_strerror(rc));
		else
			snprintf(why, whylen, "request to %s failed: %s", ac_url(), curl_easy_strerror(rc));
		return 0;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static long perform(const char *method, const char *path, const char *ctype, const char *body,
		    size_t len, struct sink *s)
{
	char why[600];
	long status = try_perform(method, path, ctype, body, len, s, why, sizeof why);
	if (!status)
		ac_die(AC_EXIT_UNAVAILABLE, "%s", why);
	return status;
}

long ac_call_try(const char *method, const char *path, json_t *body, json_t **reply, char *why,
		 size_t len)
{
	struct sink s = { 0 };
	char *txt = body ? json_dumps(body, JSON_COMPACT) : NULL;
	long status = try_perform(method, path, "application/json", txt, txt ? strlen(txt) : 0, &s,
				  why, len);
	free(txt);
	if (reply)
		*reply = status && s.len ? json_loadb(s.buf, s.len, 0, NULL) : NULL;
	free(s.buf);
	return status;
}

long ac_call(const char *method, const char *path, json_t *body, json_t **reply)
{
	char why[600];
	long status = ac_call_try(method, path, body, reply, why, sizeof why);
	if (!status)
		ac_die(AC_EXIT_UNAVAILABLE, "%s", why);
	return status;
}

long ac_get_file(const char *path, const char *file, size_t *bytes, json_t **error_reply)
{
	struct sink s = { 0 };
	long status = perform("GET", path, NULL, NULL, 0, &s);
	*error_reply = NULL;
	*bytes = 0;
	if (status < 200 || status >= 300)
		*error_reply = s.len ? json_loadb(s.buf, s.len, 0, NULL) : NULL;
	else if (ac_file_write(file, s.buf ? s.buf : "", s.len))
		status = -1;
	else
		*bytes = s.len;
	int saved = errno;
	free(s.buf);
	errno = saved;
	return status;
}

long ac_call_lines(const char *method, const char *path, const char *ctype, const char *body,
		   size_t len, int (*on_line)(json_t *, void *), void *arg, json_t **error_reply)
{
	struct ac_lines l = { .on_line = on_line, .arg = arg };
	return ac_call_lines_with(method, path, ctype, body, len, &l, error_reply);
}

long ac_call_lines_with(const char *method, const char *path, const char *ctype, const char *body,
			size_t len, const struct ac_lines *lines, json_t **error_reply)
{
	struct sink s = { .lines = *lines, .streaming = 1 };
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
