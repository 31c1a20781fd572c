/* ac-training-unregister — gives back habilitation requests' seats in a
 * training session that has not begun: one from flags, or many from stdin. */
#include "ac.h"

int main(int argc, char **argv)
{
	ac_init(argc, argv);
	return ac_finish(ac_seat_tool(argc, argv, "/v1/trainings/unregister",
				      "Take habilitation requests out of a training session that has not begun\n"
				      "(their seats given back).  Not registered: changed:false."));
}
