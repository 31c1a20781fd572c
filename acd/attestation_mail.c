/* attestation_mail.c — the attestation of a remote mandate, mailed to its
 * usager: made again from the stored fields (the same PDF the aidant can
 * download), sent, then marked sent in a transaction with its journal entry. */
#include "attestation_mail.h"
#include "attestation_stored.h"
#include "frdate.h"
#include "log.h"
#include "mail.h"
#include "server.h"
#include "txn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sent {
	int64_t mandate, structure;
	const char *hash;
	int marked;
};

static int mark_work(struct txn *t, void *arg)
{
	static const char up[] = "UPDATE mandates SET attestation_sent = 1 WHERE id = $1"
				 " AND attestation_sent = 0";
	struct sent *s = arg;
	store_stmt *st = store_prep(t->db, up);
	store_bind_int(st, 1, s->mandate);
	if (store_exec(st) != STORE_DONE)
		return -1;
	s->marked = store_changes(t->db) == 1;
	if (!s->marked) /* another run sent it meanwhile: journaled there */
		return 0;
	char subject[32];
	snprintf(subject, sizeof subject, "mandate:%lld", (long long)s->mandate);
	return journal_append(t, "attestation_sent", s->structure, subject,
			      json_pack("{s:s}", "attestation_hash", s->hash));
}

static int already_sent(store_conn *db, int64_t mandate)
{
	static const char q[] = "SELECT attestation_sent FROM mandates WHERE id = $1";
	store_stmt *st = store_prep(db, q);
	store_bind_int(st, 1, mandate);
	return store_int_or(st, 1) != 0;
}

static void body_of(const struct att_stored *p, char *buf, size_t len)
{
	char end[64];
	fr_date((time_t)p->expires, end, sizeof end);
	snprintf(buf, len,
		 "Bonjour,\n\nVous avez signé à distance un mandat Aidants Connect avec la structure "
		 "%s (%s %s). Son attestation est jointe à ce message : conservez-la, elle tient lieu "
		 "de la copie papier qu'un aidant vous aurait remise.\n\nLe mandat court jusqu'au %s. "
		 "Vous pouvez le révoquer à tout moment, en totalité ou pour une partie des démarches, "
		 "dans votre espace Aidants Connect (%s/usager) ou auprès d'un aidant de la "
		 "structure.\n\nPour vérifier l'attestation : %s/v1/attestations/%s\n\nSi vous n'avez "
		 "signé aucun mandat, prévenez la structure ou l'ANCT.\n\nAidants Connect\n",
		 p->name, p->zipcode, p->city, end, srv.cfg.public_url, srv.cfg.public_url, p->hash);
}

int attestation_mail(struct req *r, int64_t mandate, char *err, size_t errlen)
{
	struct att_stored p;
	*err = 0;
	if (!att_load_mandate(r->db, mandate, &p) || !p.remote || !*p.attestation_email ||
	    already_sent(r->db, mandate))
		return 0;
	char body[2048], name[64], hash[65];
	body_of(&p, body, sizeof body);
	memcpy(hash, p.hash, sizeof hash);
	char to[256];
	snprintf(to, sizeof to, "%s", p.attestation_email);
	int64_t structure = p.structure;
	unsigned char *pdf = NULL;
	size_t len = 0;
	if (att_make(&p, &pdf, &len, name)) {
		snprintf(err, errlen, "the attestation could not be made");
		return -1;
	}
	struct mail_file f = { name, "application/pdf", pdf, len };
	int rc = mail_send_file(to, "Aidants Connect : l'attestation de votre mandat", body, &f, err,
				errlen);
	free(pdf);
	if (rc) {
		log_error("attestation of mandate %lld by mail: %s", (long long)mandate, err);
		return -1;
	}
	struct sent s = { mandate, structure, hash, 0 };
	if (txn_run(r, 1, mark_work, &s) != 0) {
		/* mailed but not marked: the next run mails it again rather than never */
		snprintf(err, errlen, "mailed, but the database did not record it");
		r->status = 0;
		return -1;
	}
	return 1;
}
