/* stream.c — NDJSON replies produced a record at a time, so a long journal
 * never sits whole in memory.  MHD calls back on the connection's thread. */
#include "req.h"
#include "server.h"
#include "jbuf.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct ndstream {
	struct req *r;
	stream_next next;
	void *state;
	void (*free_state)(void *);
	char *pending; /* a record that did not fit the previous buffer */
	size_t plen, poff;
	int done;
};

static ssize_t fill(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct ndstream *s = cls;
	size_t n = 0;
	while (n < max) {
		if (s->pending) {
			size_t take = s->plen - s->poff < max - n ? s->plen - s->poff : max - n;
			memcpy(buf + n, s->pending + s->poff, take);
			n += take;
			s->poff += take;
			if (s->poff == s->plen) {
				free(s->pending);
				s->pending = NULL;
			}
			continue;
		}
		if (s->done)
			break;
		json_t *line = NULL;
		if (s->next(s->r, s->state, &line) <= 0 || !line) {
			s->done = 1;
			json_decref(line);
			break;
		}
		char *txt = json_dumps(line, JSON_COMPACT);
		json_decref(line);
		if (!txt)
			continue;
		size_t len = strlen(txt);
		s->pending = realloc(txt, len + 1);
		s->pending[len] = '\n';
		s->plen = len + 1;
		s->poff = 0;
	}
	if (n == 0 && s->done)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return (ssize_t)n;
}

static void finish(void *cls)
{
	struct ndstream *s = cls;
	if (s->free_state)
		s->free_state(s->state);
	free(s->pending);
	free(s);
}

int reply_stream(struct req *r, stream_next next, void *state, void (*free_state)(void *))
{
	struct ndstream *s = calloc(1, sizeof *s);
	s->r = r;
	s->next = next;
	s->state = state;
	s->free_state = free_state;
	r->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, fill, s, finish);
	r->status = 200;
	r->ctype = "application/x-ndjson";
	return 200;
}

struct lines {
	json_t *array;
	size_t next;
};

static int next_line(struct req *r, void *state, json_t **line)
{
	(void)r;
	struct lines *l = state;
	if (l->next >= json_array_size(l->array))
		return 0;
	*line = json_incref(json_array_get(l->array, l->next++));
	return 1;
}

static void free_lines(void *state)
{
	struct lines *l = state;
	json_decref(l->array);
	free(l);
}

int reply_lines(struct req *r, json_t *array)
{
	struct lines *l = calloc(1, sizeof *l);
	l->array = array;
	return reply_stream(r, next_line, l, free_lines);
}

/* Keyset pages, sent as NDJSON text: a text fetch writes its lines itself,
 * a JSON fetch's lines are written here.  Each page is read in a read
 * transaction of its own (a consistent, fresh snapshot per page, none held
 * while the client reads); a failure mid-way can only be told on the last
 * line. */
struct text_pages {
	text_fetch fetch;       /* one of the two */
	page_fetch json_fetch;
	void *state;
	void (*free_state)(void *);
	const char *what;
	struct jbuf page;
	json_t *lines;          /* a JSON fetch's page */
	size_t off;
	int end;
};

static int next_page(struct text_pages *p, store_conn *db)
{
	if (p->fetch)
		return p->fetch(p->state, db, &p->page, &p->end);
	json_array_clear(p->lines);
	if (p->json_fetch(p->state, db, p->lines, &p->end))
		return -1;
	size_t i;
	json_t *line;
	json_array_foreach(p->lines, i, line) {
		char *txt = json_dumps(line, JSON_COMPACT);
		if (!txt)
			return -1;
		jb_raw(&p->page, txt);
		jb_raw(&p->page, "\n");
		free(txt);
	}
	return 0;
}

static ssize_t fill_text(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct text_pages *p = cls;
	while (p->off == p->page.len) {
		if (p->end)
			return MHD_CONTENT_READER_END_OF_STREAM;
		p->page.len = p->off = 0;
		store_conn *db = store_conn_get(srv.db);
		int rc = db && store_begin(db, 0) == STORE_OK ? next_page(p, db) : -1;
		if (db && rc == 0)
			store_commit(db);
		else if (db)
			store_rollback(db);
		if (rc) {
			/* the status is sent already: say it on the last line */
			p->end = 1;
			p->page.len = 0;
			jb_raw(&p->page, "{\"error\":{\"code\":\"internal\",\"message\":");
			char msg[200];
			snprintf(msg, sizeof msg, "%s could not be read to its end; retry", p->what);
			jb_str(&p->page, msg);
			jb_raw(&p->page, "}}\n");
		}
	}
	size_t n = p->page.len - p->off < max ? p->page.len - p->off : max;
	memcpy(buf, p->page.p + p->off, n);
	p->off += n;
	return (ssize_t)n;
}

static void free_text_pages(void *cls)
{
	struct text_pages *p = cls;
	if (p->free_state)
		p->free_state(p->state);
	jb_free(&p->page);
	json_decref(p->lines);
	free(p);
}

static int reply_any_pages(struct req *r, text_fetch fetch, page_fetch json_fetch, void *state,
			   void (*free_state)(void *), const char *what)
{
	struct text_pages *p = calloc(1, sizeof *p);
	p->fetch = fetch;
	p->json_fetch = json_fetch;
	p->lines = json_fetch ? json_array() : NULL;
	p->state = state;
	p->free_state = free_state;
	p->what = what;
	r->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, fill_text, p,
						      free_text_pages);
	r->status = 200;
	r->ctype = "application/x-ndjson";
	return 200;
}

int reply_text_pages(struct req *r, text_fetch fetch, void *state, void (*free_state)(void *),
		     const char *what)
{
	return reply_any_pages(r, fetch, NULL, state, free_state, what);
}

int reply_pages(struct req *r, page_fetch fetch, void *state, void (*free_state)(void *),
		const char *what)
{
	return reply_any_pages(r, NULL, fetch, state, free_state, what);
}
