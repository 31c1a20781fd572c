/* ac-structure-set — chooses the démarche families a structure offers (its
 * référents, operators); mandates are drawn up within them. */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "demarches", 1, 'd', "LIST", "the families offered, comma-separated (papiers,logement...)" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	json_int_t id = 0;
	json_t *demarches = NULL;
	int c;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts, "ID --demarches LIST",
			      "Set the démarche families structure ID offers.  Families: papiers,\n"
			      "famille, social, travail, logement, transports, argent, justice,\n"
			      "etranger, loisirs.", &arg)) != -1) {
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
		else if (c == 'd') {
			json_decref(demarches);
			demarches = ac_opt_demarches(arg);
		}
	}
	if (!id)
		ac_die(AC_EXIT_USAGE, "which structure? usage: %s ID --demarches LIST", ac_prog);
	if (!demarches)
		ac_die(AC_EXIT_USAGE, "--demarches is required (e.g. --demarches papiers,social,logement)");
	ac_session_require();
	char path[64];
	snprintf(path, sizeof path, "/v1/structures/%lld", (long long)id);
	json_t *body = json_pack("{s:o}", "demarches", demarches), *reply = NULL;
	long st = ac_call("PATCH", path, body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	ac_print(reply);
	json_decref(reply);
	return ac_finish(0);
}
