/* req.h — one HTTP request as the handlers see it, and the reply they build. */
#ifndef REQ_H
#define REQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct MHD_Connection;

#define MAX_MEMBERSHIPS 64

struct membership {
	int64_t structure;
	int aidant, referent;
};

/* Who is calling: filled from the session token before the handler runs. */
struct who {
	int64_t account;        /* 0: anonymous */
	char email[256];
	int operator;
	int nmember;
	struct membership member[MAX_MEMBERSHIPS];
	time_t session_expires;
	/* an API token (tokens.h) instead of a session: its id (0: a session),
	 * its scopes' mask, the structure it is narrowed to (0: none), and the
	 * journal's name for it, "token:ID" */
	int64_t token;
	unsigned scopes;
	int64_t token_structure;
	char actor[32];
};

/* A handler's failure: HTTP status, a stable code, a sentence for people. */
struct fail {
	int status;
	char code[40];
	char message[400];
};

struct req {
	struct MHD_Connection *mc;
	const char *method;
	const char *url;
	const struct route *route;
	char arg[128];          /* the {} segment of the route's path, if any */
	char *body;
	size_t len, cap;
	int too_big;
	int ndjson;             /* Content-Type: application/x-ndjson */
	struct who who;
	int wrong_codes;        /* card codes refused so far in this request */
	store_conn *db;
	time_t now;
	struct timespec t0;
	/* the reply */
	int status;
	char *out;
	size_t outlen;
	const char *ctype;
	void *stream;           /* a streamed reply (see reply_stream) */
	int suspended;          /* the handler parked the request (waiters.h) */
	time_t wait_until;      /* a long poll's deadline, kept across resumptions */
	struct gwrite *group;   /* parked for a grouped commit (txn.h) */
	void *kept;             /* a handler's state across a resumption: */
	size_t kept_len;        /* wiped and freed with the request */
	char form_target[300];  /* another origin a page's form may lead to (CSP form-action) */
	int nhdr;               /* extra reply headers (reply_header) */
	char *hdr[8][2];
};

/* Query string parameter, or NULL. */
const char *req_query(struct req *, const char *name);

int fail_set(struct fail *, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Replies: each sets status, body and content type; return their value. */
int reply_json(struct req *, int status, json_t *body); /* steals body */
int reply_fail(struct req *, const struct fail *);
int reply_error(struct req *, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* NDJSON produced by next() until it returns 0; next fills *line (stolen). */
typedef int (*stream_next)(struct req *, void *state, json_t **line);
int reply_stream(struct req *, stream_next next, void *state, void (*free_state)(void *));
/* A body of any type (copied). */
int reply_bytes(struct req *, int status, const char *ctype, const void *buf, size_t len);
/* Adds a reply header (copied); at most 8. */
void reply_header(struct req *, const char *name, const char *value);
/* A request header, or NULL. */
const char *req_header(struct req *, const char *name);
/* A list read a page at a time: fetch appends the next page's lines to page
 * (0), read from db inside a read transaction, sets *end after the last one,
 * or fails (-1); what names the list in
 * the error line that then ends the stream ("the journal"). */
typedef int (*page_fetch)(void *state, store_conn *db, json_t *page, int *end);
int reply_pages(struct req *, page_fetch fetch, void *state, void (*free_state)(void *),
		const char *what);
/* The same for a list written as text: fetch appends complete NDJSON lines. */
struct jbuf;
typedef int (*text_fetch)(void *state, store_conn *db, struct jbuf *out, int *end);
int reply_text_pages(struct req *, text_fetch fetch, void *state, void (*free_state)(void *),
		     const char *what);
/* Each element of a JSON array (stolen) as one NDJSON line. */
int reply_lines(struct req *, json_t *array);

/* Strict JSON: the body as one object matching spec, or a 400 in *f. */
enum field_type { F_STR, F_INT, F_BOOL, F_ARRAY, F_OBJECT };
struct field {
	const char *name;
	enum field_type type;
	int required;
};
int fields_check(json_t *obj, const struct field *spec, struct fail *f);
json_t *req_object(struct req *, const struct field *spec, struct fail *f);
/* A bulk body's NDJSON: fn for each line that is not blank, with its number
 * (from 1) and its text without the line end and trailing blanks; stops at
 * fn's first non-zero (then -1). */
typedef int (*fields_line_fn)(size_t lineno, const char *txt, size_t n, void *arg);
int fields_lines(const char *body, size_t len, fields_line_fn fn, void *arg);
/* One such line as an object matching spec, or NULL with a 400 in *f. */
json_t *fields_line(const char *txt, size_t n, const struct field *spec, struct fail *f);
/* The "email" field of a checked object, normalized (lower case) into out,
 * or a 400 bad_email in f: 0 or -1. */
int field_email(json_t *o, char out[256], struct fail *f);
int field_email_of(json_t *o, const char *key, char out[256], struct fail *f);
/* "send_link" (a signature at a distance), normalized into out; "" when
 * absent: 0 or -1 (400 bad_email). */
int field_link_email(json_t *o, char out[256], struct fail *f);
/* Helpers over a checked object: absent gives dflt. */
const char *jstr(json_t *o, const char *k, const char *dflt);
int64_t jint(json_t *o, const char *k, int64_t dflt);
int jbool(json_t *o, const char *k, int dflt);

/* ISO 8601 UTC for a Unix time. */
void iso_time(time_t t, char out[32]);

#endif
