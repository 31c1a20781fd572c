/* pdf_render.c — the PDF itself: a cairo surface writing into memory, the
 * measured blocks drawn line by line where paginate() put them, and the
 * footer of each page.
 *
 * Threads: the cairo surface, the pango context and layouts are made and
 * freed within one call; the font map is the calling thread's own default
 * (pango_cairo_font_map_get_default(), one per thread since pango 1.32.6,
 * freed with its thread), so calls from several threads share nothing but
 * the libraries' own locked caches (fontconfig, cairo's fonts, GLib's
 * types).  A fresh font map per call cost ~10 ms of each attestation. */
#include "pdf.h"
#include "pdf_layout.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sink {
	unsigned char *p;
	size_t n, cap;
	int oom;
};

static cairo_status_t sink_write(void *v, const unsigned char *data, unsigned int len)
{
	struct sink *s = v;
	if (s->n + len > s->cap) {
		size_t cap = s->cap ? s->cap : 64 * 1024;
		while (cap < s->n + len)
			cap *= 2;
		unsigned char *p = realloc(s->p, cap);
		if (!p) {
			s->oom = 1;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		s->p = p;
		s->cap = cap;
	}
	memcpy(s->p + s->n, data, len);
	s->n += len;
	return CAIRO_STATUS_SUCCESS;
}

static void ink(cairo_t *cr, const double rgb[3])
{
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
}

static void draw_lines(cairo_t *cr, const struct laid *L, int l0, int l1, double x, double y)
{
	PangoLayoutIter *it = pango_layout_get_iter(L->lay);
	int k = 0;
	do {
		if (k >= l0 && k < l1) {
			PangoRectangle log;
			pango_layout_iter_get_line_extents(it, NULL, &log);
			cairo_move_to(cr, x + (double)log.x / PANGO_SCALE, y + L->base[k] - L->top[l0]);
			pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
		}
		k++;
	} while (k < l1 && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void draw_sign(cairo_t *cr, const struct blk *b, const struct laid *L, double x0,
		      double y)
{
	int cols = b->nsign < 2 ? 2 : b->nsign;
	double w = (L->width - (cols - 1) * SIGN_GAP) / cols, box = y + L->h - SIGN_BOX_H;
	for (int k = 0; k < b->nsign; k++) {
		double x = x0 + k * (w + SIGN_GAP);
		ink(cr, styles[BLK_SIGN].rgb);
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, L->sign[k]);
		cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
		cairo_set_line_width(cr, 0.75);
		cairo_rectangle(cr, x, box, w, SIGN_BOX_H);
		cairo_stroke(cr);
	}
}

static void draw_place(cairo_t *cr, const struct blks *b, const struct laid *L,
		       const struct place *p, double x);

static void draw_columns(cairo_t *cr, const struct blk *b, const struct laid *L, double x,
			 const struct place *p)
{
	double w = (L->width - (b->ncols - 1) * COL_GAP) / b->ncols;
	for (int c = 0; c < b->ncols; c++)
		for (size_t i = 0; i < b->cols[c].n; i++) {
			const struct place in = { i, 0, L->col[c][i].nlines, p->page,
						  p->y + L->coly[c][i] };
			draw_place(cr, &b->cols[c], L->col[c], &in, x + c * (w + COL_GAP));
		}
}

/* Block p->blk of b, its frame's left edge at x. */
static void draw_place(cairo_t *cr, const struct blks *b, const struct laid *L,
		       const struct place *p, double x)
{
	const struct blk *k = &b->v[p->blk];
	const struct style *st = &styles[k->kind];
	const struct laid *l = &L[p->blk];
	switch (k->kind) {
	case BLK_RULE:
		ink(cr, st->rgb);
		cairo_set_line_width(cr, 1.2);
		cairo_move_to(cr, x, p->y + 3);
		cairo_line_to(cr, x + l->width, p->y + 3);
		cairo_stroke(cr);
		return;
	case BLK_SIGN:
		draw_sign(cr, k, l, x, p->y);
		return;
	case BLK_COLUMNS:
		draw_columns(cr, k, l, x, p);
		return;
	case BLK_BULLET:
	case BLK_ITEM:
		/* a dot on the first line, centred on the x-height */
		ink(cr, styles[BLK_HEADING].rgb);
		cairo_new_path(cr);     /* not joined to where the last text ended */
		cairo_arc(cr, x + 5, p->y + l->base[0] - 3.6, k->kind == BLK_ITEM ? 2.4 : 1.8, 0,
			  2 * G_PI);
		cairo_fill(cr);
		break;
	default:
		break;
	}
	ink(cr, st->rgb);
	draw_lines(cr, l, p->l0, p->l1, x + st->indent, p->y);
}

#define MONO "<span font_family=\"DejaVu Sans Mono,Monospace\">%s</span>"

/* The last page's footer explains the QR code beside it; the others only
 * carry the hash and the address, and say where the code is. */
static char *footer_markup(const struct pdf_doc *d, int page, int pages)
{
	char *url = g_markup_escape_text(d->verify_url, -1);
	char *hash = g_markup_escape_text(d->hash, -1);
	char *tpl = g_markup_escape_text(d->tpl_name, -1);
	char *m, pg[32] = "";
	if (pages > 1)
		snprintf(pg, sizeof pg, " — Page %d/%d", page, pages);
	if (page < pages)
		m = g_strdup_printf("Empreinte de l'attestation\u00a0: " MONO "\n"
				    "Vérification\u00a0: " MONO "\n"
				    "Modèle %s%s — code de vérification en page %d",
				    hash, url, tpl, pg, pages);
	else
		m = g_strdup_printf("<b>Vérifier cette attestation</b>\n"
				    "Scannez le code ci-contre, ou ouvrez l'adresse\u00a0:\n"
				    "<small>" MONO "</small>\n"
				    "Empreinte de l'attestation (SHA-256)\u00a0:\n"
				    "<small>" MONO "</small>\n"
				    "Modèle %s%s",
				    url, hash, tpl, pg);
	g_free(url);
	g_free(hash);
	g_free(tpl);
	return m;
}

static void hairline(cairo_t *cr, double y)
{
	cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, BODY_X, y);
	cairo_line_to(cr, BODY_X + BODY_W, y);
	cairo_stroke(cr);
}

static int footer(cairo_t *cr, PangoContext *ctx, const struct pdf_doc *d, int page, int pages,
		  char *err, size_t errlen)
{
	int last = page == pages;
	double x = last ? BODY_X + QR_SIZE + 14 : BODY_X, y = last ? FOOT_TOP : SLIM_TOP;
	hairline(cr, y - 8);
	if (last && qr_draw(cr, d->verify_url, BODY_X, FOOT_TOP, QR_SIZE) < 0) {
		snprintf(err, errlen, "the verification address does not fit in a QR code");
		return -1;
	}
	char *m = footer_markup(d, page, pages);
	PangoLayout *l = layout_new(ctx, last ? "DejaVu Sans,Sans 8" : "DejaVu Sans,Sans 6.5", m,
				    BODY_X + BODY_W - x, err, errlen);
	g_free(m);
	if (!l)
		return -1;
	cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return 0;
}

static void metadata(cairo_surface_t *s, const struct pdf_doc *d)
{
	char date[32];
	struct tm u;
	gmtime_r(&d->created, &u);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &u);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, "Aidants Connect");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "acd");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static PangoContext *text_context(PangoFontMap *fm, cairo_t *cr)
{
	PangoContext *ctx = pango_font_map_create_context(fm);
	pango_cairo_context_set_resolution(ctx, 72);    /* a pango point is a PDF point */
	pango_cairo_update_context(cr, ctx);
	pango_context_set_round_glyph_positions(ctx, FALSE); /* vector output: exact advances */
	pango_context_set_language(ctx, pango_language_from_string("fr-FR"));
	return ctx;
}

static int draw_pages(cairo_t *cr, PangoContext *ctx, const struct blks *b,
		      const struct pdf_doc *d, char *err, size_t errlen)
{
	struct laid *L = g_new0(struct laid, b->n ? b->n : 1);
	GArray *places = g_array_new(FALSE, FALSE, sizeof(struct place));
	int rc = lay_blocks(ctx, b, L, BODY_W, err, errlen);
	if (rc == 0) {
		int pages = paginate(b, L, places);
		size_t i = 0;
		for (int page = 0; page < pages && rc == 0; page++) {
			for (; i < places->len && g_array_index(places, struct place, i).page == page; i++)
				draw_place(cr, b, L, &g_array_index(places, struct place, i), BODY_X);
			rc = footer(cr, ctx, d, page + 1, pages, err, errlen);
			cairo_show_page(cr);
		}
	}
	g_array_free(places, TRUE);
	laid_free(b, L);
	g_free(L);
	return rc;
}

int pdf_render(const struct blks *b, const struct pdf_doc *d, unsigned char **pdf, size_t *len,
	       char *err, size_t errlen)
{
	struct sink out = { 0 };
	*pdf = NULL;
	*len = 0;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink_write, &out, PAGE_W, PAGE_H);
	metadata(s, d);
	cairo_t *cr = cairo_create(s);
	PangoContext *ctx = text_context(pango_cairo_font_map_get_default(), cr);
	int rc = draw_pages(cr, ctx, b, d, err, errlen);
	g_object_unref(ctx);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (rc == 0 && (st != CAIRO_STATUS_SUCCESS || out.oom)) {
		snprintf(err, errlen, "cairo: %s", out.oom ? "out of memory" : cairo_status_to_string(st));
		rc = -1;
	}
	if (rc < 0) {
		free(out.p);
		return -1;
	}
	*pdf = out.p;
	*len = out.n;
	return 0;
}
