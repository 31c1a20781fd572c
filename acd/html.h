/* html.h — the few HTML pages acd serves to browsers (the usager's signature,
 * attestation checks): built in a growing buffer with every value escaped,
 * sent with a strict Content-Security-Policy, no referrer, no framing. */
#ifndef HTML_H
#define HTML_H
#include "req.h"

struct page {
	char *buf;
	size_t len, cap;
};

/* Raw markup (the format is ours, never people's data). */
void page_raw(struct page *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text, escaped for HTML element content and attribute values. */
void page_text(struct page *, const char *text);
/* <!doctype>, <head> with title, the header band; and the closing footer. */
void page_begin(struct page *, const char *title);
void page_end(struct page *);
/* Sends the page (freed) with the security headers. */
int reply_page(struct req *, int status, struct page *);
/* A whole page saying what went wrong and what to do. */
int reply_page_error(struct req *, int status, const char *title, const char *what);
/* 303 to url (freed here; NULL is a 500 page), with a page titled title for
 * the browsers that show it. */
int reply_page_redirect(struct req *, char *url, const char *title);

/* Lets this page's forms lead to url's origin (their answer redirects to a
 * client of the identity provider): CSP form-action covers redirections. */
void page_allow_form_target(struct req *, const char *url);
/* The value of cookie name in the request, in out (cap bytes); 0 or -1. */
int req_cookie(struct req *, const char *name, char *out, size_t cap);
/* A field of an application/x-www-form-urlencoded body, decoded; 0 or -1. */
int form_field(const char *body, const char *name, char *out, size_t cap);
/* How many times name= starts a parameter of the form body. */
int form_count(const char *body, const char *name);

/* The browser's random id (32 hex digits) from its cookie, or a new one set
 * on the reply: what binds a FranceConnect round trip or an authorization in
 * progress to the browser that started it. */
#define PAGE_BROWSER_COOKIE "ac_browser"
void page_browser_id(struct req *, char id[33]);
/* A form's anti-forgery field: a keyed hash of the browser and what the form
 * acts on (a signing token, an authorization request...), 64 hex digits. */
void page_csrf(const char *browser, const char *target, char out[65]);
/* A form's post is genuine: the browser's cookie is there and the form's
 * csrf field is page_csrf(browser, target).  1 with browser filled, or 0. */
int page_csrf_ok(struct req *, const char *target, char browser[33]);
/* s is exactly n lower-case hex digits. */
int hex_ok(const char *s, size_t n);

/* GET /static/ac.css */
int page_css(struct req *);
#endif
