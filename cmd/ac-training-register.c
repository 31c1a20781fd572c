/* ac-training-register — takes a seat in a training session for aidants'
 * habilitation requests (eligible or eligible_p2p): one from flags, or many
 * from stdin, such as ac-habilitation-list's lines. */
#include "ac.h"

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_seat_tool(argc, argv, "/v1/trainings/register",
				      "Register habilitation requests (eligible, eligible_p2p) in a training session:\n"
				      "a référent its structures', an operator any.  A full session refuses with\n"
				      "training_full; a request holds one seat in a session to come at most."));
}
