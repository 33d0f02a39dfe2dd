#include "lib/parse.h"
#include "kernel/errno.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

bool parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)digit_value(*s);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* Linux's _parse_integer_fixup_radix: base 0 means "0x" hex (when a hex
 * digit follows), "0" octal, else decimal; base 16 skips a "0x". */
const char *parse_integer_fixup_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] != '0')
			*base = 10;
		else if ((s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16)
			*base = 16;
		else
			*base = 8;
	}
	if (*base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return s;
}

size_t parse_integer(const char *s, unsigned int base, uint64_t *res, bool *overflow)
{
	uint64_t v = 0;
	size_t n = 0;

	*overflow = false;
	for (; (unsigned)digit_value(s[n]) < base; n++) {
		unsigned d = (unsigned)digit_value(s[n]);
		if (v > (UINT64_MAX - d) / base)
			*overflow = true;
		v = v * base + d;
	}
	*res = v;
	return n;
}

int kstrtoull(const char *s, unsigned int base, uint64_t *res)
{
	uint64_t v;
	bool overflow;

	if (s[0] == '+')
		s++;
	s = parse_integer_fixup_radix(s, &base);
	size_t n = parse_integer(s, base, &v, &overflow);
	if (n == 0)
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	bool negative = s[0] == '-';
	uint64_t v;
	int err = kstrtoull(negative ? s + 1 : s, base, &v);

	if (err)
		return err;
	if (negative && s[1] == '+')
		return -EINVAL; /* kstrtoull took the '+' of "-+1" */
	if (v > (negative ? 0x80000000ULL : 0x7fffffffULL))
		return -ERANGE;
	*res = negative ? (int)-(int64_t)v : (int)v;
	return 0;
}
