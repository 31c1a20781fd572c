/* ac.h — libac, the client library of the ac-* tools, and what the tools and
 * acd share (validation, the catalogue, the journal's canonical form).
 * One section per file. */
#ifndef AC_H
#define AC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- exit.c: exit statuses (DESIGN §3), one table ---------------------- */
enum {
	AC_EXIT_OK = 0,
	AC_EXIT_SOME = 1,        /* some items failed */
	AC_EXIT_USAGE = 64,
	AC_EXIT_DATA = 65,       /* bad input data */
	AC_EXIT_UNAVAILABLE = 69,/* server unreachable */
	AC_EXIT_TEMP = 75,       /* retry later */
	AC_EXIT_NOPERM = 77,     /* not logged in, or not allowed */
	AC_EXIT_CONFIG = 78,
};
/* The exit status for an HTTP status of acd. */
int ac_exit_for_http(long status);

/* ---- msg.c: messages to people, on stderr ------------------------------ */
extern const char *ac_prog;       /* set by ac_init */
void ac_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
void ac_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the server's {"error":{...}} as "prog: message" and exits with status. */
void ac_die_reply(long http_status, json_t *reply) __attribute__((noreturn));

/* ---- mem.c: allocation that cannot fail ----------------------------- */
/* realloc(p, n) that dies (75, a message on stderr) when memory runs out;
 * ac_xrealloc(NULL, n) allocates. */
void *ac_xrealloc(void *p, size_t n);

/* ---- opt.c: options, --help, --version, --list-options ----------------- */
/* AC_F_DATE: YYYY-MM-DD; AC_F_LIST: a comma list of the choices */
enum ac_field_type { AC_F_STR = 0, AC_F_INT, AC_F_TRUE, AC_F_FALSE, AC_F_DATE, AC_F_LIST };
struct ac_opt {
	const char *name;        /* long name, without -- */
	int has_arg;             /* 0 or 1 */
	int key;                 /* returned by ac_getopt; a short letter or >= 256 */
	const char *arg;         /* argument's name in --help, e.g. "EMAIL" */
	const char *help;
	/* for ac_item_tool: the JSON field this flag sets, how, and its values */
	const char *field;
	enum ac_field_type type;
	const char *const *choices;
	int required;            /* a single item needs it */
};
/* Parses argv against opts (plus --help, --version, --list-options, which it
 * handles and exits); returns the next key, -1 at the end; *optarg_out is set.
 * usage is the synopsis line, summary one sentence. */
int ac_getopt(int argc, char **argv, const struct ac_opt *opts, const char *usage,
	      const char *summary, const char **optarg_out);
/* opts followed by extra (a new table, for the tool's lifetime). */
struct ac_opt *ac_opts_plus(const struct ac_opt *opts, struct ac_opt extra);
/* The JSON value of a flag that fills a field: its choices and integers
 * checked (exit 64), AC_F_TRUE/FALSE as booleans. */
json_t *ac_opt_value(const struct ac_opt *o, const char *arg);
/* Appends ?name=value (or &name=value), URL-encoded, to path. */
void ac_query_add(char *path, size_t cap, const char *name, const char *value);
/* Strict integer option: dies with 64 on anything else. */
long ac_opt_long(const char *name, const char *value, long min, long max);
/* Operands (an object's id): a tool taking up to max of them says so before
 * ac_getopt, which then hands each back after the options, in order, as the
 * key AC_OPERAND with the word in *optarg_out; one more is a usage error. */
enum { AC_OPERAND = 1 };
void ac_operands(int max);
/* An object's id, from an operand or an option: a whole number from 1; dies
 * 64 naming what ("ID", "--usager") otherwise. */
json_int_t ac_id_arg(const char *what, const char *value);

/* ---- config.c: where acd is ------------------------------------------- */
/* AC_URL, else url= in $XDG_CONFIG_HOME/ac/config; dies 78 when unset. */
const char *ac_url(void);
/* $VAR/ac/NAME, or $HOME/DFLT/ac/NAME when VAR is unset (XDG base dirs). */
const char *ac_xdg_file(const char *var, const char *dflt, const char *name, char *buf,
			size_t len);

/* ---- session.c: the token of ac-login --------------------------------- */
/* --token-file FILE wins, then AC_TOKEN, then $XDG_STATE_HOME/ac/session
 * (0600), which ac-login writes. */
char *ac_session_token(void);                /* NULL: not logged in */
int ac_session_save(const char *token);
/* --token-file (every tool, through ac_getopt): reads the token from file,
 * which must be a regular file only its owner can read (else dies 78). */
void ac_token_file(const char *file);
/* Dies 77 with acd's own words when there is no session at all (no AC_TOKEN,
 * no session file): a request is bound to be refused, so none is made. */
void ac_session_require(void);
int ac_session_clear(void);
/* 1 when the token in use is the one ac-login saved (no --token-file, no
 * AC_TOKEN): the only one ac-logout may forget. */
int ac_session_saved(void);
const char *ac_session_path(void);

/* ---- http.c: requests to acd (libcurl, one handle reused) ------------- */
/* Sends method path (with query) and an optional JSON body, returns the HTTP
 * status and the parsed reply (NULL when empty).  Dies 69 when unreachable. */
long ac_call(const char *method, const char *path, json_t *body, json_t **reply);
/* Same with a raw body of content type ctype; each reply line goes to on_line. */
long ac_call_lines(const char *method, const char *path, const char *ctype, const char *body,
		   size_t len, int (*on_line)(json_t *line, void *arg), void *arg,
		   json_t **error_reply);
/* The NDJSON splitter behind ac_call_lines: feed it the reply's bytes as they
 * come; it hands every complete line ("\n" or "\r\n"; the unterminated last
 * one too when final) to on_line, skips blank lines, and returns how many
 * bytes it used (keep the rest for the next call).  A line that is not JSON
 * is never dropped silently: bad becomes its 1-based number among the
 * non-blank lines, why says what is wrong, and nothing more is handed on.
 * on_line returning non-zero also stops it (stopped). */
struct ac_lines {
	int (*on_line)(json_t *line, void *arg);
	/* when set, lines are handed as text instead (not parsed: only checked
	 * to be one {...} object), for output passed through as it came */
	int (*on_text)(const char *line, size_t len, void *arg);
	void *arg;
	size_t count;   /* non-blank lines seen */
	size_t bad;     /* the first unreadable line, 0: none */
	int stopped;
	char why[160];
};
size_t ac_lines_feed(struct ac_lines *l, const char *buf, size_t len, int final);
/* ac_call_lines with the splitter's callbacks given whole (on_text). */
long ac_call_lines_with(const char *method, const char *path, const char *ctype, const char *body,
			size_t len, const struct ac_lines *lines, json_t **error_reply);
/* URL-encodes s into a fresh string. */
char *ac_urlencode(const char *s);
/* ac_call that does not die when acd cannot be reached: returns 0 then, with
 * the reason in why (for a loop that tries again). */
long ac_call_try(const char *method, const char *path, json_t *body, json_t **reply, char *why,
		 size_t len);
/* GETs path's binary body (a PDF) into file with ac_file_write ("-":
 * stdout).  On 2xx *bytes is its size; else nothing is written and
 * *error_reply is acd's error (NULL when none).  -1 (errno set) when file
 * cannot be written.  Dies 69 when acd cannot be reached. */
long ac_get_file(const char *path, const char *file, size_t *bytes, json_t **error_reply);

/* ---- signing.c: a signature's draft, from its link to the mandate ------- */
struct ac_signing {
	const char *send_to;    /* the link also went by mail there (NULL: handed over) */
	const char *code;       /* a code the card shows; NULL: asked for on the terminal */
	int open_it;            /* open the link here with xdg-open */
	int confirmed;          /* the declaration was confirmed: do not ask */
	int no_credentials_kept; /* the aidant's declaration, for a remote mandate */
};
/* From the draft acd opened (its reply): shows the link, waits for the
 * usager's FranceConnect identification, shows who they are, has the
 * declaration confirmed and confirms with a code.  The mandate; dies with
 * the tools' exit status on any failure. */
json_t *ac_sign_draft(json_t *draft, const struct ac_signing *);
/* Writes the attestation of mandate (acd's object) to file: the exit status. */
int ac_save_mandate_attestation(json_t *mandate, const char *file);

/* ---- attestation.c: the PDF written after a change ---------------------- */
/* GETs the attestation at path into file once the change is made: says
 * "attestation written to FILE" on stderr, or why not and again, the command
 * that fetches it later.  Returns the exit status (0, or the failure's). */
int ac_save_attestation(const char *path, const char *file, const char *again);

/* ---- file.c: files the tools write ------------------------------------ */
/* Writes buf to file whole or not at all: FILE.PID.tmp, synced, renamed over
 * file (mode 0644 less the umask); "-" is stdout.  -1 with errno on failure,
 * leaving nothing behind. */
int ac_file_write(const char *file, const void *buf, size_t len);
/* Dies 64 when file could not be written (its folder missing or read-only),
 * naming the option it comes from: checked before a long run, not after. */
void ac_file_check(const char *opt, const char *file);

/* ---- json.c: output ---------------------------------------------------- */
/* Prints o as one compact line on stdout. */
void ac_print(json_t *o);
/* Flushes and closes stdout; dies 1 when the output could not be written. */
int ac_finish(int status);
/* jansson's error text without its "near '...'" quote of the input, which
 * may be a seed or a code: an error message never repeats a secret. */
const char *ac_json_error(const json_error_t *e, char *buf, size_t len);

/* ---- stream.c: bulk input, NDJSON or CSV, one record at a time ---------- */
enum ac_format { AC_NDJSON, AC_CSV };
/* Calls cb for every record of in, with its 1-based line (record) number.
 * A record that is not valid JSON (or a CSV row with the wrong field count)
 * comes as rec == NULL with err set.  cb returns non-zero to stop. */
typedef int (*ac_record_fn)(json_t *rec, size_t line, const char *err, void *arg);
int ac_stream_each(FILE *in, enum ac_format fmt, ac_record_fn cb, void *arg);
/* The same, for input that cannot be read at all (CSV that does not parse,
 * a header without names or with a name twice, a read error): -1 with why in
 * err, where ac_stream_each dies 65. */
int ac_stream_read(FILE *in, enum ac_format fmt, ac_record_fn cb, void *arg, char *err,
		   size_t errlen);
/* CSV column value to JSON: "true"/"false" for bool_cols, integers for
 * int_cols, strings otherwise; empty cells are left out. */
void ac_csv_types(const char *const *bool_cols, const char *const *int_cols);

/* ---- bulk.c: bulk tools ---------------------------------------------- */
/* Reads records from stdin (fmt), sends them to acd in batches as NDJSON on
 * one kept-alive connection, prints a result line per record in order,
 * shows a progress bar on a terminal.  Returns the exit status. */
int ac_bulk(const char *path, enum ac_format fmt);
/* ac_bulk with every readable record passed to keep first: keep trims rec in
 * place to the fields acd takes (from another tool's output, say), or refuses
 * it (non-zero, the reason in why): that record fails as bad_input, unsent. */
typedef int (*ac_record_keep)(json_t *rec, char *why, size_t len, void *arg);
int ac_bulk_keep(const char *path, enum ac_format fmt, ac_record_keep keep, void *arg);
/* A record read for a bulk run: its line, and its JSON or why it is unreadable. */
struct ac_record {
	size_t line;
	char *text;   /* compact JSON sent to acd, or NULL */
	char *error;  /* why the record could not be read */
};
/* When acd refuses a batch as a whole (401, 503...) after earlier batches
 * were done: prints a failed result line for each of the n records left,
 * {"line":N,"ok":false,"error":{...}} with the server's error object (or
 * code "http_error" when reply has none); unreadable records keep their
 * own "bad_input" error. */
void ac_bulk_refused(const struct ac_record *v, size_t n, long status, json_t *reply);
/* Same with records given in memory (e.g. from a PSKC file). */
int ac_bulk_array(const char *path, json_t *records);
/* One item from flags: POSTs item (stolen), prints acd's answer as one line,
 * returns the exit status (dies with the server's message on refusal). */
int ac_submit(const char *path, json_t *item);

/* ---- list.c: tools that list ------------------------------------------ */
struct ac_list_tool {
	const char *path;                /* GET from */
	const struct ac_opt *opts;       /* flags with a field become query parameters */
	const char *usage, *summary;
	/* --csv: a line as the flat object of its row (a new reference), for
	 * lines that nest; NULL: the line as it is */
	json_t *(*csv_flat)(json_t *line);
};
/* Parses the flags (choices and integers checked, exit 64; --csv added), GETs
 * the list and prints it: NDJSON lines, or with --csv a spreadsheet's CSV
 * (RFC 4180; header from the first line's keys; arrays and objects as JSON,
 * null as empty).  Returns the exit status. */
int ac_list_tool(int argc, char **argv, const struct ac_list_tool *t);
/* GETs one object at path and prints it as one line; dies with acd's message
 * on refusal.  Returns the exit status. */
int ac_show(const char *path);
/* The whole of a tool that shows one object by its ID operand: GET
 * prefix/ID ("/v1/mandates"); noun and lister word the usage error. */
int ac_show_tool(int argc, char **argv, const char *noun, const char *prefix, const char *help,
		 const char *lister);

/* ---- item.c: tools that take one item from flags, or many from stdin ---- */
struct ac_item_tool {
	const char *path;                /* POSTed to */
	const struct ac_opt *opts;       /* flags with a field fill the item */
	const char *usage, *summary;
	const char *const *csv_bools, *const *csv_ints; /* CSV column types */
	const char *operand;             /* an ID operand fills this integer field; NULL: none */
};
/* Flags with a field make one item, POSTed and printed as one line; no such
 * flag reads records from stdin (NDJSON, or --csv, which it adds) in bulk.
 * Checks required flags, integers and choices (exit 64).  Returns the status. */
int ac_item_tool(int argc, char **argv, const struct ac_item_tool *t);

/* ---- seat.c: a seat in a training session taken or given back ---------- */
/* The whole of ac-training-register and ac-training-unregister: --training
 * and --request for one, or stdin's lines (a line's "request", or "id" of an
 * ac-habilitation-list line; --training for every line, or each its own
 * "training").  POSTs to path; returns the exit status. */
int ac_seat_tool(int argc, char **argv, const char *path, const char *summary);

/* ---- progress.c: a progress bar on stderr, on a terminal only ---------- */
struct ac_progress;
struct ac_progress *ac_progress_start(const char *title, size_t total); /* NULL: none */
void ac_progress_update(struct ac_progress *, size_t done);
void ac_progress_stop(struct ac_progress *);
/* Ends the bar where it is (work cut short), without "done". */
void ac_progress_abort(struct ac_progress *);

/* ---- prompt.c: questions to the person at the terminal ----------------- */
/* Reads a line from the terminal without echo; NULL when there is none. */
char *ac_prompt_secret(const char *question);
/* 1 when a person can be asked: stdin is a terminal, or /dev/tty opens. */
int ac_have_terminal(void);
/* Shows text, then question, on the terminal (stdin's when it is one, else
 * /dev/tty) and reads the answer: 1 for y, yes, o, oui (any case), 0 for
 * anything else, -1 when there is no terminal. */
int ac_prompt_yes(const char *text, const char *question);

/* ---- code.c: requests that carry a fresh one-time code ----------------- */
/* --code's value, checked at once: dies 64 unless it is 6 or 8 digits. */
const char *ac_opt_code(const char *value);
/* POSTs body (borrowed) to path with its "code": given, or else asked with
 * ac_prompt_secret (from stdin when it is a pipe).  On a terminal, without
 * given, a code acd refuses as wrong or already used is asked again, three
 * tries in all.  Dies 64 when no code comes.  Returns acd's last status and
 * its reply. */
long ac_post_code(const char *path, json_t *body, const char *given, json_t **reply);
/* 1 when acd refused the code itself: wrong_code or code_used (401, 422). */
int ac_code_refused(long status, json_t *reply);

/* ---- qr.c: QR codes on a terminal -------------------------------------- */
/* Draws text as a QR code with half blocks, dark modules on a light ground
 * with a 4-module quiet zone (phones read it whatever the terminal's
 * colours); under NO_COLOR, light modules as blocks, for a dark terminal. */
void ac_qr_draw(FILE *to, const char *text);

/* ---- validate.c: input checks shared by the tools and acd ------------- */
/* Lower-cases email in place; 0 when it is a plausible address. */
int ac_email_normalize(char *email);
/* An option's email, normalized in a malloc'd copy; dies 64 when it is none. */
char *ac_opt_email(const char *option, const char *value);
int ac_siret_valid(const char *siret);        /* 14 digits, Luhn */
int ac_zipcode_valid(const char *zipcode);    /* 5 digits */
int ac_code_valid(const char *code);          /* 6 or 8 digits */
int ac_date_valid(const char *ymd);           /* YYYY-MM-DD, a real day */
/* An id written in text (a path segment, a query or form value, an option):
 * decimal digits only, positive, within 64 bits; else 0 (strtoll would take
 * " +5" and saturate 2^64 to a real-looking id). */
int64_t ac_text_id(const char *s);
/* The value of one hex digit, or -1. */
int ac_hexval(int c);

/* ---- catalogue.c: stable API values (DESIGN §4) ----------------------- */
extern const char *const ac_structure_types[];
extern const char *const ac_card_states[];
extern const char *const ac_unlink_reasons[];
/* The ten démarche families, in catalogue order, with their French labels
 * and examples (shown on the signing page and the attestation). */
struct ac_demarche {
	const char *code, *label, *examples;
};
extern const struct ac_demarche ac_demarches[]; /* ends with { NULL } */
extern const char *const ac_demarche_codes[];
const struct ac_demarche *ac_demarche_find(const char *code); /* NULL: unknown */
/* Mandate durations: short 1 day, month 31, semester 182, long 365. */
struct ac_duration {
	const char *code;
	int days;
	const char *label;      /* "1 jour", "1 mois", "6 mois", "12 mois" */
};
extern const struct ac_duration ac_durations[];
extern const char *const ac_duration_codes[];
int ac_duration_days(const char *code);        /* -1: unknown */
const char *ac_duration_label(const char *code); /* NULL: unknown */
/* The scopes of an API token (ac-token-new), in catalogue order: bit i of
 * a token's mask is ac_scopes[i]. */
extern const char *const ac_scopes[];
/* A comma list of scopes as a mask; 0 when one is unknown or repeated, or the
 * list or an item is empty, with the reason in why. */
unsigned ac_scopes_mask(const char *list, char *why, size_t len);
/* The mask as a JSON array of names, in catalogue order. */
json_t *ac_scopes_json(unsigned mask);
/* What ac-stats groups by, in the order of its rows' keys (national alone). */
extern const char *const ac_stats_groupings[];
/* A mandate's status: active, expired, revoked. */
extern const char *const ac_mandate_statuses[];
int ac_in_list(const char *const *list, const char *value);
/* "a, b, c": a list for a message, in buf. */
const char *ac_list_words(const char *const *list, char *buf, size_t len);

/* ---- territory.c: régions and départements ---------------------------- */
struct ac_region {
	const char *code, *name;       /* INSEE code ("84"), French name */
};
struct ac_departement {
	const char *code, *name, *region; /* "69", "Rhône", "84" */
};
extern const struct ac_region ac_regions[];           /* ends with { NULL } */
extern const struct ac_departement ac_departements[]; /* in code order */
const struct ac_region *ac_region_find(const char *code);           /* NULL: unknown */
const struct ac_departement *ac_departement_find(const char *code); /* NULL: unknown */
/* The département of a French postal code (Corsica, 20000 to 20699: 2A or
 * 2B; overseas, 97100 to 98899: three digits); NULL when none has it. */
const struct ac_departement *ac_departement_of_zipcode(const char *zipcode);

/* ---- demarches.c: the mandate options' values, checked before a request - */
/* A comma list of démarche codes ("papiers,logement"; blanks around a code
 * are allowed) as a JSON array in the order given; NULL when a code is
 * unknown or repeated, or the list or one of its items is empty, with the
 * reason in why. */
json_t *ac_demarches_parse(const char *list, char *why, size_t len);
/* The same over any list of codes; what names one in the reason ("scope"). */
json_t *ac_codes_parse(const char *list, const char *const *codes, const char *what, char *why,
		      size_t len);
/* --demarches's value as that array; dies 64 with the reason and the codes. */
json_t *ac_opt_demarches(const char *list);
/* --duration's value; dies 64 unless it is a duration, listing them. */
const char *ac_opt_duration(const char *code);

/* ---- chain.c: the journal's canonical form and hash chain ------------- */
/* The entry as hashed: keys sorted, compact, integers only.  details is
 * borrowed; structure 0 is null. */
json_t *ac_journal_entry(int64_t seq, const char *time, const char *action, const char *actor,
			 int64_t structure, const char *subject, json_t *details);
/* BLAKE2b-256 of the canonical JSON of entry (without digest and chain). */
void ac_journal_digest(json_t *entry, uint8_t digest[32]);
/* chain = BLAKE2b-256(prev || digest) */
void ac_chain_next(const uint8_t prev[32], const uint8_t digest[32], uint8_t chain[32]);
/* Checking an export line by line: zero it, then feed every line in order.
 * The first line must be entry 1, chained from zeros; or, after
 * ac_chain_anchor, any entry whose chain follows from the anchor (the chain
 * hash of the entry before it).  Every next line must be the next sequence
 * number, match its digest and extend the chain. */
struct ac_chain_check {
	int64_t seq;            /* the last good entry */
	uint8_t chain[32];      /* its chain hash: the head so far */
	size_t entries;         /* good entries so far */
	int64_t broken_at;      /* on failure: the first sequence number not vouched for */
	char why[300];          /* on failure: a sentence for people */
	int anchored;           /* set by ac_chain_anchor */
	uint8_t anchor[32];
	/* entries erased by acd purge ("erased_at"): their digest is chained as
	 * given, their content cannot be checked */
	size_t erased;
	int64_t erased_lo, erased_hi;   /* the run of erased entries open now */
	char erased_seq[256];           /* the runs before it: "3,7-9"; "…" when full */
};
/* Anchors the check on hex (64 hex digits), before the first line: 0, or -1
 * when hex is not a hash. */
int ac_chain_anchor(struct ac_chain_check *c, const char *hex);
/* 0 when line is good (c advances), -1 when the chain breaks there. */
int ac_chain_verify_line(json_t *line, struct ac_chain_check *c);
/* The sequence numbers of the erased entries seen, as runs ("3,7-9"); "". */
const char *ac_chain_erased_runs(struct ac_chain_check *c, char *buf, size_t len);
/* The same check straight from the line's text, ten times faster: 0 when
 * the line is good (c advances); 1 when it cannot say (anything unusual,
 * or a broken line): then parse the line and ask ac_chain_verify_line. */
int ac_chain_verify_text(const char *line, size_t len, struct ac_chain_check *c);
/* One line of an export as ac-audit --verify reads it: the fast path, then
 * jansson's judgement.  0 good (c advances); -1 the chain breaks there
 * (c->why); -2 the line is no journal entry, with why in err. */
int ac_chain_verify_record(const char *line, size_t len, struct ac_chain_check *c, char *err,
			   size_t errlen);

/* ---- canon.c: canonical JSON from text, fast (not thread-safe) -------- */
/* The canonical text (json_dumps with JSON_COMPACT | JSON_SORT_KEYS) of the
 * JSON object in txt, without its top-level "digest" and "chain" members,
 * whose raw strings it returns (NULL when absent), and its integer "seq".
 * NULL when txt needs jansson's slower judgement: malformed, a real number, a
 * duplicate key, a NUL, or no integer seq.  Valid until the next call. */
const char *ac_canon_entry(const char *txt, size_t len, size_t *outlen, int64_t *seq,
			   const char **digest_hex, const char **chain_hex);
/* Length of the valid UTF-8 sequence at p, before end (RFC 3629: shortest
 * form, no surrogate, nothing past U+10FFFF), or 0. */
size_t ac_utf8_len(const unsigned char *p, const unsigned char *end);

/* ---- pskc.c: card makers' PSKC files (RFC 6030) ----------------------- */
/* The key packages of a PSKC file as import records {serial, seed (hex),
 * digits, step, algorithm}; NULL with a message in err when unreadable. */
json_t *ac_pskc_records(const char *path, char *err, size_t errlen);
/* The same from the file's bytes. */
json_t *ac_pskc_parse(const char *buf, size_t len, char *err, size_t errlen);

/* ---- init.c: every tool starts here ----------------------------------- */
void ac_init(int argc, char **argv);

#endif
