/* tpl.h — a template's text, with the values of one document, turned into
 * blocks of pango markup (the markup is described in templates/README). */
#ifndef TPL_H
#define TPL_H
#include <stddef.h>

struct tvar {
	const char *name;
	const char *value;      /* NULL or "": this document does not have it */
};
/* An entry of [[demarches]]: a bold label, and a detail line under it. */
struct tpl_item {
	const char *label, *detail;
};

enum blk_kind { BLK_TITLE, BLK_SUBTITLE, BLK_RULE, BLK_HEADING, BLK_PARA, BLK_LINES,
		BLK_BULLET, BLK_ITEM, BLK_SIGN, BLK_COLUMNS };
#define SIGN_MAX 3
#define COLS_MAX 3

struct blk {
	enum blk_kind kind;
	char *markup;           /* pango markup; NULL for BLK_RULE and BLK_SIGN */
	char *sign[SIGN_MAX];   /* BLK_SIGN: the box labels, as markup */
	int nsign;
	struct blks *cols;      /* BLK_COLUMNS: the blocks of each column */
	int ncols;
	int keep_next;          /* never the last thing on a page */
};
struct blks {
	struct blk *v;
	size_t n, cap;
};

/* 0, or -1 with err filled (a template error: unknown value name,
 * unbalanced "**", unknown or misplaced directive).  Free out with blks_free, even on
 * failure. */
int tpl_parse(const char *text, const struct tvar *vars, size_t nvars,
	      const struct tpl_item *items, size_t nitems, struct blks *out,
	      char *err, size_t errlen);
void blks_free(struct blks *);
#endif
