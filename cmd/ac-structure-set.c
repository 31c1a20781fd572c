/* ac-structure-set — edits a structure: the démarche families it offers (its
 * référents, operators), its name and address (operators). */
#include "ac.h"

static const struct ac_opt opts[] = {
	{ "demarches", 1, 'd', "LIST", "the families offered, comma-separated (papiers,logement...)" },
	{ "name", 1, 'n', "TEXT", "the structure's name (operators)" },
	{ "address", 1, 'a', "TEXT", "its street address (operators)" },
	{ "zipcode", 1, 'z', "ZIP", "its postal code, 5 digits (operators)" },
	{ "city", 1, 'c', "TEXT", "its city (operators)" },
	{ 0 }
};

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	const char *arg;
	json_int_t id = 0;
	json_t *body = json_object();
	int c;
	ac_operands(1);
	while ((c = ac_getopt(argc, argv, opts,
			      "ID [--demarches LIST] [--name TEXT] [--address TEXT] [--zipcode ZIP]\n"
			      "       [--city TEXT]",
			      "Edit structure ID: the démarche families it offers (papiers, famille,\n"
			      "social, travail, logement, transports, argent, justice, etranger,\n"
			      "loisirs), and, for operators, its name and address.", &arg)) != -1) {
		if (c == AC_OPERAND)
			id = ac_id_arg("ID", arg);
		else if (c == 'd')
			json_object_set_new(body, "demarches", ac_opt_demarches(arg));
		else if (c == 'z' && !ac_zipcode_valid(arg))
			ac_die(AC_EXIT_USAGE, "--zipcode: a postal code is 5 digits, not \"%s\"", arg);
		else
			json_object_set_new(body, c == 'n' ? "name" : c == 'a' ? "address"
						  : c == 'z' ? "zipcode" : "city", json_string(arg));
	}
	if (!id)
		ac_die(AC_EXIT_USAGE, "which structure? usage: %s ID --demarches LIST | --name TEXT ...",
		       ac_prog);
	if (!json_object_size(body))
		ac_die(AC_EXIT_USAGE, "nothing to change: give --demarches, --name, --address, --zipcode "
		       "or --city");
	ac_session_require();
	char path[64];
	snprintf(path, sizeof path, "/v1/structures/%lld", (long long)id);
	json_t *reply = NULL;
	long st = ac_call("PATCH", path, body, &reply);
	json_decref(body);
	if (st < 200 || st >= 300)
		ac_die_reply(st, reply);
	ac_print(reply);
	json_decref(reply);
	return ac_finish(0);
}
