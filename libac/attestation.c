/* attestation.c — the PDF a mandate tool writes after its change is made: the
 * change stands whatever happens to the file, so a failure says how to fetch
 * the attestation again rather than pass for a failed change. */
#include "ac.h"

#include <errno.h>
#include <string.h>

int ac_save_attestation(const char *path, const char *file, const char *again)
{
	size_t bytes;
	json_t *err = NULL;
	long st = ac_get_file(path, file, &bytes, &err);
	int rc = AC_EXIT_OK;
	if (st >= 200 && st < 300) {
		ac_warn("attestation written to %s", file);
	} else {
		const char *msg = json_string_value(json_object_get(json_object_get(err, "error"),
								    "message"));
		char why[300];
		if (st < 0)
			snprintf(why, sizeof why, "cannot write %s: %s", file, strerror(errno));
		else
			snprintf(why, sizeof why, "%s", msg ? msg : "acd did not send it");
		ac_warn("the attestation was not written (%s); fetch it with: %s", why, again);
		rc = st < 0 ? AC_EXIT_SOME : ac_exit_for_http(st);
		if (rc == AC_EXIT_OK)
			rc = AC_EXIT_SOME;
	}
	json_decref(err);
	return rc;
}
