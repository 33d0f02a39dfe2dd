/* The mce-inject text format (user/mce_parse.h), as Linux's mce-inject
 * reads it. */
#include "user/mce_parse.h"
#include "tests/unit/test.h"

static struct mce_record got[4];
static int ngot;

static int collect(const struct mce_record *m, void *arg)
{
	(void)arg;
	if (ngot < 4)
		got[ngot] = *m;
	ngot++;
	return 0;
}

static int parse(const char *text, struct mce_lexer *lx)
{
	ngot = 0;
	memset(got, 0, sizeof(got));
	return mce_parse(text, lx, collect, NULL);
}

static void test_srao_record(void)
{
	struct mce_lexer lx;

	CHECK(parse("# a scrub error\nCPU 0 BANK 9\nSTATUS UNCORRECTED SRAO 0x17a\n"
		    "MCGSTATUS RIPV MCIP\nADDR 0x1234000\nMISC 0x8c\nRIP 0x10:0xffff1234\n", &lx) == 1);
	CHECK(got[0].cpu == 0 && got[0].bank == 9);
	CHECK(got[0].status == (MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_S |
				MCI_STATUS_ADDRV | MCI_STATUS_MISCV | 0x17a));
	CHECK(got[0].have_mcgstatus && got[0].mcgstatus == (MCG_STATUS_RIPV | MCG_STATUS_MCIP));
	CHECK(got[0].addr == 0x1234000 && got[0].misc == 0x8c);
	CHECK(got[0].cs == 0x10 && got[0].ip == 0xffff1234);
}

static void test_keywords_any_case_and_numbers(void)
{
	struct mce_lexer lx;

	CHECK(parse("cpu 0 3 status corrected 010 bank 2 mce status fatal", &lx) == 2);
	CHECK(got[0].bank == 2); /* the later BANK wins */
	CHECK(got[0].status == (MCI_STATUS_VAL | MCI_STATUS_EN | 8));
	CHECK(!got[0].have_mcgstatus);
	CHECK(got[1].status == (MCI_STATUS_VAL | MCI_STATUS_UC | MCI_STATUS_EN | MCI_STATUS_PCC));
}

static void test_panic_line_form(void)
{
	struct mce_lexer lx;

	CHECK(parse("CPU 1: Machine Check Exception: 5 Bank 4: b200000000000175\n", &lx) == -1);
	CHECK(parse("CPU 1: Machine Check Exception: 5 Bank 4: 0xb200000000000175\n", &lx) == 1);
	CHECK(got[0].cpu == 1 && got[0].bank == 4 && got[0].mcgstatus == 5);
	CHECK(got[0].status == 0xb200000000000175ULL);
}

static void test_errors_say_where(void)
{
	struct mce_lexer lx;

	CHECK(parse("CPU 0 BANK 1\nSTATUS 1\nBOGUS 3\n", &lx) == -1);
	CHECK(!strcmp(lx.error, "3: syntax error at 'BOGUS'"));
	CHECK(parse("CPU 0 BANK 1 BOGUS\n", &lx) == -1);
	CHECK(!strcmp(lx.error, "1: syntax error at 'BOGUS'")); /* its own line, not the next */
	CHECK(parse("STATUS 1", &lx) == -1 && ngot == 0); /* no record started */
	CHECK(parse("CPU 0 BANK 1 ADDR\n", &lx) == -1);
	CHECK(parse("CPU 0 BANK 1 STATUS 1 $", &lx) == -1);
	CHECK(!strcmp(lx.error, "1: Unrecognized character '$'") && ngot == 0);
	CHECK(parse("", &lx) == 0 && ngot == 0);
}

int main(void)
{
	RUN(test_srao_record);
	RUN(test_keywords_any_case_and_numbers);
	RUN(test_panic_line_form);
	RUN(test_errors_say_where);
	return finish("unit mce-inject");
}
