/*
 * The text format of Linux's mce-inject tool (andikleen/mce-inject:
 * mce.lex, mce.y), for user/mce-inject.c and its host unit test. A file
 * holds machine-check records; each starts with CPU N [BANK], CPU N BANK
 * on one line, or MCE, and goes on with terms:
 *
 *   STATUS word...     OR of numbers and VAL OVER UC EN PCC S AR, or
 *                      CORRECTED (VAL|EN), UNCORRECTED (VAL|UC|EN),
 *                      FATAL (VAL|UC|EN|PCC), SRAO (S), SRAR (S|AR), UCNA (0)
 *   MCGSTATUS word...  OR of numbers and RIPV EIPV MCIP
 *   BANK n   ADDR n (sets ADDRV)   MISC n (sets MISCV)   SYND n
 *   RIP n | RIP cs:ip | RIP cs:<ip> {symbol}   TSC n   TIME n
 *   PROCESSOR vendor:cpuid   NOBROADCAST   HOLD   IN_IRQ   IN_PROC
 *
 * Keywords in any case, numbers in C syntax (0x hex, 0 octal), '#' to
 * the end of the line a comment. S, AR, SRAO, SRAR and UCNA are from the
 * later mce-inject and the mce-test data files, not Andi Kleen's first.
 */
#ifndef USER_MCE_PARSE_H
#define USER_MCE_PARSE_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MCI_STATUS_VAL (1ULL << 63)
#define MCI_STATUS_OVER (1ULL << 62)
#define MCI_STATUS_UC (1ULL << 61)
#define MCI_STATUS_EN (1ULL << 60)
#define MCI_STATUS_MISCV (1ULL << 59)
#define MCI_STATUS_ADDRV (1ULL << 58)
#define MCI_STATUS_PCC (1ULL << 57)
#define MCI_STATUS_S (1ULL << 56)
#define MCI_STATUS_AR (1ULL << 55)
#define MCG_STATUS_RIPV (1ULL << 0)
#define MCG_STATUS_EIPV (1ULL << 1)
#define MCG_STATUS_MCIP (1ULL << 2)

struct mce_record {
	uint64_t status, mcgstatus, addr, misc, synd, ip, tsc, time;
	unsigned cpu, bank, cs;
	bool have_mcgstatus;
};

enum tok_kind { T_END, T_NUMBER, T_WORD, T_CHAR };

struct mce_lexer {
	const char *p;
	int line;
	enum tok_kind kind;
	uint64_t number;
	char word[32];
	char c;
	char error[128];
};

static void mce_next(struct mce_lexer *lx)
{
	for (;;) {
		while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' || *lx->p == '\n')
			lx->line += *lx->p++ == '\n';
		if (*lx->p != '#')
			break;
		while (*lx->p && *lx->p != '\n')
			lx->p++;
	}
	const char *s = lx->p;
	if (!*s) {
		lx->kind = T_END;
	} else if (isdigit((unsigned char)*s)) {
		char *end;
		lx->number = strtoull(s, &end, 0);
		lx->kind = T_NUMBER;
		lx->p = end;
	} else if (isalpha((unsigned char)*s) || *s == '_') {
		size_t n = 0;
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
		snprintf(lx->word, sizeof(lx->word), "%.*s", (int)n, s);
		lx->kind = T_WORD;
		lx->p = s + n;
	} else if (strchr(":{}<>", *s)) {
		lx->kind = T_CHAR;
		lx->c = *lx->p++;
	} else {
		snprintf(lx->error, sizeof(lx->error), "%d: Unrecognized character '%c'", lx->line, *s);
		lx->kind = T_END;
	}
}

static bool is_word(const struct mce_lexer *lx, const char *w)
{
	return lx->kind == T_WORD && !strcasecmp(lx->word, w);
}

static bool mce_syntax_error(struct mce_lexer *lx)
{
	if (!lx->error[0])
		snprintf(lx->error, sizeof(lx->error), "%d: syntax error", lx->line);
	return false;
}

/* One number: false (with lx->error) if there is none. */
static bool mce_number(struct mce_lexer *lx, uint64_t *v)
{
	if (lx->kind != T_NUMBER)
		return mce_syntax_error(lx);
	*v = lx->number;
	mce_next(lx);
	return true;
}

static bool mce_char(struct mce_lexer *lx, char c)
{
	if (lx->kind != T_CHAR || lx->c != c)
		return mce_syntax_error(lx);
	mce_next(lx);
	return true;
}

struct mce_keyword {
	const char *name;
	uint64_t value;
};

static const struct mce_keyword mce_status_words[] = {
	{ "VAL", MCI_STATUS_VAL }, { "OVER", MCI_STATUS_OVER }, { "UC", MCI_STATUS_UC },
	{ "EN", MCI_STATUS_EN }, { "PCC", MCI_STATUS_PCC }, { "S", MCI_STATUS_S },
	{ "AR", MCI_STATUS_AR },
	{ "CORRECTED", MCI_STATUS_VAL | MCI_STATUS_EN },
	{ "UNCORRECTED", MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN },
	{ "FATAL", MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_PCC },
	{ "SRAO", MCI_STATUS_S }, { "SRAR", MCI_STATUS_S | MCI_STATUS_AR }, { "UCNA", 0 },
	{ NULL, 0 },
};

static const struct mce_keyword mce_mcgstatus_words[] = {
	{ "RIPV", MCG_STATUS_RIPV }, { "EIPV", MCG_STATUS_EIPV }, { "MCIP", MCG_STATUS_MCIP },
	{ NULL, 0 },
};

/* An OR of numbers and the table's words, as long as they come. */
static uint64_t mce_bit_list(struct mce_lexer *lx, const struct mce_keyword *words)
{
	uint64_t v = 0;

	for (;;) {
		if (lx->kind == T_NUMBER) {
			v |= lx->number;
			mce_next(lx);
			continue;
		}
		const struct mce_keyword *k = words;
		while (k->name && !is_word(lx, k->name))
			k++;
		if (!k->name)
			return v;
		v |= k->value;
		mce_next(lx);
	}
}

/* RIP n | RIP cs:ip | RIP cs:<ip> {symbol} */
static bool mce_rip(struct mce_lexer *lx, struct mce_record *m)
{
	uint64_t a, b;

	if (!mce_number(lx, &a))
		return false;
	if (lx->kind != T_CHAR || lx->c != ':') {
		m->ip = a;
		return true;
	}
	mce_next(lx);
	m->cs = (unsigned)a;
	if (lx->kind == T_NUMBER) {
		mce_number(lx, &b);
		m->ip = b;
		return true;
	}
	if (!mce_char(lx, '<') || !mce_number(lx, &b) || !mce_char(lx, '>') || !mce_char(lx, '{'))
		return false;
	if (lx->kind != T_WORD)
		return mce_syntax_error(lx);
	mce_next(lx);
	m->ip = b;
	return mce_char(lx, '}');
}

/* Does a new record start here? */
static bool mce_at_start(const struct mce_lexer *lx)
{
	return is_word(lx, "CPU") || is_word(lx, "MCE");
}

/* One term of a record into m: false on a syntax error. */
static bool mce_term(struct mce_lexer *lx, struct mce_record *m)
{
	uint64_t v, w;

	if (lx->kind != T_WORD)
		return mce_syntax_error(lx);
	char word[32];
	int line = lx->line;
	snprintf(word, sizeof(word), "%s", lx->word);
	mce_next(lx);
	if (!strcasecmp(word, "STATUS")) {
		m->status = mce_bit_list(lx, mce_status_words);
	} else if (!strcasecmp(word, "MCGSTATUS")) {
		m->mcgstatus = mce_bit_list(lx, mce_mcgstatus_words);
		m->have_mcgstatus = true;
	} else if (!strcasecmp(word, "BANK")) {
		if (!mce_number(lx, &v))
			return false;
		m->bank = (unsigned)v;
	} else if (!strcasecmp(word, "ADDR")) {
		if (!mce_number(lx, &m->addr))
			return false;
		m->status |= MCI_STATUS_ADDRV;
	} else if (!strcasecmp(word, "MISC")) {
		if (!mce_number(lx, &m->misc))
			return false;
		m->status |= MCI_STATUS_MISCV;
	} else if (!strcasecmp(word, "SYND")) {
		return mce_number(lx, &m->synd);
	} else if (!strcasecmp(word, "TSC")) {
		return mce_number(lx, &m->tsc);
	} else if (!strcasecmp(word, "TIME")) {
		return mce_number(lx, &m->time);
	} else if (!strcasecmp(word, "RIP")) {
		return mce_rip(lx, m);
	} else if (!strcasecmp(word, "PROCESSOR")) {
		return mce_number(lx, &v) && mce_char(lx, ':') && mce_number(lx, &w);
	} else if (strcasecmp(word, "NOBROADCAST") && strcasecmp(word, "HOLD") &&
		   strcasecmp(word, "IN_IRQ") && strcasecmp(word, "IN_PROC")) {
		snprintf(lx->error, sizeof(lx->error), "%d: syntax error at '%s'", line, word);
		return false;
	}
	return true;
}

/* CPU n [bank] | MCE | CPU n : MACHINE CHECK EXCEPTION : mcgstatus BANK b : status */
static bool mce_start(struct mce_lexer *lx, struct mce_record *m)
{
	uint64_t v;

	*m = (struct mce_record){ 0 };
	if (is_word(lx, "MCE")) {
		mce_next(lx);
		return true;
	}
	mce_next(lx); /* CPU */
	if (!mce_number(lx, &v))
		return false;
	m->cpu = (unsigned)v;
	if (lx->kind == T_NUMBER) {
		mce_number(lx, &v);
		m->bank = (unsigned)v;
	} else if (lx->kind == T_CHAR && lx->c == ':') {
		mce_next(lx);
		if (!is_word(lx, "MACHINE"))
			return mce_syntax_error(lx);
		mce_next(lx);
		if (!is_word(lx, "CHECK"))
			return mce_syntax_error(lx);
		mce_next(lx);
		if (!is_word(lx, "EXCEPTION"))
			return mce_syntax_error(lx);
		mce_next(lx);
		if (!mce_char(lx, ':') || !mce_number(lx, &m->mcgstatus) || !is_word(lx, "BANK"))
			return mce_syntax_error(lx);
		m->have_mcgstatus = true;
		mce_next(lx);
		if (!mce_number(lx, &v) || !mce_char(lx, ':') || !mce_number(lx, &m->status))
			return false;
		m->bank = (unsigned)v;
	}
	return true;
}

/* Parse text, calling submit for each record in order: the number of
 * records, or -1 with lx->error ("LINE: what") on the first error. */
static int mce_parse(const char *text, struct mce_lexer *lx,
		     int (*submit)(const struct mce_record *m, void *arg), void *arg)
{
	struct mce_record m;
	int n = 0;

	*lx = (struct mce_lexer){ .p = text, .line = 1 };
	mce_next(lx);
	while (lx->kind != T_END) {
		if (!mce_at_start(lx) || !mce_start(lx, &m))
			return mce_syntax_error(lx), -1;
		while (lx->kind != T_END && !mce_at_start(lx))
			if (!mce_term(lx, &m))
				return -1;
		if (lx->error[0])
			return -1;
		if (submit(&m, arg))
			return -1;
		n++;
	}
	return lx->error[0] ? -1 : n;
}

#endif
