/*
 * The emulated memory controller: latent poison (docs/machine-check.md,
 * "The emulated memory controller").
 *
 * QEMU's memory never goes bad, and QEMU's injected machine checks arrive
 * at whatever instruction is running, not at the one that read the bad
 * data. So the kernel plays the memory controller. `inject latent PFN`
 * (or the frame number written to /sys/kernel/debug/hwpoison/latent-pfn)
 * arms a frame: its contents count as bad, and nobody knows yet. From
 * then on every access to it traps:
 *
 *  - the kernel's direct map of it is gone (mm/paging.c:
 *    set_direct_map_invalid), so a kernel access is a page fault;
 *  - every user PTE of it, found through the reverse map, has the
 *    present bit clear and PTE_LATENT set (mm/pgtable.h), so a user
 *    access is one too, and mk_pte marks the mappings made later.
 *
 * The page-fault handler (kernel/trap.c:page_fault) hands such a fault
 * here, and the access becomes what real memory would raise: an
 * action-required machine check - a data load (or an instruction fetch)
 * at the frame's address, MCi_MISC giving a cache line's precision,
 * MCG_STATUS with RIPV and EIPV (the access never completed, so it can
 * be restarted, and it is the one that hit the error). The record goes
 * into a bank and the real #MC handler takes it from there: the
 * severity table, and memory_failure or a panic.
 *
 * Where the emulation is simpler than memory:
 *  - the whole 4 KiB frame is bad, not one 64-byte line;
 *  - a store traps as a load does (memory reports a bad line only when it
 *    is read back);
 *  - a frame freed while armed is disarmed: its next owner writes it
 *    before reading it, and a full write of a line replaces its poison;
 *  - a disk write from the frame fails (block/blk-core.c:
 *    bio_reads_bad_memory), as a transfer of poisoned data would; other
 *    devices' reads are not checked.
 *
 * A patrol scrubber (vm.scrub_interval seconds, 0 = off, the default) may
 * find an armed frame first: it reports it as an action-optional
 * memory-scrubbing error, as a real memory controller does.
 */
#include "mce/mce.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/workqueue.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"

#define MAX_LATENT 64
#define MISC_LINE 0x86 /* physical address, lowest valid bit 6: a cache line */
#define LINE_MASK (~63UL)
#define PF_INSTR 16    /* the page-fault error code's instruction-fetch bit */

/* The armed frames, for the scrubber (a frame's PG_latent answers "is it
 * armed?" on the fault and free paths). */
static unsigned long latent_pfns[MAX_LATENT];
static int nr_latent;

int sysctl_scrub_interval; /* seconds; 0: no patrol scrubbing */

static void mark_latent(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	(void)arg;
	*pte = pte_mklatent(*pte);
	flush_tlb_page(vma->vm_mm, addr);
}

/* Why pfn cannot be armed, or NULL. */
static const char *cannot_arm(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return "no such frame";
	struct page *page = pfn_to_page(pfn);
	if (page_test(page, PG_reserved))
		return "a reserved frame (firmware, the kernel image, a hole)";
	if (page_test(page, PG_hwpoison))
		return "already poisoned";
	if (page_test(page, PG_latent))
		return "already armed";
	if (compound_head(page)->refcount == 0)
		return "a free frame: nobody reads it (arm one that holds data)";
	if (PageHuge(page))
		return "a hugetlb page (use inject srar or madvise(MADV_HWPOISON) on it)";
	if (nr_latent == MAX_LATENT)
		return "too many armed frames";
	return NULL;
}

/* Arming a frame of a huge page (mm/huge_mm.h) splits it first: a PMD
 * cannot make just one 4 KiB of its 2 MiB fault. */
static bool split_huge(struct page *page)
{
	struct page *head = compound_head(page);

	if (!PageTransHuge(head))
		return true;
	get_page(head);
	int err = split_huge_page(page);
	put_page(page);
	return err == 0;
}

int latent_arm(unsigned long pfn)
{
	const char *why = cannot_arm(pfn);

	if (!why && !split_huge(pfn_to_page(pfn)))
		why = "a huge page in use that cannot be split";
	if (why) {
		pr_info("latent: %#lx: %s; not armed\n", pfn, why);
		return -EINVAL;
	}
	if (set_direct_map_invalid(pfn))
		return -ENOMEM;
	struct page *page = pfn_to_page(pfn);
	page_set(page, PG_latent);
	struct rmap_walk_control rwc = { .rmap_one = mark_latent };
	rmap_walk(compound_head(page), &rwc);
	latent_pfns[nr_latent++] = pfn;
	pr_info("latent: %#lx armed: its data is bad, and nobody knows yet\n", pfn);
	return 0;
}

void latent_page_freed(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	page_clear(page, PG_latent);
	set_direct_map_default(pfn);
	for (int i = 0; i < nr_latent; i++)
		if (latent_pfns[i] == pfn)
			latent_pfns[i] = latent_pfns[--nr_latent];
	pr_info("latent: %#lx freed before anyone read it: disarmed\n", pfn);
}

/* The machine check the access at tf raises: the record in a bank, then
 * the real handler. */
static void consume(struct trapframe *tf, phys_addr_t pa)
{
	bool fetch = tf->trapno == T_PAGE_FAULT && (tf->error & PF_INSTR);
	struct mce_injection inj = {
		.bank = mce_inject_free_bank(MIN(1, mce_nr_banks() - 1)),
		.status = MCI_STATUS_VAL | MCI_STATUS_EN | MCI_STATUS_UC | MCI_STATUS_S |
			  MCI_STATUS_AR | MCI_STATUS_ADDRV | MCI_STATUS_MISCV |
			  (fetch ? MCACOD_INSTR : MCACOD_DATA),
		.addr = pa & LINE_MASK,
		.misc = MISC_LINE,
		.mcgstatus = MCG_STATUS_MCIP | MCG_STATUS_RIPV | MCG_STATUS_EIPV,
		.raise = true,
	};

	if (inj.bank < 0)
		panic("latent: every machine-check bank holds an injected error");
	mce_inject_raise(&inj, tf);
}

bool latent_user_access(struct trapframe *tf, uint64_t addr)
{
	uint64_t *pte = walk_pte(current->mm->pgd, addr, false);

	if (!pte || !pte_latent(*pte))
		return false; /* changed meanwhile: the access is retried */
	consume(tf, ((phys_addr_t)pte_pfn(*pte) << PAGE_SHIFT) | (addr & ~PAGE_MASK));
	return true;
}

bool latent_kernel_access(struct trapframe *tf, uint64_t addr)
{
	if (addr < DIRECT_MAP_BASE || addr >= DIRECT_MAP_BASE + ((uint64_t)max_pfn << PAGE_SHIFT))
		return false;
	phys_addr_t pa = addr - DIRECT_MAP_BASE;
	if (!page_test(pfn_to_page(pa >> PAGE_SHIFT), PG_latent))
		return false;
	consume(tf, pa);
	return true;
}

/* The patrol scrubber: each armed frame nobody has found yet becomes an
 * action-optional memory-scrubbing error (MCACOD 0x00cf: scrub, channel
 * unknown), taken in the kworker's context. */
static void patrol_scrub(struct work_struct *work)
{
	(void)work;
	for (int i = 0; i < nr_latent; i++) {
		unsigned long pfn = latent_pfns[i];
		if (page_test(pfn_to_page(pfn), PG_hwpoison))
			continue; /* found already */
		struct mce_injection inj = {
			.bank = mce_nr_banks() - 1,
			.status = MCI_STATUS_VAL | MCI_STATUS_EN | MCI_STATUS_UC | MCI_STATUS_S |
				  MCI_STATUS_ADDRV | MCI_STATUS_MISCV | MCACOD_SCRUB | 0xf,
			.addr = (uint64_t)pfn << PAGE_SHIFT,
			.misc = MISC_LINE,
			.mcgstatus = MCG_STATUS_MCIP | MCG_STATUS_RIPV,
			.raise = true,
		};
		pr_info("latent: patrol scrub found %#lx\n", pfn);
		mce_inject_request(&inj);
	}
}

static struct work_struct scrub_work = { .func = patrol_scrub };

/* Every second: is it time for a pass? (The interval may change at any
 * time, through the sysctl.) */
static void scrub_tick(struct timer_list *t)
{
	static uint64_t seconds;

	seconds++;
	if (sysctl_scrub_interval > 0 && seconds % (uint64_t)sysctl_scrub_interval == 0 && nr_latent > 0)
		schedule_work(&scrub_work);
	mod_timer(t, jiffies + HZ);
}

static struct timer_list scrub_timer = { .function = scrub_tick };

void latent_init(void)
{
	INIT_LIST_HEAD(&scrub_timer.entry);
	mod_timer(&scrub_timer, jiffies + HZ);
}
