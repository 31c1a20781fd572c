/* pdf_layout.h — inside pdf_render: the page geometry, each block's pango
 * layout measured line by line, and where every piece goes. */
#ifndef PDF_LAYOUT_H
#define PDF_LAYOUT_H
#include "tpl.h"

#include <pango/pangocairo.h>

#define PT_PER_CM (72.0 / 2.54)
#define PAGE_W 595.28           /* A4 in points */
#define PAGE_H 841.89
#define BODY_X (2 * PT_PER_CM)
#define BODY_W (PAGE_W - 2 * BODY_X)
#define BODY_TOP (2 * PT_PER_CM)
#define FOOT_END (PAGE_H - 1.5 * PT_PER_CM)
/* The last page ends with the QR code and the verification text beside it;
 * the pages before it, with a slim footer of the address and the hash. */
#define QR_SIZE (3 * PT_PER_CM)
#define FOOT_TOP (FOOT_END - QR_SIZE)
#define SLIM_TOP (FOOT_END - 26)
#define BODY_BOTTOM (SLIM_TOP - 14)
#define LAST_EXTRA (BODY_BOTTOM - (FOOT_TOP - 16)) /* what the last page gives up */
#define INDENT 16.0             /* bulleted text */
#define SIGN_BOX_H (3.5 * PT_PER_CM)
#define SIGN_GAP 20.0
#define COL_GAP 20.0

/* Text is ragged right, never justified: even word spacing reads more
 * easily, which matters to people who struggle with reading. */
struct style {
	const char *font;
	double before;          /* space above, dropped at the top of a page */
	double indent;
	double rgb[3];
};
extern const struct style styles[];

/* A block measured: line k spans top[k]..bot[k] below the layout's top and
 * has its baseline at base[k] (points).  Columns hold their blocks measured,
 * with the top of each below the block's top. */
struct laid {
	PangoLayout *lay;
	PangoLayout *sign[SIGN_MAX];
	struct laid *col[COLS_MAX];
	double *coly[COLS_MAX];
	double width;           /* of the frame the block was laid out for */
	int nlines;
	double *top, *bot, *base;
	double h;
};

/* Lines l0..l1-1 of block blk, the top of line l0 at y on page page. */
struct place {
	size_t blk;
	int l0, l1;
	int page;
	double y;
};

/* A layout of markup in font over width points: NULL (err filled) when the
 * markup does not parse. */
PangoLayout *layout_new(PangoContext *, const char *font, const char *markup, double width,
			char *err, size_t errlen);
/* Each block of b measured for a frame width points wide. */
int lay_blocks(PangoContext *, const struct blks *b, struct laid *, double width, char *err,
	       size_t errlen);
void laid_free(const struct blks *, struct laid *);
/* Fills places (a GArray of struct place); returns the number of pages. */
int paginate(const struct blks *, const struct laid *, GArray *places);
#endif
