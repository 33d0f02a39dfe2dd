/*
 * Runs forever without a system call, so only the timer interrupt can take
 * the CPU away from it: the scheduler's tests use it to check preemption.
 * (C11 lets a compiler assume a loop ends only if its condition is not a
 * constant, so this loop stays.)
 */
int main(void)
{
	for (;;) {
	}
}
