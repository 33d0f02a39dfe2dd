/* A small vsnprintf: enough for kernel messages, checked against libc's on
 * the host by tests/unit/test_format.c. */
#include "lib/format.h"
#include "lib/string.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, stored or not */
};

struct spec {
	bool left;     /* '-' flag */
	bool zero;     /* '0' flag */
	bool alt;      /* '#' flag: 0x before hexadecimal */
	int width;
	int precision; /* -1: none */
	int length;    /* number of 'l' (z counts as 2) */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* n characters at once: under QEMU's TCG a loop turn per character, with
 * its bounds check, costs more than one copy of what fits. */
static void put_chars(struct out *o, const char *s, size_t n)
{
	size_t room = o->len + 1 < o->size ? o->size - 1 - o->len : 0;

	if (room) /* (a size of 0 may come with no buffer at all) */
		memcpy(o->buf + o->len, s, MIN(n, room));
	o->len += n;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	if (sp->precision < 0)
		len = (int)strlen(s);
	else
		while (len < sp->precision && s[len])
			len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	put_chars(o, s, (size_t)len);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* The digits of v, written backwards from end: where they start.
 * Hexadecimal and octal shift: a division by a variable base is a helper
 * call per digit under QEMU's TCG (every kernel message has numbers).
 * Decimal divides by the constant 10, which the compiler turns into a
 * multiplication. */
static char *to_digits(char *end, unsigned long long v, unsigned base, const char *digits)
{
	unsigned shift = base == 16 ? 4 : 3;

	if (base == 10) {
		do {
			*--end = digits[v % 10];
			v /= 10;
		} while (v);
		return end;
	}
	do {
		*--end = digits[v & (base - 1)];
		v >>= shift;
	} while (v);
	return end;
}

/* Digits, then sign and padding around them. */
static void put_num(struct out *o, const struct spec *sp, unsigned long long v,
		    bool negative, unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[26]; /* 22 octal digits, and room in front for "0x" or "-" */
	int plen = prefix[0] ? 2 : 0; /* "", or "0x" or "0X" */
	char *first = to_digits(tmp + sizeof(tmp), v, base, digits);
	int n = (int)(tmp + sizeof(tmp) - first);

	if (!sp->width) { /* most numbers: sign, prefix and digits, no padding */
		first -= plen;
		memcpy(first, prefix, (size_t)plen);
		if (negative)
			*--first = '-';
		put_chars(o, first, (size_t)(tmp + sizeof(tmp) - first));
		return;
	}

	int total = n + plen + (negative ? 1 : 0);
	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - total);
	if (negative)
		put(o, '-');
	put_chars(o, prefix, (size_t)plen);
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - total);
	put_chars(o, first, (size_t)n);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static unsigned long long get_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->length == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long get_signed(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 2)
		return va_arg(*ap, long long);
	if (sp->length == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

/* Parse flags, width, precision and length; return the conversion char. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = true;
		else if (*fmt == '0')
			sp->zero = true;
		else if (*fmt == '#')
			sp->alt = true;
		else
			break;
	}
	if (*fmt == '*') {
		sp->width = va_arg(*ap, int);
		fmt++;
	}
	while (*fmt >= '0' && *fmt <= '9')
		sp->width = sp->width * 10 + (*fmt++ - '0');
	if (*fmt == '.') {
		sp->precision = 0;
		if (*++fmt == '*') {
			sp->precision = va_arg(*ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp->precision = sp->precision * 10 + (*fmt - '0');
	}
	for (;; fmt++) {
		if (*fmt == 'l')
			sp->length++;
		else if (*fmt == 'z')
			sp->length = 2;
		else
			break;
	}
	return fmt;
}

static void convert(struct out *o, const struct spec *sp, char conv, va_list *ap)
{
	long long s;
	unsigned long long u;
	char c;

	switch (conv) {
	case 'd':
	case 'i':
		s = get_signed(sp, ap);
		put_num(o, sp, s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s,
			s < 0, 10, false, "");
		break;
	case 'u':
		put_num(o, sp, get_unsigned(sp, ap), false, 10, false, "");
		break;
	case 'x':
	case 'X':
		u = get_unsigned(sp, ap);
		put_num(o, sp, u, false, 16, conv == 'X',
			sp->alt && u ? (conv == 'X' ? "0X" : "0x") : "");
		break;
	case 'o':
		put_num(o, sp, get_unsigned(sp, ap), false, 8, false, "");
		break;
	case 'p':
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, "0x");
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put(o, c);
		break;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	default: /* "%%" and unknown conversions print themselves */
		put(o, conv);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') { /* the text up to the next conversion */
			const char *next = strchrnul(fmt, '%');
			put_chars(&o, fmt, (size_t)(next - fmt));
			fmt = next;
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt)
			break;
		convert(&o, &sp, *fmt++, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
