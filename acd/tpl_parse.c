/* tpl_parse.c — template paragraphs to blocks of pango markup.  Values are
 * escaped here, so a name holding "<" or "&" prints as it is written. */
#include "tpl.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct line {
	const char *s;
	size_t len;
	int no;                 /* line number in the template, for errors */
};

struct parse {
	const struct tvar *vars;
	size_t nvars;
	const struct tpl_item *items;
	size_t nitems;
	struct blks *out;       /* where blocks go: the document, or a column */
	struct blks *doc;
	size_t cols;            /* the open [[columns]] block of doc, or (size_t)-1 */
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, int no, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parse *p, int no, const char *fmt, ...)
{
	int n = snprintf(p->err, p->errlen, "template line %d: ", no);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* 1 and the value, 0 when the document does not have it, -1 unknown name. */
static int lookup(struct parse *p, const char *name, size_t len, const char **value)
{
	for (size_t i = 0; i < p->nvars; i++)
		if (strlen(p->vars[i].name) == len && !memcmp(p->vars[i].name, name, len)) {
			*value = p->vars[i].value;
			return *value && **value ? 1 : 0;
		}
	return -1;
}

static struct blk *push(struct parse *p, enum blk_kind kind, char *markup)
{
	struct blks *b = p->out;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 32;
		b->v = g_renew(struct blk, b->v, b->cap);
	}
	struct blk *k = &b->v[b->n++];
	memset(k, 0, sizeof *k);
	k->kind = kind;
	k->markup = markup;
	return k;
}

static void escaped(GString *g, const char *s, gssize len)
{
	char *e = g_markup_escape_text(s, len);
	g_string_append(g, e);
	g_free(e);
}

/* French typography: no line break between a word and the ":", ";", "!",
 * "?" or "»" after it, nor between "«" and the word after it. */
static void french_spaces(GString *g)
{
	static const char nbsp[] = "\xc2\xa0";
	for (size_t i = 0; i + 1 < g->len; i++) {
		const char *s = g->str + i;
		if (s[0] == ' ' && (strchr(":;!?", s[1]) || !strncmp(s + 1, "»", 2))) {
			g_string_erase(g, (gssize)i, 1);
			g_string_insert(g, (gssize)i, nbsp);
		} else if (!strncmp(s, "« ", 3)) {
			g_string_erase(g, (gssize)i + 2, 1);
			g_string_insert(g, (gssize)i + 2, nbsp);
		}
	}
}

/* Appends the markup of one template line to out: 1, or 0 when the line
 * names a value the document does not have (out unchanged), or -1. */
static int expand(struct parse *p, const struct line *l, size_t skip, GString *out)
{
	const char *s = l->s + skip, *end = l->s + l->len;
	GString *g = g_string_new(NULL);
	int bold = 0, rc = 1;
	while (s < end && rc == 1) {
		if (end - s >= 2 && !memcmp(s, "**", 2)) {
			g_string_append(g, bold ? "</b>" : "<b>");
			bold = !bold;
			s += 2;
		} else if (end - s >= 2 && !memcmp(s, "{{", 2)) {
			const char *close = g_strstr_len(s + 2, end - s - 2, "}}");
			const char *value = NULL;
			if (!close) {
				rc = fail(p, l->no, "\"{{\" without \"}}\"");
				break;
			}
			int found = lookup(p, s + 2, (size_t)(close - s - 2), &value);
			if (found < 0)
				rc = fail(p, l->no, "unknown value {{%.*s}}", (int)(close - s - 2), s + 2);
			else if (found == 0)
				rc = 0;
			else if (!g_utf8_validate(value, -1, NULL))
				rc = fail(p, l->no, "the value {{%.*s}} is not UTF-8", (int)(close - s - 2),
					  s + 2);
			else
				escaped(g, value, -1);
			s = close + 2;
		} else {
			const char *q = s + 1;
			while (q < end && *q != '*' && *q != '{')
				q++;
			escaped(g, s, q - s);
			s = q;
		}
	}
	if (rc == 1 && bold)
		rc = fail(p, l->no, "unbalanced \"**\"");
	if (rc == 1) {
		french_spaces(g);
		g_string_append(out, g->str);
	}
	g_string_free(g, TRUE);
	return rc;
}

static int starts(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);
	return l->len >= n && !memcmp(l->s, prefix, n);
}

/* How much of prefix starts l — a line that is prefix without its trailing
 * space counts ("|" alone is an empty line of a line block) — or -1. */
static long lead(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);
	if (starts(l, prefix))
		return (long)n;
	if (n && l->len == n - 1 && !memcmp(l->s, prefix, n - 1))
		return (long)n - 1;
	return -1;
}

/* A paragraph of lines that each start with prefix: one block of kind,
 * the lines joined by sep (a line with a missing value left out). */
static int joined(struct parse *p, const struct line *ls, size_t n, const char *prefix,
		  const char *sep, enum blk_kind kind)
{
	GString *g = g_string_new(NULL);
	for (size_t i = 0; i < n; i++) {
		long skip = lead(&ls[i], prefix);
		if (skip < 0) {
			g_string_free(g, TRUE);
			return fail(p, ls[i].no, "expected a line starting with \"%s\"", prefix);
		}
		size_t before = g->len;
		if (g->len)
			g_string_append(g, sep);
		int rc = expand(p, &ls[i], (size_t)skip, g);
		if (rc < 0) {
			g_string_free(g, TRUE);
			return -1;
		}
		if (rc == 0)
			g_string_truncate(g, before);
	}
	if (g->len) {
		struct blk *b = push(p, kind, g_string_free(g, FALSE));
		/* "... les démarches suivantes :" introduces what follows */
		b->keep_next = b->markup[strlen(b->markup) - 1] == ':';
	} else {
		g_string_free(g, TRUE);
	}
	return 0;
}

/* "- " items, each continued by the "  " lines under it. */
static int bullets(struct parse *p, const struct line *ls, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (!starts(&ls[i], "- "))
			return fail(p, ls[i].no, "expected an item starting with \"- \"");
		size_t j = i + 1;
		while (j < n && starts(&ls[j], "  "))
			j++;
		GString *g = g_string_new(NULL);
		int rc = 1;
		for (size_t k = i; k < j && rc == 1; k++) {
			if (k > i)
				g_string_append_c(g, ' ');
			rc = expand(p, &ls[k], 2, g);
		}
		if (rc < 0) {
			g_string_free(g, TRUE);
			return -1;
		}
		if (rc == 1)    /* an item missing a value goes as a whole */
			push(p, BLK_BULLET, g_string_free(g, FALSE));
		else
			g_string_free(g, TRUE);
		i = j;
	}
	return 0;
}

static int title(struct parse *p, const struct line *ls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!starts(&ls[i], "# "))
			return fail(p, ls[i].no, "a title paragraph has only \"# \" lines");
		GString *g = g_string_new(NULL);
		if (expand(p, &ls[i], 2, g) < 0) {
			g_string_free(g, TRUE);
			return -1;
		}
		push(p, i ? BLK_SUBTITLE : BLK_TITLE, g_string_free(g, FALSE));
	}
	push(p, BLK_RULE, NULL);
	return 0;
}

static int demarches(struct parse *p)
{
	for (size_t i = 0; i < p->nitems; i++) {
		GString *g = g_string_new("<b>");
		escaped(g, p->items[i].label, -1);
		g_string_append(g, "</b>");
		if (p->items[i].detail && *p->items[i].detail) {
			g_string_append(g, "\n<span size=\"smaller\" foreground=\"#4d4d4d\">");
			escaped(g, p->items[i].detail, -1);
			g_string_append(g, "</span>");
		}
		french_spaces(g);
		push(p, BLK_ITEM, g_string_free(g, FALSE));
	}
	return 0;
}

/* [[signatures: A | B]] */
static int signatures(struct parse *p, const struct line *l, const char *args, size_t len)
{
	struct blk *b = push(p, BLK_SIGN, NULL);
	/* "Fait à ..., le ..." stays with the boxes, and so does the text
	 * before it: a page of signatures alone would say nothing of what was
	 * signed */
	for (size_t i = p->out->n - 1; i > 0 && i + 3 > p->out->n; i--)
		p->out->v[i - 1].keep_next = 1;
	char *all = g_strndup(args, len);
	char **labels = g_strsplit(all, "|", -1);
	int rc = 0;
	for (char **s = labels; *s && rc == 0; s++) {
		if (b->nsign == SIGN_MAX) {
			rc = fail(p, l->no, "at most %d signature boxes", SIGN_MAX);
			break;
		}
		GString *g = g_string_new(NULL);
		escaped(g, g_strstrip(*s), -1);
		french_spaces(g);
		b->sign[b->nsign++] = g_string_free(g, FALSE);
	}
	if (rc == 0 && (b->nsign == 0 || !*b->sign[0]))
		rc = fail(p, l->no, "signatures without a label");
	g_strfreev(labels);
	g_free(all);
	return rc;
}

/* [[columns]] A [[next]] B [[end]]: A and B side by side. */
static int columns(struct parse *p, const struct line *l, const char *word)
{
	int inside = p->cols != (size_t)-1;
	if (!strcmp(word, "columns")) {
		if (inside)
			return fail(p, l->no, "[[columns]] inside [[columns]]");
		struct blk *b = push(p, BLK_COLUMNS, NULL);
		b->cols = g_new0(struct blks, COLS_MAX);
		b->ncols = 1;
		p->cols = p->doc->n - 1;
		p->out = &b->cols[0];
		return 0;
	}
	if (!inside)
		return fail(p, l->no, "[[%s]] outside [[columns]]", word);
	struct blk *b = &p->doc->v[p->cols];
	if (!strcmp(word, "end")) {
		p->out = p->doc;
		p->cols = (size_t)-1;
		return 0;
	}
	if (b->ncols == COLS_MAX)
		return fail(p, l->no, "at most %d columns", COLS_MAX);
	p->out = &b->cols[b->ncols++];
	return 0;
}

static int directive(struct parse *p, const struct line *ls, size_t n)
{
	const struct line *l = &ls[0];
	if (n != 1 || l->len < 4 || memcmp(l->s + l->len - 2, "]]", 2))
		return fail(p, l->no, "a directive is a paragraph of one \"[[...]]\" line");
	const char *s = l->s + 2;
	size_t len = l->len - 4;
	if (len == 9 && !memcmp(s, "demarches", 9))
		return demarches(p);
	if (len > 11 && !memcmp(s, "signatures:", 11))
		return signatures(p, l, s + 11, len - 11);
	static const char *const words[] = { "columns", "next", "end" };
	for (size_t i = 0; i < 3; i++)
		if (len == strlen(words[i]) && !memcmp(s, words[i], len))
			return columns(p, l, words[i]);
	return fail(p, l->no, "unknown directive %.*s", (int)l->len, l->s);
}

static int paragraph(struct parse *p, const struct line *ls, size_t n)
{
	if (starts(&ls[0], "# "))
		return title(p, ls, n);
	if (starts(&ls[0], "## ")) {
		size_t before = p->out->n;
		if (joined(p, ls, n, "## ", " ", BLK_HEADING) < 0)
			return -1;
		if (p->out->n > before)
			p->out->v[p->out->n - 1].keep_next = 1;
		return 0;
	}
	if (starts(&ls[0], "[["))
		return directive(p, ls, n);
	if (lead(&ls[0], "| ") >= 0)
		return joined(p, ls, n, "| ", "\n", BLK_LINES);
	if (starts(&ls[0], "- "))
		return bullets(p, ls, n);
	return joined(p, ls, n, "", " ", BLK_PARA);
}

/* "?name text": 1 and the line made "text" when name is set, 0 when it is
 * not, -1 for an unknown name. */
static int condition(struct parse *p, struct line *l)
{
	if (!l->len || l->s[0] != '?')
		return 1;
	const char *sp = memchr(l->s, ' ', l->len);
	size_t nlen = sp ? (size_t)(sp - l->s - 1) : l->len - 1;
	const char *value;
	int found = lookup(p, l->s + 1, nlen, &value);
	if (found < 0)
		return fail(p, l->no, "unknown value ?%.*s", (int)nlen, l->s + 1);
	size_t cut = sp ? (size_t)(sp - l->s) + 1 : l->len;
	l->s += cut;
	l->len -= cut;
	return found;
}

int tpl_parse(const char *text, const struct tvar *vars, size_t nvars,
	      const struct tpl_item *items, size_t nitems, struct blks *out,
	      char *err, size_t errlen)
{
	struct parse p = { vars, nvars, items, nitems, out, out, (size_t)-1, err, errlen };
	memset(out, 0, sizeof *out);
	GArray *para = g_array_new(FALSE, FALSE, sizeof(struct line));
	int rc = 0, no = 0;
	const char *s = text;
	while (rc == 0 && *s) {
		const char *nl = strchr(s, '\n');
		struct line l = { s, nl ? (size_t)(nl - s) : strlen(s), ++no };
		s = nl ? nl + 1 : s + l.len;
		if (l.len == 0) {
			if (para->len)
				rc = paragraph(&p, (struct line *)(void *)para->data, para->len);
			g_array_set_size(para, 0);
			continue;
		}
		int keep = condition(&p, &l);
		if (keep < 0)
			rc = -1;
		else if (keep)
			g_array_append_val(para, l);
	}
	if (rc == 0 && para->len)
		rc = paragraph(&p, (struct line *)(void *)para->data, para->len);
	if (rc == 0 && p.cols != (size_t)-1)
		rc = fail(&p, no, "[[columns]] without [[end]]");
	g_array_free(para, TRUE);
	return rc;
}

void blks_free(struct blks *b)
{
	for (size_t i = 0; i < b->n; i++) {
		g_free(b->v[i].markup);
		for (int k = 0; k < b->v[i].nsign; k++)
			g_free(b->v[i].sign[k]);
		for (int k = 0; b->v[i].cols && k < COLS_MAX; k++)
			blks_free(&b->v[i].cols[k]);
		g_free(b->v[i].cols);
	}
	g_free(b->v);
	memset(b, 0, sizeof *b);
}
