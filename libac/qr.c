/* qr.c — a QR code drawn on a terminal with half blocks, two module rows per
 * text line, for a phone to scan (an app's seed, a signing link). */
#include "ac.h"

#include <qrencode.h>
#include <stdlib.h>

void ac_qr_draw(FILE *to, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	/* Explicit colours (black on white) make the dark modules dark on any
	 * terminal theme; without colours the terminal's own are used, and the
	 * light modules are drawn, which suits the usual dark terminal. */
	const char *no_color = getenv("NO_COLOR");
	int colour = !no_color || !*no_color;
	int w = q->width, m = 4;
#define DARK(x, y) ((x) >= 0 && (y) >= 0 && (x) < w && (y) < w && (q->data[(y) * w + (x)] & 1))
	for (int y = -m; y < w + m; y += 2) {
		if (colour)
			fputs("\033[30;107m", to);
		for (int x = -m; x < w + m; x++) {
			int top = DARK(x, y), bottom = y + 1 < w + m && DARK(x, y + 1);
			if (!colour) {
				top = !top;
				bottom = y + 1 < w + m && !bottom;
			}
			fputs(top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ", to);
		}
		fputs(colour ? "\033[0m\n" : "\n", to);
	}
#undef DARK
	QRcode_free(q);
	fflush(to);
}
