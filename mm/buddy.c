/*
 * The buddy allocator (Linux: mm/page_alloc.c).
 *
 * A free block is described by its first frame only: that struct page has
 * PG_buddy set, its order in page->private, and sits on the free list of
 * that order. The other frames of the block are plain zeroed pages.
 *
 * The buddy of the block of order o at pfn is at pfn ^ (1 << o): flipping
 * that bit moves between the two halves of the block of order o+1 that
 * contains both. Freeing merges with the buddy for as long as it is free
 * and whole, so free memory drifts back into large blocks.
 */
#include "mm/buddy.h"
#include "mce/mce.h"
#include "mm/oom.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/watermark.h"
#include "lib/string.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/x86.h"

struct zone zone;
/* The page counters of mm/vmstat.h (here: the allocator is in every build). */
long vm_node_stat[NR_VM_NODE_STAT_ITEMS];

void buddy_init(void)
{
	for (int order = 0; order < MAX_ORDER; order++) {
		INIT_LIST_HEAD(&zone.free_area[order].free_list);
		zone.free_area[order].nr_free = 0;
	}
	zone.free_pages = 0;
	zone.managed_pages = 0;
	for (int i = 0; i < NR_WMARK; i++)
		zone._watermark[i] = 0; /* init_per_zone_wmark_min sets them */
}

static void add_to_free_list(struct page *page, unsigned int order)
{
	page_set(page, PG_buddy);
	page->private = order;
	list_add(&page->lru, &zone.free_area[order].free_list);
	zone.free_area[order].nr_free++;
	zone.free_pages += 1UL << order;
}

static void del_from_free_list(struct page *page, unsigned int order)
{
	list_del(&page->lru);
	page_clear(page, PG_buddy);
	page->private = 0;
	zone.free_area[order].nr_free--;
	zone.free_pages -= 1UL << order;
}

/* Linux marks a frame that poison took off the free lists this way, in
 * page->private (its order while it was free). */
#define MAGIC_HWPOISON 0x48575053UL /* "HWPS" */

static void SetPageHWPoisonTakenOff(struct page *page)
{
	page->private = MAGIC_HWPOISON;
}

bool PageHWPoisonTakenOff(const struct page *page)
{
	return page->refcount == 0 && !page_test(page, PG_buddy) &&
	       page->private == MAGIC_HWPOISON;
}

/* Is the block at pfn a free block of exactly this order? */
static bool is_free_block(unsigned long pfn, unsigned int order)
{
	if (!pfn_valid(pfn))
		return false;
	struct page *page = pfn_to_page(pfn);
	return page_test(page, PG_buddy) && page->private == order;
}

/* Put a block on the free lists, merging it with its free buddies. */
static void free_one_block(unsigned long pfn, unsigned int order)
{
	/* LAB 1: BEGIN */
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		if (!is_free_block(buddy_pfn, order))
			break;
		del_from_free_list(pfn_to_page(buddy_pfn), order);
		pfn &= buddy_pfn; /* the merged block starts at the lower half */
		order++;
	}
	add_to_free_list(pfn_to_page(pfn), order);
	/* LAB 1: STUB
	(void)is_free_block; // for your code
	add_to_free_list(pfn_to_page(pfn), order); // no merging: memory fragments for good
	   LAB 1: END */
}

void buddy_free_range(unsigned long start_pfn, unsigned long end_pfn)
{
	while (start_pfn < end_pfn) {
		/* The largest block that is aligned here and fits. */
		unsigned int order = MAX_ORDER - 1;
		while (order > 0 && ((start_pfn & ((1UL << order) - 1)) ||
				     start_pfn + (1UL << order) > end_pfn))
			order--;
		free_one_block(start_pfn, order);
		zone.managed_pages += 1UL << order;
		start_pfn += 1UL << order;
	}
}

/*
 * We took a block of order `high` at pfn to satisfy a request of order
 * `low`: give back the upper half again and again until the block is the
 * size asked for.
 */
static void expand(unsigned long pfn, unsigned int low, unsigned int high)
{
	/* LAB 1: BEGIN */
	while (high > low) {
		high--;
		add_to_free_list(pfn_to_page(pfn + (1UL << high)), high);
	}
	/* LAB 1: STUB
	(void)pfn, (void)low, (void)high;
	panic("lab 1: implement expand (mm/buddy.c)");
	   LAB 1: END */
}

/*
 * Make the block a compound page (Linux: prep_compound_page): the head
 * carries PG_head and the only refcount, every tail points at the head,
 * and the first tail records the order, so that compound_head() and
 * compound_order() work from any frame of it.
 */
static void prep_compound_page(struct page *head, unsigned int order)
{
	page_set(head, PG_head);
	for (unsigned long i = 1; i < (1UL << order); i++)
		head[i].compound_head = (unsigned long)head | 1;
	head[1].compound_order = (unsigned char)order;
	head[1].compound_dtor = 0; /* the kernel's, until hugetlb or THP says otherwise */
	head[1].compound_mapcount = 0;
}

/*
 * Every block is zeroed as it is handed out (Linux's init_on_alloc=1):
 * nobody gets the data of the block's last user. Under QEMU's TCG it
 * matters for speed too: a frame that the firmware or GRUB ran code from
 * still has translated code attached, and every store into such a frame
 * takes TCG's slow path until the whole frame has been written once - a
 * kernel stack, written only at its top, would stay slow for ever (page
 * faults took 100 us instead of 2, depending on where the boot module
 * ended). Writing the whole block at once drops those translations.
 */
static void clear_block(struct page *page, unsigned int order)
{
	memset(page_address(page), 0, PAGE_SIZE << order);
}

/* The smallest free block of at least 2^order frames, taken off its
 * list and cut down to 2^order frames (Linux: __rmqueue_smallest); NULL
 * if there is none. */
static struct page *__rmqueue_smallest(unsigned int order)
{
	/* LAB 1: BEGIN */
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct list_head *list = &zone.free_area[o].free_list;
		if (list_empty(list))
			continue;
		struct page *page = list_first_entry(list, struct page, lru);
		del_from_free_list(page, o);
		expand(page_to_pfn(page), order, o);
		return page;
	}
	return NULL;
	/* LAB 1: STUB
	(void)order, (void)expand; // expand: for your code
	panic("lab 1: implement __rmqueue_smallest (mm/buddy.c)");
	   LAB 1: END */
}

/* A free block of at least 2^order frames, if taking it leaves the
 * watermark alloc_flags names (Linux: get_page_from_freelist). */
static struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order,
					   unsigned int alloc_flags)
{
	unsigned long mark = zone._watermark[alloc_flags & ALLOC_WMARK_MASK];

	if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
	    !zone_watermark_ok(&zone, order, mark, alloc_flags))
		return NULL;
	struct page *page = __rmqueue_smallest(order);
	if (!page)
		return NULL;
	page->refcount = 1;
	if ((gfp_mask & __GFP_COMP) && order > 0)
		prep_compound_page(page, order);
	clear_block(page, order);
	return page;
}

/*
 * How far under the watermarks the slow path may go (Linux:
 * gfp_to_alloc_flags and gfp_pfmemalloc_allowed): to min; a caller that
 * cannot wait (an interrupt, a section with interrupts off: GFP_NOWAIT
 * here serves Linux's GFP_ATOMIC callers too) a further 5/8 of it;
 * reclaim itself and an OOM victim on its way out, everything.
 */
static unsigned int gfp_to_alloc_flags(gfp_t gfp_mask)
{
	if (gfp_mask & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (current && !irqs_disabled() &&
	    ((current->flags & PF_MEMALLOC) || tsk_is_oom_victim(current)))
		return ALLOC_NO_WATERMARKS;
	if (!(gfp_mask & __GFP_DIRECT_RECLAIM))
		return ALLOC_WMARK_MIN | ALLOC_HARDER | ALLOC_HIGH;
	return ALLOC_WMARK_MIN;
}

/* Reclaim could not help: kill a process (Linux: __alloc_pages_may_oom).
 * Only for small requests from callers that may enter a file system -
 * inside one (GFP_NOFS, GFP_NOIO) the allocation fails instead, and
 * its system call returns ENOMEM. */
static bool alloc_pages_may_oom(gfp_t gfp_mask, unsigned int order)
{
	struct oom_control oc = { .gfp_mask = gfp_mask, .order = (int)order };

	if (order > PAGE_ALLOC_COSTLY_ORDER || !(gfp_mask & __GFP_FS))
		return false;
	return out_of_memory(&oc);
}

/*
 * Reclaim again (Linux: should_reclaim_retry)? While it frees pages -
 * others may take them before us, for as long as that goes on - and
 * after MAX_RECLAIM_RETRIES passes in a row that freed nothing, but only
 * while all it could still free would lift free memory over min. A pass
 * that freed nothing while pages are being written does not count: the
 * caller waits a tick for the disk, whose pages then become clean and
 * free (Linux: reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)) - if it may
 * wait for I/O at all; a busy or slow disk is no reason for ENOMEM.
 */
static bool should_reclaim_retry(gfp_t gfp_mask, unsigned int order, unsigned long progress,
				 int *no_progress_loops)
{
	unsigned long available = zone_reclaimable_pages() + nr_free_pages();

	if (!progress && (gfp_mask & __GFP_IO) && global_node_page_state(NR_WRITEBACK)) {
		schedule_timeout_uninterruptible(1);
		return true;
	}
	*no_progress_loops = progress ? 0 : *no_progress_loops + 1;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;
	return available > min_wmark_pages(&zone) + (1UL << order);
}

/*
 * Nothing free over the low watermark (Linux: __alloc_pages_slowpath):
 * wake kswapd; take what is free over min; else reclaim and try again
 * (should_reclaim_retry); else the OOM killer. Its victim needs the CPU
 * to exit and free its memory: the allocation sleeps a tick and tries
 * again - unless it is the victim itself, which gets what is left and,
 * failing, gives up (its process is dying).
 */
static struct page *alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order)
{
	int no_progress_loops = 0;

	wakeup_kswapd(order);
	for (;;) {
		struct page *page = get_page_from_freelist(gfp_mask, order,
							   gfp_to_alloc_flags(gfp_mask));

		if (page || !may_direct_reclaim(gfp_mask))
			return page;
		if (tsk_is_oom_victim(current))
			return NULL; /* it had the last reserve: let it exit */
		unsigned long progress = try_to_free_pages(gfp_mask, order);
		page = get_page_from_freelist(gfp_mask, order, gfp_to_alloc_flags(gfp_mask));
		if (page)
			return page;
		if (should_reclaim_retry(gfp_mask, order, progress, &no_progress_loops))
			continue;
		if (!alloc_pages_may_oom(gfp_mask, order))
			return NULL;
		no_progress_loops = 0;
		if (!tsk_is_oom_victim(current))
			schedule_timeout_uninterruptible(1);
	}
}

struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page = get_page_from_freelist(gfp_mask, order, ALLOC_WMARK_LOW);

	if (page || (gfp_mask & __GFP_NO_KSWAPD))
		return page;
	return alloc_pages_slowpath(gfp_mask, order);
}

static bool block_has_poison(unsigned long pfn, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (page_test(pfn_to_page(pfn + i), PG_hwpoison))
			return true;
	return false;
}

/* A block being freed holds a frame found corrupt while it was in use:
 * free the healthy frames one by one and keep the bad ones out, marked as
 * kept out by poison (so that unpoison may give them back). */
static void free_around_poison(unsigned long pfn, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *page = pfn_to_page(pfn + i);
		if (page_test(page, PG_hwpoison))
			SetPageHWPoisonTakenOff(page);
		else
			free_one_block(pfn + i, 0);
	}
}

/* Flags no page may carry into the free lists: whoever used the page
 * must have undone them (Linux: PAGE_FLAGS_CHECK_AT_FREE, plus the
 * anonymous-page state that Linux encodes in page->mapping). */
#define PAGE_FLAGS_CHECK_AT_FREE                                                      \
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_writeback | 1UL << PG_slab |   \
	 1UL << PG_active | 1UL << PG_unevictable | 1UL << PG_mlocked |              \
	 1UL << PG_anon | 1UL << PG_swapbacked | 1UL << PG_swapcache | 1UL << PG_buddy | \
	 1UL << PG_pgtable)

/* What is wrong with a page about to be freed, or NULL (Linux:
 * page_bad_reason; as there, the last reason found is the one told). */
static const char *page_bad_reason(const struct page *page)
{
	const char *reason = NULL;

	if (page->mapcount != 0)
		reason = "nonzero mapcount";
	if (page->mapping)
		reason = "non-NULL mapping";
	if (page->flags & PAGE_FLAGS_CHECK_AT_FREE)
		reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	return reason;
}

/*
 * A page freed while something still thinks it owns it would be handed
 * out twice. Say so the way Linux does (bad_page) and keep the page off
 * the free lists for good: leaking one frame is better than corrupting
 * two users.
 */
static void bad_page(const struct page *page, const char *reason)
{
	char flags[160];

	printk(KERN_ALERT "BUG: Bad page state in process %s  pfn:%05lx\n",
		 current ? current->comm : "swapper", page_to_pfn(page));
	printk(KERN_ALERT "page:%p refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx\n",
		 (const void *)page, page->refcount, page->mapcount, page->mapping,
		 page->index, page_to_pfn(page));
	printk(KERN_ALERT "flags: %#lx(%s)\n", page->flags,
		 format_page_flags(flags, sizeof(flags), page->flags));
	printk(KERN_ALERT "page dumped because: %s\n", reason);
}

/* Undo prep_compound_page; false (after telling why) if a tail was not
 * the compound page's any more. */
static bool destroy_compound_page(struct page *head, unsigned int order)
{
	if (compound_order(head) != order) {
		bad_page(head, "wrong compound order");
		return false;
	}
	for (unsigned long i = 1; i < (1UL << order); i++) {
		if (compound_head(&head[i]) != head) {
			bad_page(&head[i], "corrupted compound_head");
			return false;
		}
		head[i].compound_head = 0;
		head[i].compound_order = 0;
		head[i].compound_dtor = 0;
		head[i].compound_mapcount = 0;
		/* A tail's own state (a file huge page's frames are each
		 * uptodate) is not the next owner's; poison and arming stay. */
		head[i].flags &= 1UL << PG_hwpoison | 1UL << PG_latent;
	}
	page_clear(head, PG_head);
	return true;
}

/* Armed frames that nobody found bad (mce/latent.c) are disarmed: their
 * next owner writes them before reading. A found one stays poisoned. */
static void disarm_latent(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (page_test(&page[i], PG_latent) && !page_test(&page[i], PG_hwpoison))
			latent_page_freed(&page[i]);
}

void free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	if (page_test(page, PG_reserved))
		panic("free_pages: pfn %#lx is reserved", pfn);
	if (page->refcount == 0)
		panic("free_pages: pfn %#lx is already free", pfn);
	if (page->refcount != 1)
		panic("free_pages: pfn %#lx is still in use (refcount %d)", pfn, page->refcount);
	if (pfn & ((1UL << order) - 1))
		panic("free_pages: pfn %#lx is not aligned to order %u", pfn, order);
	const char *reason = page_bad_reason(page);
	if (reason) {
		bad_page(page, reason);
		return;
	}
	if (page_test(page, PG_head) && !destroy_compound_page(page, order))
		return;
	disarm_latent(page, order);
	/* What the last user knew about the contents (dirty, uptodate...) is
	 * not the next user's; only poison stays (Linux: the flags cleared
	 * by free_pages_prepare). */
	page->flags &= 1UL << PG_hwpoison;
	page->refcount = 0;
	if (block_has_poison(pfn, order)) {
		free_around_poison(pfn, order);
		return;
	}
	free_one_block(pfn, order);
}

void free_page(struct page *page)
{
	free_pages(page, 0);
}

void get_page(struct page *page)
{
	compound_head(page)->refcount++;
}

/* Split the free block [pfn, pfn + 2^order) down to the single frame
 * `target`, putting every half that does not hold it back on the lists. */
static void break_down_buddy_pages(unsigned long pfn, unsigned int order,
				   unsigned long target)
{
	/* LAB 4: BEGIN */
	while (order > 0) {
		order--;
		unsigned long half = 1UL << order;
		if (target < pfn + half) {
			add_to_free_list(pfn_to_page(pfn + half), order);
		} else {
			add_to_free_list(pfn_to_page(pfn), order);
			pfn += half;
		}
	}
	/* LAB 4: STUB
	(void)pfn, (void)order, (void)target; // the block's other frames are lost for good
	   LAB 4: END */
}

struct page *buddy_free_block_of(const struct page *page)
{
	/* LAB 1: BEGIN */
	unsigned long pfn = page_to_pfn(page);

	/* The block's first frame is pfn rounded down to some order, and the
	 * block is at least that large. */
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *head = pfn_to_page(pfn & ~((1UL << order) - 1));
		if (page_test(head, PG_buddy) && head->private >= order)
			return head;
	}
	return NULL;
	/* LAB 1: STUB
	(void)page;
	return NULL; // as if no frame were ever free
	   LAB 1: END */
}

bool take_page_off_buddy(struct page *page)
{
	struct page *head = buddy_free_block_of(page);

	if (!head)
		return false;
	unsigned int order = (unsigned int)head->private;
	del_from_free_list(head, order);
	break_down_buddy_pages(page_to_pfn(head), order, page_to_pfn(page));
	SetPageHWPoisonTakenOff(page);
	return true;
}

bool put_page_back_buddy(struct page *page)
{
	if (!PageHWPoisonTakenOff(page))
		return false;
	page->private = 0;
	free_one_block(page_to_pfn(page), 0);
	return true;
}

unsigned long nr_free_pages(void)
{
	return zone.free_pages;
}
