/* opt.c — getopt_long over one declarative table per tool.  The same table
 * prints --help and feeds the shell completions (--list-options). */
#include "ac.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { K_HELP = 1000, K_VERSION, K_LIST, K_TOKEN_FILE };

static int operands_max, operands_seen;

void ac_operands(int max)
{
	operands_max = max;
}

static void help(const struct ac_opt *opts, const char *usage, const char *summary)
{
	printf("usage: %s %s\n%s\n\noptions:\n", ac_prog, usage, summary);
	for (const struct ac_opt *o = opts; o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->has_arg ? " " : "",
			 o->has_arg ? o->arg : "");
		printf("  %-28s %s\n", left, o->help);
	}
	printf("  %-28s %s\n", "--token-file FILE", "an API token read from FILE (mode 0600)");
	printf("  %-28s %s\n  %-28s %s\n", "--help", "show this help", "--version",
	       "show the version");
	printf("\nenvironment: AC_URL (acd's address), AC_TOKEN (a token instead of the saved session),\n"
	       "XDG_CONFIG_HOME, XDG_STATE_HOME.  See %s(1) and ac(7).\n", ac_prog);
}

int ac_getopt(int argc, char **argv, const struct ac_opt *opts, const char *usage,
	      const char *summary, const char **optarg_out)
{
	static struct option lo[64];
	static char shorts[128];
	static int built, ended;
	if (!built) {
		int n = 0, s = 0;
		shorts[s++] = ':'; /* a missing argument comes back as ':', not '?' */
		for (const struct ac_opt *o = opts; o->name && n < 60; o++) {
			lo[n++] = (struct option){ o->name, o->has_arg ? required_argument : no_argument,
						   NULL, o->key };
			if (o->key < 256) {
				shorts[s++] = (char)o->key;
				if (o->has_arg)
					shorts[s++] = ':';
			}
		}
		lo[n++] = (struct option){ "help", no_argument, NULL, K_HELP };
		lo[n++] = (struct option){ "version", no_argument, NULL, K_VERSION };
		lo[n++] = (struct option){ "list-options", no_argument, NULL, K_LIST };
		lo[n++] = (struct option){ "token-file", required_argument, NULL, K_TOKEN_FILE };
		lo[n] = (struct option){ 0 };
		shorts[s++] = 'h';
		shorts[s] = 0;
		built = 1;
		opterr = 0;
	}
	for (;;) {
		/* once getopt is done, the operands (moved to the end) come one by one */
		int c = ended ? -1 : getopt_long(argc, argv, shorts, lo, NULL);
		*optarg_out = ended ? NULL : optarg;
		switch (c) {
		case -1:
			ended = 1;
			if (optind < argc && operands_seen < operands_max) {
				operands_seen++;
				*optarg_out = argv[optind++];
				return AC_OPERAND;
			}
			/* a stray word is a mistake, not ignored */
			if (optind < argc)
				ac_die(AC_EXIT_USAGE, "unexpected argument \"%s\" (see --help)", argv[optind]);
			return -1;
		case 'h': case K_HELP:
			help(opts, usage, summary);
			exit(ac_finish(0));
		case K_VERSION:
			printf("%s %s\n", ac_prog, AC_VERSION);
			exit(ac_finish(0));
		case K_LIST:
			for (const struct ac_opt *o = opts; o->name; o++)
				printf("--%s%s\n", o->name, o->has_arg ? "=" : "");
			printf("--token-file=\n--help\n--version\n");
			exit(ac_finish(0));
		case '?':
			if (optopt && optopt < 256)
				ac_warn("unknown option -%c", optopt);
			else
				ac_warn("unknown option %s", argv[optind - 1]);
			ac_die(AC_EXIT_USAGE, "usage: %s %s (see --help)", ac_prog, usage);
		case K_TOKEN_FILE:
			ac_token_file(optarg);
			continue;
		case ':':
			ac_die(AC_EXIT_USAGE, "%s needs a value (see --help)", argv[optind - 1]);
		default:
			for (const struct ac_opt *o = opts; o->name; o++)
				if (o->key == c && o->has_arg && (!optarg || !*optarg))
					ac_die(AC_EXIT_USAGE, "--%s needs a value", o->name);
			return c;
		}
	}
}

long ac_opt_long(const char *name, const char *value, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < min || v > max)
		ac_die(AC_EXIT_USAGE, "--%s: expected a whole number from %ld to %ld, not \"%s\"",
		       name, min, max, value);
	return v;
}

json_int_t ac_id_arg(const char *what, const char *value)
{
	char *end;
	errno = 0;
	long long v = strtoll(value, &end, 10);
	if (errno || end == value || *end || v < 1 || v > (1LL << 53) || !isdigit((unsigned char)*value))
		ac_die(AC_EXIT_USAGE, "%s: expected an id (a whole number from 1), not \"%s\"", what,
		       value);
	return (json_int_t)v;
}

struct ac_opt *ac_opts_plus(const struct ac_opt *opts, struct ac_opt extra)
{
	size_t n = 0;
	while (opts[n].name)
		n++;
	struct ac_opt *all = ac_xrealloc(NULL, (n + 2) * sizeof *all);
	memcpy(all, opts, n * sizeof *all);
	all[n] = extra;
	all[n + 1] = (struct ac_opt){ 0 };
	return all;
}

json_t *ac_opt_value(const struct ac_opt *o, const char *arg)
{
	char words[512], why[300];
	if (o->type == AC_F_LIST) {
		json_t *codes = ac_codes_parse(arg, o->choices, o->name, why, sizeof why);
		if (!codes)
			ac_die(AC_EXIT_USAGE, "--%s: %s (one or more of: %s)", o->name, why,
			       ac_list_words(o->choices, words, sizeof words));
		char list[512] = "";
		size_t i, n = 0;
		json_t *c;
		json_array_foreach(codes, i, c) /* as acd reads it: no blanks */
			n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s",
					      i ? "," : "", json_string_value(c));
		json_decref(codes);
		return json_string(list);
	}
	if (o->type == AC_F_DATE && !ac_date_valid(arg))
		ac_die(AC_EXIT_USAGE, "--%s must be a date, YYYY-MM-DD (got \"%s\")", o->name, arg);
	if (o->choices && !ac_in_list(o->choices, arg))
		ac_die(AC_EXIT_USAGE, "--%s must be one of: %s", o->name,
		       ac_list_words(o->choices, words, sizeof words));
	switch (o->type) {
	case AC_F_INT: return json_integer(ac_opt_long(o->name, arg, 1, 1L << 53));
	case AC_F_TRUE: return json_true();
	case AC_F_FALSE: return json_false();
	default: return json_string(arg);
	}
}
