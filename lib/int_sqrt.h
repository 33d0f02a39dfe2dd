/* Integer square root (Linux: lib/math/int_sqrt.c). */
#ifndef LIB_INT_SQRT_H
#define LIB_INT_SQRT_H

/* The largest r with r * r <= x. */
unsigned long int_sqrt(unsigned long x);

#endif
