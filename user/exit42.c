/* Exits with status 42 and does nothing else: a test can check that the
 * value returned by main reaches the parent through exit and wait. */
int main(void)
{
	return 42;
}
