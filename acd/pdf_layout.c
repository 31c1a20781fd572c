/* pdf_layout.c — measuring blocks and cutting them into pages.  Paragraphs
 * split between lines, never leaving one line alone on either page; a
 * heading, a paragraph ending in ":" and "Fait à ..." stay with what
 * follows them. */
#include "pdf_layout.h"

#include <stdio.h>

#define INK { 0.12, 0.12, 0.12 }
#define BLUE { 0, 0, 0.57 }    /* the French administration's blue, #000091 */
#define GREY { 0.33, 0.33, 0.33 }
#define SANS "DejaVu Sans,Sans"

const struct style styles[] = {
	[BLK_TITLE] = { SANS " Bold 22", 0, 0, BLUE },
	[BLK_SUBTITLE] = { SANS " 12.5", 4, 0, GREY },
	[BLK_RULE] = { NULL, 8, 0, BLUE },
	[BLK_HEADING] = { SANS " Bold 12.5", 13, 0, BLUE },
	[BLK_PARA] = { SANS " 11", 7, 0, INK },
	[BLK_LINES] = { SANS " 11", 7, 0, INK },
	[BLK_BULLET] = { SANS " 11", 4, INDENT, INK },
	[BLK_ITEM] = { SANS " 11", 6, INDENT, INK },
	[BLK_SIGN] = { SANS " Bold 10", 18, 0, INK },
	[BLK_COLUMNS] = { NULL, 13, 0, INK },
};

#define RULE_H 10.0

PangoLayout *layout_new(PangoContext *ctx, const char *font, const char *markup, double width,
			char *err, size_t errlen)
{
	PangoAttrList *attrs = NULL;
	char *text = NULL;
	GError *ge = NULL;
	if (!pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, &ge)) {
		snprintf(err, errlen, "bad markup: %s", ge->message);
		g_error_free(ge);
		return NULL;
	}
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR); /* a long URL still wraps */
	pango_layout_set_text(l, text, -1);
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	g_free(text);
	return l;
}

static void measure(struct laid *L)
{
	L->nlines = pango_layout_get_line_count(L->lay);
	L->top = g_new(double, L->nlines);
	L->bot = g_new(double, L->nlines);
	L->base = g_new(double, L->nlines);
	PangoLayoutIter *it = pango_layout_get_iter(L->lay);
	int k = 0;
	do {
		PangoRectangle log;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		L->top[k] = (double)log.y / PANGO_SCALE;
		L->bot[k] = (double)(log.y + log.height) / PANGO_SCALE;
		L->base[k] = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		k++;
	} while (k < L->nlines && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	L->h = L->bot[L->nlines - 1];
}

static int lay_sign(PangoContext *ctx, const struct blk *b, struct laid *L, char *err,
		    size_t errlen)
{
	int cols = b->nsign < 2 ? 2 : b->nsign;  /* one box alone is half a line wide */
	double w = (L->width - (cols - 1) * SIGN_GAP) / cols, label = 0;
	for (int k = 0; k < b->nsign; k++) {
		L->sign[k] = layout_new(ctx, styles[BLK_SIGN].font, b->sign[k], w, err, errlen);
		if (!L->sign[k])
			return -1;
		int lw, lh;
		pango_layout_get_size(L->sign[k], &lw, &lh);
		if ((double)lh / PANGO_SCALE > label)
			label = (double)lh / PANGO_SCALE;
	}
	L->nlines = 1;
	L->h = label + 5 + SIGN_BOX_H;
	return 0;
}

/* Columns side by side, each a stack of blocks; as tall as the tallest. */
static int lay_columns(PangoContext *ctx, const struct blk *b, struct laid *L, char *err,
		       size_t errlen)
{
	double w = (L->width - (b->ncols - 1) * COL_GAP) / b->ncols;
	L->nlines = 1;
	for (int c = 0; c < b->ncols; c++) {
		const struct blks *col = &b->cols[c];
		L->col[c] = g_new0(struct laid, col->n ? col->n : 1);
		L->coly[c] = g_new0(double, col->n ? col->n : 1);
		if (lay_blocks(ctx, col, L->col[c], w, err, errlen) < 0)
			return -1;
		double y = 0;
		for (size_t i = 0; i < col->n; i++) {
			y += i ? styles[col->v[i].kind].before : 0;
			L->coly[c][i] = y;
			y += L->col[c][i].h;
		}
		if (y > L->h)
			L->h = y;
	}
	return 0;
}

int lay_blocks(PangoContext *ctx, const struct blks *b, struct laid *L, double width, char *err,
	       size_t errlen)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct style *st = &styles[b->v[i].kind];
		L[i].width = width;
		if (b->v[i].kind == BLK_COLUMNS) {
			if (lay_columns(ctx, &b->v[i], &L[i], err, errlen) < 0)
				return -1;
		} else if (b->v[i].kind == BLK_RULE) {
			L[i].nlines = 1;
			L[i].h = RULE_H;
		} else if (b->v[i].kind == BLK_SIGN) {
			if (lay_sign(ctx, &b->v[i], &L[i], err, errlen) < 0)
				return -1;
		} else {
			L[i].lay = layout_new(ctx, st->font, b->v[i].markup, width - st->indent,
					      err, errlen);
			if (!L[i].lay)
				return -1;
			measure(&L[i]);
		}
	}
	return 0;
}

void laid_free(const struct blks *b, struct laid *L)
{
	for (size_t i = 0; i < b->n; i++) {
		for (int c = 0; c < b->v[i].ncols; c++) {
			if (L[i].col[c])
				laid_free(&b->v[i].cols[c], L[i].col[c]);
			g_free(L[i].col[c]);
			g_free(L[i].coly[c]);
		}
		if (L[i].lay)
			g_object_unref(L[i].lay);
		for (int k = 0; k < SIGN_MAX; k++)
			if (L[i].sign[k])
				g_object_unref(L[i].sign[k]);
		g_free(L[i].top);
		g_free(L[i].bot);
		g_free(L[i].base);
	}
}

static int splittable(const struct blk *b, const struct laid *L)
{
	return (b->kind == BLK_PARA || b->kind == BLK_LINES) && L->nlines >= 4;
}

/* The height block j needs to begin on a page: its first two lines when it
 * may split, else all of it; with what it keeps with it (a heading, then
 * "... s'engagent à :", then the first item); the last block brings the QR
 * footer along. */
static double start_height(const struct blks *b, const struct laid *L, size_t j)
{
	if (j + 1 == b->n)
		return L[j].h + LAST_EXTRA;
	if (b->v[j].keep_next)
		return L[j].h + styles[b->v[j + 1].kind].before + start_height(b, L, j + 1);
	return splittable(&b->v[j], &L[j]) ? L[j].bot[1] : L[j].h;
}

struct cursor {
	GArray *places;
	int page;
	double y;
};

static void put(struct cursor *c, size_t blk, int l0, int l1, double y)
{
	struct place p = { blk, l0, l1, c->page, y };
	g_array_append_val(c->places, p);
}

static void new_page(struct cursor *c)
{
	c->page++;
	c->y = BODY_TOP;
}

/* A paragraph from the cursor on, over as many pages as it takes, two lines
 * at least on each side of a cut; next: the height that must follow it. */
static void put_lines(struct cursor *c, size_t i, double space, const struct laid *L,
		      double next)
{
	int n = L->nlines, l0 = 0;
	while (l0 < n) {
		double before = c->y == BODY_TOP ? 0 : space;
		double off = L->top[l0], avail = BODY_BOTTOM - c->y - before;
		int fit = l0;
		while (fit < n && L->bot[fit] - off <= avail)
			fit++;
		if (fit == n && (L->bot[n - 1] - off + next <= avail || c->y == BODY_TOP)) {
			put(c, i, l0, n, c->y + before);
			c->y += before + L->bot[n - 1] - off;
			return;
		}
		if (fit == n)   /* it fits, but what must follow it does not */
			fit = n - 2;
		else if (n - fit < 2)
			fit = n - 2;
		if (fit - l0 < 2)
			fit = l0;
		if (fit == l0 && c->y == BODY_TOP)      /* taller than a page: cut anyway */
			fit = l0 + 1;
		if (fit > l0)
			put(c, i, l0, fit, c->y + before);
		new_page(c);
		l0 = fit;
	}
}

int paginate(const struct blks *b, const struct laid *L, GArray *places)
{
	struct cursor c = { places, 0, BODY_TOP };
	for (size_t i = 0; i < b->n; i++) {
		const struct blk *k = &b->v[i];
		double next = i + 1 == b->n ? LAST_EXTRA : 0;
		if (k->keep_next && i + 1 < b->n)
			next = styles[b->v[i + 1].kind].before + start_height(b, L, i + 1);
		if (splittable(k, &L[i])) {
			put_lines(&c, i, styles[k->kind].before, &L[i], next);
			continue;
		}
		double before = c.y == BODY_TOP ? 0 : styles[k->kind].before;
		if (c.y + before + L[i].h + next > BODY_BOTTOM && c.y > BODY_TOP) {
			new_page(&c);
			before = 0;
		}
		put(&c, i, 0, L[i].nlines, c.y + before);
		c.y += before + L[i].h;
	}
	return c.page + 1;
}
