/* pages_stats.c — GET /stats, the public statistics: the national figures
 * since the service opened and the démarches by family, as a bar chart drawn
 * here in SVG (no script) beside the same numbers in a table.  Computed at
 * each visit; no personal data, and a family of fewer than 5 usagers shows
 * "< 5" (stats.h). */
#include "routes.h"
#include "frdate.h"
#include "html.h"
#include "stats.h"
#include "ac.h"

#include <string.h>

static const char *const labels[F_COUNT] = {
	"Démarches réalisées", "Usagers accompagnés", "Mandats créés", "Mandats en cours",
	"Mandats révoqués", "Aidants habilités", "Aidants en formation", "Structures habilitées",
	"Structures en cours d'habilitation",
};

/* A figure as people read it: "12 345" (thin spaces), or "< 5". */
static void put_figure(struct page *p, json_t *v)
{
	if (json_is_string(v)) {
		page_text(p, json_string_value(v));
		return;
	}
	char digits[32], out[64];
	snprintf(digits, sizeof digits, "%lld", (long long)json_integer_value(v));
	size_t n = strlen(digits), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0) {
			memcpy(out + k, "\u202f", 3); /* narrow no-break space */
			k += 3;
		}
		out[k++] = digits[i];
	}
	out[k] = 0;
	page_text(p, out);
}

/* Horizontal bars, one per family, scaled to the largest; a masked family
 * has no bar, only its "< 5". */
static void chart(struct page *p, json_t *rows)
{
	enum { W = 640, LABEL = 250, BAR = 22, GAP = 10, TOP = 8 };
	size_t n = json_array_size(rows), i;
	json_int_t max = 1;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *v = json_object_get(row, "demarches");
		if (json_is_integer(v) && json_integer_value(v) > max)
			max = json_integer_value(v);
	}
	int h = TOP * 2 + (int)n * (BAR + GAP);
	page_raw(p, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"chart-title\""
		    " xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Arial, sans-serif\" font-size=\"14\">\n"
		    "<title id=\"chart-title\">Démarches réalisées par thème (détail dans le tableau"
		    " ci-dessous)</title>\n", W, h);
	json_array_foreach(rows, i, row) {
		const struct ac_demarche *d = ac_demarche_find(json_string_value(json_object_get(row, "demarche")));
		json_t *v = json_object_get(row, "demarches");
		int y = TOP + (int)i * (BAR + GAP);
		int len = json_is_integer(v) ? (int)((W - LABEL - 70) * json_integer_value(v) / max) : 0;
		page_raw(p, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#161616\">", LABEL - 8,
			 y + BAR - 6);
		page_text(p, d ? d->label : "");
		page_raw(p, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#000091\"/>\n",
			 LABEL, y, len, BAR);
		page_raw(p, "<text x=\"%d\" y=\"%d\" fill=\"#161616\">", LABEL + len + 6, y + BAR - 6);
		put_figure(p, v);
		page_raw(p, "</text>\n");
	}
	page_raw(p, "</svg>\n");
}

static void table(struct page *p, json_t *rows)
{
	page_raw(p, "<table>\n<caption>Démarches réalisées et usagers accompagnés, par thème</caption>\n"
		    "<thead><tr><th scope=\"col\">Thème</th><th scope=\"col\" class=\"n\">Démarches</th>"
		    "<th scope=\"col\" class=\"n\">Usagers</th></tr></thead>\n<tbody>\n");
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const struct ac_demarche *d = ac_demarche_find(json_string_value(json_object_get(row, "demarche")));
		page_raw(p, "<tr><th scope=\"row\">");
		page_text(p, d ? d->label : "");
		page_raw(p, "</th><td class=\"n\">");
		put_figure(p, json_object_get(row, "demarches"));
		page_raw(p, "</td><td class=\"n\">");
		put_figure(p, json_object_get(row, "usagers"));
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</tbody>\n</table>\n");
}

int page_stats(struct req *r)
{
	struct stats_spec sp = { .mask = 1 };
	char why[300], day[64], hour[32];
	int status;
	if (store_begin(r->db, 0) != STORE_OK)
		return reply_page_error(r, 503, "Statistiques indisponibles",
					"La base de données ne répond pas. Réessayez dans un instant.");
	sp.from = stats_epoch(r->db, r->now);
	sp.to = stats_today_end(r->now);
	json_t *national = stats_compute(r->db, &sp, r->now, &status, why, sizeof why);
	sp.by = BY_DEMARCHE;
	json_t *families = national ? stats_compute(r->db, &sp, r->now, &status, why, sizeof why) : NULL;
	store_commit(r->db);
	if (!families) {
		json_decref(national);
		return reply_page_error(r, 500, "Statistiques indisponibles",
					"Les chiffres n'ont pas pu être calculés. Réessayez plus tard.");
	}
	struct page p = { 0 };
	page_begin(&p, "Statistiques");
	page_raw(&p, "<h1>Aidants Connect en chiffres</h1>\n<p>Depuis l'ouverture du service, au ");
	page_text(&p, fr_date(r->now, day, sizeof day));
	page_raw(&p, " à ");
	page_text(&p, fr_time(r->now, hour, sizeof hour));
	page_raw(&p, ". Ces chiffres sont calculés à chaque visite ; ils ne contiennent aucune donnée "
		     "personnelle, et un chiffre qui porterait sur moins de 5 usagers est affiché "
		     "« &lt; 5 ».</p>\n<h2>Le service</h2>\n<dl class=\"figures\">\n");
	json_t *row = json_array_get(national, 0);
	for (int f = 0; f < F_COUNT; f++) {
		page_raw(&p, "<dt>%s</dt><dd>", labels[f]);
		put_figure(&p, json_object_get(row, stats_figure_names[f]));
		page_raw(&p, "</dd>\n");
	}
	page_raw(&p, "</dl>\n<h2>Les démarches par thème</h2>\n");
	chart(&p, families);
	table(&p, families);
	page_end(&p);
	json_decref(national);
	json_decref(families);
	return reply_page(r, 200, &p);
}
