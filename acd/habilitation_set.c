/* habilitation_set.c — POST /v1/habilitation-requests/set: habilitation
 * requests moved along, one object or NDJSON lines (one transaction, a
 * savepoint per line; the mails of validations once it is committed).  A
 * line names its request by "id", or by "email" and "structure" (the open
 * one: a line of the PIX results file).  It may set the status, the PIX
 * result (pix_passed, pix_score) and the day a training was attended
 * (trained_on); an operator records those.  Moves:
 *   référent  waitlist|new|eligible|eligible_p2p -> cancelled_by_referent
 *   operator  waitlist -> new;  waitlist|new -> eligible|eligible_p2p|refused;
 *             any open state -> cancelled;
 *             eligible|eligible_p2p -> validated (trained; eligible: PIX passed),
 *             a transfer from any open state, without training or PIX
 * Anything else is 409 bad_transition, nothing changed; the same values
 * again are changed:false.  validated makes the person an aidant of the
 * structure (the account made, or a membership added), in the same
 * transaction. */
#include "routes.h"
#include "aidant_put.h"
#include "auth.h"
#include "bodies.h"
#include "habilitation.h"
#include "log.h"
#include "mail.h"
#include "training.h"
#include "ac.h"

#include <stdio.h>
#include <string.h>

static const char *const targets[] = { "new", "eligible", "eligible_p2p", "refused", "cancelled",
				       "cancelled_by_referent", "validated", NULL };
static const char *const terminal[] = { "validated", "refused", "cancelled", "cancelled_by_referent",
					NULL };

struct hreq {
	int64_t id, structure, account;
	char email[256], status[32], course[16], first[101], last[101], profession[201];
	char structure_name[256], trained_on[16];
	int transfer, pix_null, pix_passed;
};

/* The request a line names: 1, 0 (none the caller may see), -1. */
static int hreq_load(struct txn *t, json_t *in, struct hreq *h, struct fail *f)
{
	static const char by_id[] =
		"SELECT h.id, h.structure_id, h.email, h.status, h.course, h.transfer, h.pix_passed,"
		" COALESCE(h.trained_on, ''), h.first_name, h.last_name, h.profession, s.name"
		" FROM habilitation_requests h JOIN structures s ON s.id = h.structure_id WHERE h.id = $1";
	static const char by_email[] =
		"SELECT h.id, h.structure_id, h.email, h.status, h.course, h.transfer, h.pix_passed,"
		" COALESCE(h.trained_on, ''), h.first_name, h.last_name, h.profession, s.name"
		" FROM habilitation_requests h JOIN structures s ON s.id = h.structure_id"
		" WHERE h.email = $1 AND h.structure_id = $2 AND h.status NOT IN " HABILITATION_TERMINAL;
	store_stmt *st;
	char email[256];
	if (json_object_get(in, "id")) {
		st = store_prep(t->db, by_id);
		store_bind_int(st, 1, jint(in, "id", 0));
	} else {
		if (!json_object_get(in, "email") || !json_object_get(in, "structure"))
			return fail_set(f, 400, "missing_field", "a line names its request by \"id\", or by "
					"\"email\" and \"structure\"");
		if (field_email(in, email, f))
			return -1;
		st = store_prep(t->db, by_email);
		store_bind_text(st, 1, email);
		store_bind_int(st, 2, jint(in, "structure", 0));
	}
	int rc = store_step(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : fail_set(f, 500, "internal", "cannot read the request");
	*h = (struct hreq){ .id = store_col_int(st, 0), .structure = store_col_int(st, 1),
			    .transfer = (int)store_col_int(st, 5), .pix_null = store_col_null(st, 6),
			    .pix_passed = (int)store_col_int(st, 6) };
	snprintf(h->email, sizeof h->email, "%s", store_col_text(st, 2));
	snprintf(h->status, sizeof h->status, "%s", store_col_text(st, 3));
	snprintf(h->course, sizeof h->course, "%s", store_col_text(st, 4));
	snprintf(h->trained_on, sizeof h->trained_on, "%s", store_col_text(st, 7));
	snprintf(h->first, sizeof h->first, "%s", store_col_text(st, 8));
	snprintf(h->last, sizeof h->last, "%s", store_col_text(st, 9));
	snprintf(h->profession, sizeof h->profession, "%s", store_col_text(st, 10));
	snprintf(h->structure_name, sizeof h->structure_name, "%s", store_col_text(st, 11));
	return authz_referent_of(t->r, h->structure) ? 1 : 0;
}

static int is(const char *s, const char *a, const char *b, const char *c, const char *d)
{
	return !strcmp(s, a) || (b && !strcmp(s, b)) || (c && !strcmp(s, c)) || (d && !strcmp(s, d));
}

/* Whether the caller may move h to `to` (see the table above). */
static int move_ok(struct txn *t, const struct hreq *h, const char *to)
{
	if (ac_in_list(terminal, h->status))
		return 0;
	if (!strcmp(to, "cancelled_by_referent"))
		return is(h->status, "waitlist", "new", "eligible", "eligible_p2p");
	if (!authz_operator(t->r))
		return 0;
	if (!strcmp(to, "new"))
		return !strcmp(h->status, "waitlist");
	if (is(to, "eligible", "eligible_p2p", "refused", NULL))
		return is(h->status, "waitlist", "new", NULL, NULL);
	if (!strcmp(to, "cancelled"))
		return 1;
	return h->transfer || is(h->status, "eligible", "eligible_p2p", NULL, NULL); /* validated */
}

/* The checks of a line's own values, before any read: 0, or -1 with a 400. */
static int values_ok(json_t *in, struct fail *f)
{
	const char *status = jstr(in, "status", NULL), *on = jstr(in, "trained_on", NULL);
	char words[160];
	if (status && !ac_in_list(targets, status))
		return fail_set(f, 400, "bad_status", "\"status\" must be one of: %s",
				ac_list_words(targets, words, sizeof words));
	if (!status && !json_object_get(in, "pix_passed") && !json_object_get(in, "pix_score") && !on)
		return fail_set(f, 400, "nothing_to_set", "give \"status\", \"pix_passed\", \"pix_score\" "
				"or \"trained_on\"");
	if (json_object_get(in, "pix_score") &&
	    (jint(in, "pix_score", -1) < 0 || jint(in, "pix_score", 0) > 100000))
		return fail_set(f, 400, "bad_pix_score", "\"pix_score\" must be a whole number from 0");
	if (on && !ac_date_valid(on))
		return fail_set(f, 400, "bad_date", "\"trained_on\" must be a day, YYYY-MM-DD");
	if (strlen(jstr(in, "message", "")) > 1000)
		return fail_set(f, 400, "bad_message", "\"message\" is longer than 1000 characters");
	return 0;
}

/* The PIX result and the training day, where the line changes them: the
 * number of values written, or -1. */
static int record(struct txn *t, json_t *in, struct hreq *h, json_t *d, struct fail *f)
{
	static const char pix[] = "UPDATE habilitation_requests SET pix_passed = $1, pix_score = $2,"
				  " updated_at = $3 WHERE id = $4";
	static const char score_q[] = "SELECT pix_score FROM habilitation_requests WHERE id = $1";
	static const char trained[] = "UPDATE habilitation_requests SET trained_on = $1, updated_at = $2"
				      " WHERE id = $3";
	const char *on = jstr(in, "trained_on", NULL);
	json_t *pp = json_object_get(in, "pix_passed"), *ps = json_object_get(in, "pix_score");
	if (!pp && !ps && !on)
		return 0;
	if (!authz_operator(t->r))
		return fail_set(f, 403, "forbidden", "only an operator records PIX results and trainings");
	if (ac_in_list(terminal, h->status))
		return fail_set(f, 409, "bad_transition", "habilitation request %lld is %s: nothing more "
				"is recorded on it", (long long)h->id, h->status);
	int n = 0;
	if (on) {
		char today[32];
		iso_time(t->now, today);
		if (strncmp(on, today, 10) > 0)
			return fail_set(f, 400, "bad_date", "\"trained_on\" %s is after today", on);
		if (strcmp(on, h->trained_on)) {
			store_stmt *st = store_prep(t->db, trained);
			store_bind_text(st, 1, on);
			store_bind_int(st, 2, t->now);
			store_bind_int(st, 3, h->id);
			if (store_exec(st) != STORE_DONE)
				return fail_set(f, 500, "internal", "cannot record the training");
			snprintf(h->trained_on, sizeof h->trained_on, "%s", on);
			json_object_set_new(d, "trained_on", json_string(on));
			n++;
		}
	}
	if (pp || ps) {
		store_stmt *st = store_prep(t->db, score_q);
		store_bind_int(st, 1, h->id);
		store_step(st);
		int had_score = !store_col_null(st, 0);
		int64_t score = store_col_int(st, 0);
		int passed = pp ? json_is_true(pp) : h->pix_passed;
		int64_t new_score = ps ? json_integer_value(ps) : score;
		int new_null = !pp && h->pix_null, score_null = !ps && !had_score;
		if (new_null != h->pix_null || passed != h->pix_passed || (ps && (!had_score || new_score != score))) {
			st = store_prep(t->db, pix);
			if (new_null)
				store_bind_null(st, 1);
			else
				store_bind_int(st, 1, passed);
			if (score_null)
				store_bind_null(st, 2);
			else
				store_bind_int(st, 2, new_score);
			store_bind_int(st, 3, t->now);
			store_bind_int(st, 4, h->id);
			if (store_exec(st) != STORE_DONE)
				return fail_set(f, 500, "internal", "cannot record the PIX result");
			h->pix_null = new_null;
			h->pix_passed = passed;
			if (pp)
				json_object_set_new(d, "pix_passed", json_boolean(passed));
			if (ps)
				json_object_set_new(d, "pix_score", json_integer(new_score));
			n++;
		}
	}
	return n;
}

/* validated: the person made an aidant of the structure, and the mail to
 * send once committed kept in out ("_mail", taken off by mails_after). */
static int validate(struct txn *t, struct hreq *h, json_t *out, struct fail *f)
{
	static const char referents[] =
		"SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id"
		" WHERE m.structure_id = $1 AND m.active = 1 AND m.is_referent = 1 AND a.active = 1"
		" AND a.email <> $2 ORDER BY a.email";
	if (!h->transfer && h->trained_on[0] == 0)
		return fail_set(f, 409, "not_trained", "habilitation request %lld: no training attended "
				"yet (set \"trained_on\")", (long long)h->id);
	if (!h->transfer && !strcmp(h->status, "eligible") && (h->pix_null || !h->pix_passed))
		return fail_set(f, 409, "pix_not_passed", "habilitation request %lld: PIX is not passed "
				"(set \"pix_passed\" from the PIX results)", (long long)h->id);
	json_t *in = json_pack("{s:s,s:s,s:s,s:b,s:s}", "first_name", h->first, "last_name", h->last,
			       "profession", h->profession, "aidant", 1, "_via", "habilitation_request");
	struct aidant_put res = { 0 };
	int rc = aidant_put(t, h->email, h->structure, in, &res, f);
	json_decref(in);
	if (rc)
		return -1;
	h->account = res.account;
	json_t *to = json_array();
	store_stmt *st = store_prep(t->db, referents);
	store_bind_int(st, 1, h->structure);
	store_bind_text(st, 2, h->email);
	while (store_step(st) == STORE_ROW)
		json_array_append_new(to, json_string(store_col_text(st, 0)));
	char name[210];
	snprintf(name, sizeof name, "%s %s", h->first, h->last);
	json_object_set_new(out, "_mail", json_pack("{s:s,s:s,s:s,s:o}", "aidant", h->email, "name", name,
						    "structure", h->structure_name, "referents", to));
	return 0;
}

static int set_one(struct txn *t, json_t *in, json_t *out, struct fail *f)
{
	static const char up[] = "UPDATE habilitation_requests SET status = $1, message = $2,"
				 " account_id = COALESCE($3, account_id), updated_at = $4 WHERE id = $5";
	struct hreq h;
	if (values_ok(in, f))
		return -1;
	int found = hreq_load(t, in, &h, f);
	if (found < 0)
		return -1;
	if (!found)
		return json_object_get(in, "id")
			       ? fail_set(f, 404, "not_found", "no such habilitation request: %lld",
					  (long long)jint(in, "id", 0))
			       : fail_set(f, 404, "not_found", "no open habilitation request for %s in "
					  "structure %lld", jstr(in, "email", ""), (long long)jint(in, "structure", 0));
	char before[32];
	snprintf(before, sizeof before, "%s", h.status);
	json_t *d = json_pack("{s:I}", "id", (json_int_t)h.id);
	int changed = record(t, in, &h, d, f);
	if (changed < 0)
		goto fail;
	const char *to = jstr(in, "status", NULL), *message = jstr(in, "message", NULL);
	if (to && strcmp(to, h.status)) {
		if (!move_ok(t, &h, to)) {
			fail_set(f, 409, "bad_transition", "habilitation request %lld is %s: %s cannot make "
				 "it %s", (long long)h.id, h.status, authz_operator(t->r) ? "an operator"
				 : "a référent", to);
			goto fail;
		}
		if (!strcmp(to, "validated") && validate(t, &h, out, f))
			goto fail;
		store_stmt *st = store_prep(t->db, up);
		store_bind_text(st, 1, to);
		store_bind_text(st, 2, message ? message : "");
		if (h.account)
			store_bind_int(st, 3, h.account);
		else
			store_bind_null(st, 3);
		store_bind_int(st, 4, t->now);
		store_bind_int(st, 5, h.id);
		if (store_exec(st) != STORE_DONE) {
			fail_set(f, 500, "internal", "cannot update the habilitation request");
			goto fail;
		}
		snprintf(h.status, sizeof h.status, "%s", to);
		/* out of the registrable states (but validated, which used its
		 * seat): the seats it holds go back to the sessions */
		if (strcmp(to, "validated") && strcmp(to, "eligible") && strcmp(to, "eligible_p2p")) {
			int released = training_release(t, h.id);
			if (released < 0) {
				fail_set(f, 500, "internal", "cannot give the request's seats back");
				goto fail;
			}
			if (released)
				json_object_set_new(d, "seats_released", json_integer(released));
		}
		json_object_set_new(d, "before", json_string(before));
		json_object_set_new(d, "status", json_string(to));
		if (message && *message)
			json_object_set_new(d, "message", json_string(message));
		if (h.account)
			json_object_set_new(d, "account", json_integer(h.account));
		changed++;
	}
	if (changed && journal_append(t, !strcmp(h.status, "validated") && strcmp(before, "validated")
					      ? "habilitation_validate" : "habilitation_update",
				      h.structure, h.email, json_incref(d))) {
		fail_set(f, 500, "internal", "cannot write the journal");
		goto fail;
	}
	json_decref(d);
	json_object_update_new(out, json_pack("{s:I,s:I,s:s,s:s,s:b}", "id", (json_int_t)h.id,
					      "structure", (json_int_t)h.structure, "email", h.email,
					      "status", h.status, "changed", changed > 0));
	if (h.account)
		json_object_set_new(out, "account", json_integer(h.account));
	return 0;
fail:
	json_decref(d);
	return -1;
}

/* After the commit: a validation's mails, to the new aidant and to the
 * structure's référents; a mail that fails is said on the line. */
static void mails_after(json_t *res)
{
	json_t *m = json_object_get(res, "_mail");
	if (!m)
		return;
	char subject[] = "Habilitation Aidants Connect", body[2048], err[256] = "";
	const char *name = jstr(m, "name", ""), *structure = jstr(m, "structure", "");
	snprintf(body, sizeof body,
		 "Bonjour %s,\n\nVotre habilitation d'aidant(e) Aidants Connect pour la structure "
		 "« %s » est validée : vous avez suivi la formation, votre compte est ouvert.\n\n"
		 "Un(e) référent(e) de votre structure va vous remettre votre carte (ou l'application) "
		 "d'authentification : vous pourrez alors vous connecter et créer des mandats.\n\n"
		 "L'équipe Aidants Connect\n", name, structure);
	int bad = mail_send(jstr(m, "aidant", ""), subject, body, err, sizeof err);
	json_t *to = json_object_get(m, "referents");
	if (!bad && json_array_size(to)) {
		const char *list[64];
		size_t n = 0;
		for (size_t i = 0; i < json_array_size(to) && n < 64; i++)
			list[n++] = json_string_value(json_array_get(to, i));
		snprintf(body, sizeof body,
			 "Bonjour,\n\n%s (%s) est désormais aidant(e) habilité(e) de la structure « %s ».\n\n"
			 "Il vous reste à lui remettre une carte : ac-card-link --serial SERIE --email %s\n"
			 "(ou depuis votre espace référent).\n\nL'équipe Aidants Connect\n",
			 name, jstr(m, "aidant", ""), structure, jstr(m, "aidant", ""));
		bad = mail_send_many(list, n, subject, body, NULL, err, sizeof err);
	}
	if (bad) {
		log_error("mail about habilitation request %lld: %s", (long long)jint(res, "id", 0), err);
		json_object_set_new(res, "mail_error", json_string(err));
	}
	json_object_del(res, "_mail");
}

int api_habilitation_set(struct req *r)
{
	if (!authz_referent_anywhere(r))
		return reply_error(r, 403, "forbidden", "only a référent (its structures') or an "
				   "operator moves habilitation requests");
	if (req_lines_over(r, BULK_LINES_MAX))
		return r->status;
	return run_items_then(r, body_habilitation_set, set_one, mails_after);
}
