/* forms.c (fuzz) — what the pages read of a browser (acd/html.c).  First
 * byte 0: the rest is a form body (application/x-www-form-urlencoded), each
 * field the pages and the provider read decoded by form_field and counted by
 * form_count; 1: the rest is a Cookie header, sent in a request to
 * libmicrohttpd, which parses it as acd's server does, and read back by
 * req_cookie for the pages' cookies (the browser's id, the usager's
 * session) on the connection's thread, as the handlers do. */
#include "html.h"
#include "server.h"
#include "usager_space.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* html.c reads the public URL of the configuration (main.c's) */
struct server srv;

static const char *const names[] = {
	"csrf", "consent", "alone", "request", "email", "code", "structure", "usager", "q",
	"demarche", "cancel", "mandate", "grant_type", "redirect_uri", "client_id",
	"client_secret", NULL
};

static void form(const char *body)
{
	char v[300];
	for (const char *const *n = names; *n; n++) {
		int got = form_field(body, *n, v, sizeof v) == 0;
		if (got && (strnlen(v, sizeof v) == sizeof v || form_count(body, *n) < 1))
			abort(); /* a field read is a field there, within its buffer */
	}
}

static struct MHD_Daemon *d;
static int answered;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **ctx)
{
	(void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
	(void)ctx;
	struct req r = { .mc = mc };
	char browser[33], token[65];
	if (req_cookie(&r, PAGE_BROWSER_COOKIE, browser, sizeof browser) == 0 &&
	    strnlen(browser, sizeof browser) == sizeof browser)
		abort();
	if (req_cookie(&r, USAGER_COOKIE, token, sizeof token) == 0)
		hex_ok(token, 64);
	answered = 1;
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ok = MHD_queue_response(mc, 200, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void cookie(const char *value)
{
	if (!d) {
		/* no listening socket, no thread: the fuzzer's thread drives it */
		d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_request, NULL,
				     MHD_OPTION_END);
		if (!d)
			abort();
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	if (MHD_add_connection(d, sv[0], (struct sockaddr *)&peer, sizeof peer) != MHD_YES)
		abort();
	char *req = NULL;
	int n = asprintf(&req, "GET /usager HTTP/1.1\r\nHost: acd\r\nConnection: close\r\n"
			 "Cookie: %s\r\n\r\n", value);
	if (n < 0 || write(sv[1], req, (size_t)n) != n)
		abort();
	free(req);
	answered = 0;
	char buf[4096], status[13] = "";
	size_t have = 0;
	for (int i = 0;; i++) {
		if (i == 100000)
			abort(); /* neither an answer nor a close: a hang */
		MHD_run(d);
		ssize_t got = read(sv[1], buf, sizeof buf);
		if (got == 0)
			break;
		for (ssize_t k = 0; k < got && have < sizeof status - 1; k++)
			status[have++] = buf[k];
	}
	close(sv[1]);
	/* a printable header reaches the handler, or is refused whole before
	 * any handler: libmicrohttpd 0.9.75 answers 431 to a Cookie header it
	 * cannot parse (an unterminated quote, a space in a value...) */
	int printable = 1;
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		printable &= *c >= 0x20 && *c < 0x7f;
	if (printable && !answered && strncmp(status, "HTTP/1.1 4", 10))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *in = malloc(size);
	memcpy(in, data + 1, size - 1);
	in[size - 1] = 0; /* bodies and headers reach the pages as C strings */
	if (data[0] & 1) {
		in[strcspn(in, "\r\n")] = 0; /* one header line */
		cookie(in);
	} else {
		form(in);
	}
	free(in);
	return 0;
}
