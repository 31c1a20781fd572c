/* html.c — page building, escaping, cookies and form fields. */
#include "ac.h"
#include "html.h"
#include "fc.h"
#include "server.h"
#include "crypto.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct page *p, size_t add)
{
	if (p->len + add + 1 <= p->cap)
		return;
	p->cap = (p->len + add + 1) * 2;
	p->buf = realloc(p->buf, p->cap);
}

void page_raw(struct page *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(p, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(p->buf + p->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p->len += (size_t)n;
}

void page_text(struct page *p, const char *t)
{
	for (; t && *t; t++) {
		switch (*t) {
		case '&': page_raw(p, "&amp;"); break;
		case '<': page_raw(p, "&lt;"); break;
		case '>': page_raw(p, "&gt;"); break;
		case '"': page_raw(p, "&quot;"); break;
		case '\'': page_raw(p, "&#39;"); break;
		default:
			grow(p, 1);
			p->buf[p->len++] = *t;
			p->buf[p->len] = 0;
		}
	}
}

void page_begin(struct page *p, const char *title)
{
	page_raw(p, "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	page_text(p, title);
	page_raw(p, " – Aidants Connect</title>\n<link rel=\"stylesheet\" href=\"/static/ac.css\">\n"
		    "</head>\n<body>\n<header><p class=\"brand\">Aidants Connect</p>"
		    "<p class=\"tagline\">Un service public pour faire vos démarches en ligne avec un aidant "
		    "professionnel</p></header>\n<main>\n");
}

void page_end(struct page *p)
{
	page_raw(p, "</main>\n<footer><p>Aidants Connect – service public de l'Agence nationale de la "
		    "cohésion des territoires (ANCT). Aucun mot de passe FranceConnect n'est jamais "
		    "demandé ni conservé.</p></footer>\n</body>\n</html>\n");
}

int reply_page(struct req *r, int status, struct page *p)
{
	char csp[600];
	/* the form's POST leads to FranceConnect: form-action must allow its origin */
	snprintf(csp, sizeof csp,
		 "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'%s%s%s%s; "
		 "frame-ancestors 'none'; base-uri 'none'",
		 fc_configured() ? " " : "", fc_configured() ? fc_origin() : "",
		 *r->form_target ? " " : "", r->form_target);
	reply_header(r, "Content-Security-Policy", csp);
	reply_header(r, "Referrer-Policy", "no-referrer");
	reply_header(r, "X-Frame-Options", "DENY");
	reply_bytes(r, status, "text/html; charset=utf-8", p->buf ? p->buf : "", p->len);
	free(p->buf);
	p->buf = NULL;
	return status;
}

int reply_page_redirect(struct req *r, char *url, const char *title)
{
	if (!url)
		return reply_page_error(r, 500, "Erreur", "La redirection n'a pas pu être préparée.");
	reply_header(r, "Location", url);
	free(url);
	struct page p = { 0 };
	page_begin(&p, title);
	page_raw(&p, "<h1>");
	page_text(&p, title);
	page_raw(&p, "</h1>\n");
	page_end(&p);
	return reply_page(r, 303, &p);
}

int reply_page_error(struct req *r, int status, const char *title, const char *what)
{
	struct page p = { 0 };
	page_begin(&p, title);
	page_raw(&p, "<h1>");
	page_text(&p, title);
	page_raw(&p, "</h1>\n<p class=\"error\">");
	page_text(&p, what);
	page_raw(&p, "</p>\n");
	page_end(&p);
	return reply_page(r, status, &p);
}

void page_allow_form_target(struct req *r, const char *url)
{
	/* scheme://host[:port]: a form's redirection there must not be blocked */
	const char *p = strstr(url, "://");
	size_t len = p ? strcspn(p + 3, "/?#") + (size_t)(p + 3 - url) : 0;
	if (len && len < sizeof r->form_target && !strpbrk(url, " ;,'\""))
		snprintf(r->form_target, sizeof r->form_target, "%.*s", (int)len, url);
}

int req_cookie(struct req *r, const char *name, char *out, size_t cap)
{
	const char *v = MHD_lookup_connection_value(r->mc, MHD_COOKIE_KIND, name);
	if (!v || strlen(v) >= cap)
		return -1;
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

int form_field(const char *body, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (const char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, name, nl) || p[nl] != '=')
			continue;
		size_t n = 0;
		for (const char *v = p + nl + 1; *v && *v != '&'; v++) {
			int c = *v == '+' ? ' ' : *v;
			if (*v == '%') {
				int hi = ac_hexval(v[1]), lo = hi < 0 ? -1 : ac_hexval(v[2]);
				if (lo < 0)
					return -1;
				c = hi * 16 + lo;
				v += 2;
			}
			if (n + 1 >= cap || c == 0)
				return -1;
			out[n++] = (char)c;
		}
		out[n] = 0;
		return 0;
	}
	return -1;
}

int form_count(const char *body, const char *name)
{
	size_t nl = strlen(name);
	int n = 0;
	for (const char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL)
		n += !strncmp(p, name, nl) && p[nl] == '=';
	return n;
}

int hex_ok(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

void page_browser_id(struct req *r, char id[33])
{
	if (req_cookie(r, PAGE_BROWSER_COOKIE, id, 33) == 0 && hex_ok(id, 32))
		return;
	uint8_t raw[16];
	crypto_random(raw, sizeof raw);
	crypto_hex(raw, sizeof raw, id);
	char c[200];
	snprintf(c, sizeof c, PAGE_BROWSER_COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax%s", id,
		 !strncmp(srv.cfg.public_url, "https:", 6) ? "; Secure" : "");
	reply_header(r, "Set-Cookie", c);
}

void page_csrf(const char *browser, const char *target, char out[65])
{
	char both[300];
	uint8_t h[32];
	snprintf(both, sizeof both, "%s/%s", browser, target);
	crypto_keyed_hash("csrf", both, strlen(both), h);
	crypto_hex(h, sizeof h, out);
}

int page_csrf_ok(struct req *r, const char *target, char browser[33])
{
	char sent[80], want[65];
	if (req_cookie(r, PAGE_BROWSER_COOKIE, browser, 33) || !hex_ok(browser, 32) ||
	    form_field(r->body ? r->body : "", "csrf", sent, sizeof sent) || strlen(sent) != 64)
		return 0;
	page_csrf(browser, target, want);
	return !sodium_memcmp(sent, want, 64);
}

static const char css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font-family:Marianne,Arial,sans-serif;font-size:1.05rem;line-height:1.5;"
	"color:#161616;background:#f6f6f6}"
	"header{background:#000091;color:#fff;padding:1rem 1.5rem}"
	".brand{font-size:1.5rem;font-weight:700;margin:0}.tagline{margin:.2rem 0 0;font-size:.95rem}"
	"main{max-width:46rem;margin:1.5rem auto;background:#fff;padding:1.5rem 2rem;"
	"border:1px solid #ddd}"
	"h1{font-size:1.6rem;margin-top:0;color:#000091}h2{font-size:1.2rem;margin-top:1.6rem}"
	".draft{display:inline-block;background:#fee7fc;color:#6e445a;font-weight:700;padding:.2rem .6rem;"
	"border-radius:.2rem}"
	".demarches li{margin-bottom:.6rem}.examples{display:block;color:#555;font-size:.9rem}"
	".notice{border-left:4px solid #000091;background:#f5f5fe;padding:.8rem 1rem}"
	".warning{border-left:4px solid #b34000;background:#fff4f3;padding:.8rem 1rem}"
	".error{border-left:4px solid #ce0500;background:#fff4f4;padding:.8rem 1rem}"
	".ok{border-left:4px solid #18753c;background:#f0fff4;padding:.8rem 1rem}"
	"button{font:inherit;font-weight:700;background:#000091;color:#fff;border:0;"
	"padding:.8rem 1.4rem;cursor:pointer}button:focus{outline:3px solid #0a76f6;outline-offset:2px}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:700}dd{margin:0}"
	/* the usager's space (pages_usager.c) */
	".who{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;"
	"border-bottom:1px solid #ddd;margin-bottom:1rem}.who p{margin:.4rem 0}"
	".mandate{border:1px solid #ddd;border-left:4px solid #000091;padding:.2rem 1.2rem 1rem;"
	"margin:1.2rem 0}.mandate h2{margin-top:.8rem}.mandate h3{font-size:1.05rem;margin:1.2rem 0 .4rem}"
	".city{font-weight:400;color:#555}"
	".status{display:inline-block;font-weight:700;padding:.1rem .6rem;margin:0}"
	".status.active{background:#b8fec9;color:#18753c}.status.expired{background:#eee;color:#3a3a3a}"
	".status.revoked{background:#ffe9e9;color:#ce0500}"
	"table{border-collapse:collapse;width:100%;font-size:.95rem}"
	"th,td{text-align:left;border-bottom:1px solid #ddd;padding:.3rem .5rem .3rem 0;vertical-align:top}"
	".actions{display:flex;flex-wrap:wrap;gap:.6rem}.actions form{margin:0}"
	"button.secondary{background:#fff;color:#000091;border:1px solid #000091;padding:.5rem 1rem}"
	"button.danger{background:#ce0500;padding:.5rem 1rem}"
	"a{color:#000091}"
	/* the provider's pages (oidc_pages.c): fields, and one choice per line */
	"label{display:block;font-weight:700;margin-bottom:.3rem}"
	"input[type=email],input[type=text],input[type=search]{font:inherit;width:100%;max-width:28rem;"
	"padding:.5rem .6rem;border:1px solid #3a3a3a;border-radius:.2rem}"
	".help{display:block;color:#555;font-size:.9rem;margin-top:.2rem}"
	".choices{list-style:none;padding:0}.choices li{margin:.6rem 0}"
	".choices button{display:block;width:100%;text-align:left}"
	".choices button .examples{color:#e3e3fd;font-weight:400}"
	"svg.chart{width:100%;height:auto;margin:1rem 0}caption{text-align:left;font-weight:700;"
	"padding:.4rem 0}th.n,td.n{text-align:right}"
	/* the application form (pages_apply.c) */
	"fieldset{border:1px solid #ddd;padding:.6rem 1.2rem 1rem;margin:1.2rem 0}"
	"legend{font-weight:700;color:#000091;padding:0 .4rem}"
	".field{margin:.8rem 0}select{font:inherit;padding:.5rem .6rem;border:1px solid #3a3a3a}"
	".person{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.4rem 1rem;"
	"border-top:1px solid #eee;padding-top:.4rem;margin-top:.6rem}.person h3{grid-column:1/-1;"
	"font-size:1rem;margin:.4rem 0 0}.person label{font-weight:400;font-size:.9rem}"
	/* a label's words for screen readers only (an aidant row's number) */
	".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
	".check{display:flex;gap:.6rem;align-items:flex-start;margin:.6rem 0}.check label{font-weight:400}"
	"footer{max-width:46rem;margin:0 auto 2rem;color:#555;font-size:.85rem;padding:0 1rem}";

int page_css(struct req *r)
{
	return reply_bytes(r, 200, "text/css; charset=utf-8", css, sizeof css - 1);
}
