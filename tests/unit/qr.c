/* qr.c — ac_qr_draw: the half blocks read back give the QR code's modules,
 * dark as dark, inside a quiet zone of 4 light modules; black on white, or
 * under NO_COLOR the terminal's colours with the light modules drawn. */
#include "ac.h"
#include "tap.h"

#include <qrencode.h>
#include <stdlib.h>

#define MAXW 200

/* Reads the drawing back into dark[y][x], quiet zone included; its width, or -1. */
static int read_back(const char *txt, int inverted, int colour, unsigned char dark[MAXW][MAXW],
		     int *rows)
{
	int y = 0, width = -1;
	const char *p = txt;
	while (*p && y + 1 < MAXW) {
		if (colour) {
			if (strncmp(p, "\033[30;107m", 9))
				return -1;
			p += 9;
		}
		int x = 0;
		while (*p && *p != '\033' && *p != '\n' && x < MAXW) {
			int top, bottom;
			if (!strncmp(p, "█", 3)) { top = bottom = 1; p += 3; }
			else if (!strncmp(p, "▀", 3)) { top = 1; bottom = 0; p += 3; }
			else if (!strncmp(p, "▄", 3)) { top = 0; bottom = 1; p += 3; }
			else if (*p == ' ') { top = bottom = 0; p++; }
			else return -1;
			dark[y][x] = (unsigned char)(inverted ? !top : top);
			dark[y + 1][x] = (unsigned char)(inverted ? !bottom : bottom);
			x++;
		}
		if (colour) {
			if (strncmp(p, "\033[0m", 4))
				return -1;
			p += 4;
		}
		if (*p++ != '\n' || (width >= 0 && x != width))
			return -1;
		width = x;
		y += 2;
	}
	*rows = y;
	return width;
}

static void check(const char *what, int colour)
{
	const char *url = "https://ac.example.gouv.fr/sign/0123456789abcdef0123456789abcdef"
			  "0123456789abcdef0123456789abcdef";
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	ac_qr_draw(f, url);
	fclose(f);
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	static unsigned char dark[MAXW][MAXW];
	memset(dark, 0, sizeof dark);
	int rows = 0, w = read_back(txt, !colour, colour, dark, &rows);
	ok(w == q->width + 8, "%s: the drawing is the code plus 4 modules each side (%d for %d)", what,
	   w, q->width);
	int same = w == q->width + 8, quiet = same;
	for (int y = 0; same && y < w; y++)
		for (int x = 0; x < w; x++) {
			int inside = x >= 4 && y >= 4 && x < q->width + 4 && y < q->width + 4;
			if (!inside && dark[y][x])
				quiet = 0;
			if (inside && dark[y][x] != (q->data[(y - 4) * q->width + x - 4] & 1))
				same = 0;
		}
	ok(same, "%s: every module read back as encoded, dark as dark", what);
	ok(quiet, "%s: the quiet zone is light", what);
	ok(rows >= w, "%s: every module row is drawn", what);
	QRcode_free(q);
	free(txt);
}

int main(void)
{
	unsetenv("NO_COLOR");
	check("black on white", 1);
	setenv("NO_COLOR", "1", 1);
	check("NO_COLOR", 0);
	return tap_done();
}
