/* Integer square root, a bit at a time (Linux: lib/math/int_sqrt.c):
 * the watermarks (mm/watermark.c) and the LRU balance (mm/vmscan.c). */
#include "lib/int_sqrt.h"

unsigned long int_sqrt(unsigned long x)
{
	unsigned long m = 1UL << 62, y = 0;

	while (m > x)
		m >>= 2;
	while (m) {
		unsigned long b = y + m;

		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}
