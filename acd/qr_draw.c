/* qr_draw.c — a QR code as vector rectangles: crisp at any print size, and
 * one path filled once so neighbouring modules show no hairline seams. */
#include "pdf.h"

#include <qrencode.h>

int qr_draw(cairo_t *cr, const char *text, double x, double y, double size)
{
	/* libqrencode is built thread-safe on Debian (its Reed-Solomon tables
	 * are guarded by a mutex), so acd's threads may call it at once */
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return -1;
	double m = size / q->width;
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_new_path(cr);
	for (int r = 0; r < q->width; r++) {
		const unsigned char *row = q->data + r * q->width;
		for (int c = 0; c < q->width;) {
			if (!(row[c] & 1)) {
				c++;
				continue;
			}
			int run = c;    /* a horizontal run of dark modules: one rectangle */
			while (run < q->width && (row[run] & 1))
				run++;
			cairo_rectangle(cr, x + c * m, y + r * m, (run - c) * m, m);
			c = run;
		}
	}
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(q);
	return 0;
}
