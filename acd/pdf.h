/* pdf.h — laying blocks out on A4 pages with pango and drawing them with
 * cairo into a PDF held in memory; the footer of every page carries the QR
 * code and the hash that let anyone check the paper against acd. */
#ifndef PDF_H
#define PDF_H
#include "tpl.h"

#include <cairo.h>
#include <stddef.h>
#include <time.h>

struct pdf_doc {
	const char *title;      /* PDF metadata */
	time_t created;         /* PDF creation date: the document's own date */
	const char *tpl_name;   /* footer: "mandat-1" */
	const char *hash;       /* footer: 64 hex */
	const char *verify_url; /* footer: the QR code and the address */
};

/* The PDF in a malloc'd buffer: 0, or -1 (err filled). */
int pdf_render(const struct blks *, const struct pdf_doc *, unsigned char **pdf, size_t *len,
	       char *err, size_t errlen);

/* text as a QR code (level M) of side size points, top left at (x, y), in
 * black filled rectangles: 0, or -1 when text cannot be encoded. */
int qr_draw(cairo_t *, const char *text, double x, double y, double size);
#endif
