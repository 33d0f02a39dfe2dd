/*
 * Integer settings as text (Linux: __do_proc_dointvec in kernel/sysctl.c),
 * with Linux's rules, because programs depend on them:
 *  - reading at offset 0 gives the values separated by tabs and a
 *    newline; reading on from a later offset gives nothing (the whole
 *    value comes in one read);
 *  - a write parses numbers separated by white space (base 0: 0x hex,
 *    leading 0 octal; '-' allowed), each followed by white space or the
 *    end, and stores each as it goes; a write with no number, a stray
 *    character, a number that does not fit an int or lies outside the
 *    table's limits fails with EINVAL;
 *  - a write at a later offset is accepted and ignored (Linux's
 *    sysctl_writes_strict).
 */
#include "kernel/sysctl.h"
#include "kernel/errno.h"
#include "lib/format.h"
#include "lib/parse.h"
#include "lib/string.h"

#define INT_MAX 0x7fffffff
#define TMPBUFLEN 22 /* the longest number text Linux looks at, plus 1 */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static size_t skip_spaces(const char **p, size_t left)
{
	size_t n = 0;

	while (n < left && is_space((*p)[n]))
		n++;
	*p += n;
	return n;
}

/* One number at *p (Linux: proc_get_long): 0 and advances, or -EINVAL. */
static int get_long(const char **p, size_t *left, uint64_t *val, bool *neg)
{
	char tmp[TMPBUFLEN];
	size_t len = MIN(*left, sizeof(tmp) - 1);
	unsigned int base = 0;
	bool overflow;

	memcpy(tmp, *p, len);
	tmp[len] = '\0';
	const char *s = tmp;
	*neg = *s == '-' && *left > 1;
	if (*neg)
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	s = parse_integer_fixup_radix(s, &base);
	s += parse_integer(s, base, val, &overflow);
	if (overflow)
		return -EINVAL;
	len = (size_t)(s - tmp);
	/* A number as long as the buffer may go on past it: refuse it. */
	if (len == sizeof(tmp) - 1)
		return -EINVAL;
	if (len < *left && !is_space(*s) && *s != '\0')
		return -EINVAL;
	*p += len;
	*left -= len;
	return 0;
}

/* The value as an int, within the limits (NULL: none). */
static int convert(bool neg, uint64_t v, const int *min, const int *max, int *out)
{
	if (v > (uint64_t)INT_MAX + neg)
		return -EINVAL;
	int64_t value = neg ? -(int64_t)v : (int64_t)v;
	if ((min && value < *min) || (max && value > *max))
		return -EINVAL;
	*out = (int)value;
	return 0;
}

static int write_ints(const struct ctl_table *table, const char *buffer, size_t *lenp,
		      const int *min, const int *max)
{
	int *data = table->data;
	size_t count = (size_t)table->maxlen / sizeof(int);
	size_t left = *lenp;
	const char *p = buffer;
	size_t i = 0;
	int err = 0;

	for (; left && i < count; i++) {
		uint64_t v;
		bool neg;
		int value;
		left -= skip_spaces(&p, left);
		if (!left)
			break;
		err = get_long(&p, &left, &v, &neg);
		if (!err)
			err = convert(neg, v, min, max, &value);
		if (err)
			break;
		data[i] = value;
	}
	if (i == 0)
		return err ? err : -EINVAL;
	if (!err)
		left -= skip_spaces(&p, left);
	*lenp -= left;
	return err;
}

static void read_ints(const struct ctl_table *table, char *buffer, size_t *lenp)
{
	const int *data = table->data;
	char text[16 * TMPBUFLEN];
	size_t n = 0;

	for (size_t i = 0; i < (size_t)table->maxlen / sizeof(int); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d", i ? "\t" : "", data[i]);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\n");
	*lenp = MIN(*lenp, n);
	memcpy(buffer, text, *lenp);
}

static int do_proc_dointvec(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			    int64_t *ppos, const int *min, const int *max)
{
	int err = 0;

	if (!*lenp || (*ppos && !write)) {
		*lenp = 0;
		return 0;
	}
	if (write && *ppos) {
		*ppos += (int64_t)*lenp; /* ignored, as Linux's strict mode does */
		return 0;
	}
	if (write)
		err = write_ints(table, buffer, lenp, min, max);
	else
		read_ints(table, buffer, lenp);
	*ppos += (int64_t)*lenp;
	return err;
}

int proc_dointvec(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
		  int64_t *ppos)
{
	return do_proc_dointvec(table, write, buffer, lenp, ppos, NULL, NULL);
}

int proc_dointvec_minmax(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			 int64_t *ppos)
{
	return do_proc_dointvec(table, write, buffer, lenp, ppos, table->extra1, table->extra2);
}
