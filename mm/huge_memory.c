/*
 * Transparent huge pages (mm/huge_mm.h): the fault, fork, unmap and
 * mprotect of a PMD-mapped huge page, and its split into 512 ordinary
 * pages; for a file's huge page (made by mm/khugepaged.c:collapse_file)
 * its PMD mapping at a fault too.
 *
 * Counting, as Linux's: a PMD mapping counts in the first tail's
 * compound_mapcount and holds one reference on the head; the area's mm
 * counts 512 resident pages; AnonHugePages (NR_ANON_THPS) and
 * FilePmdMapped (NR_FILE_PMDMAPPED) count huge pages with at least one
 * PMD mapping. On the LRU the head stands for all 512 frames. A file's
 * huge page holds one more reference, the page cache's, for all 512.
 */
#include "mm/huge_mm.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/fault.h"
#include "mm/khugepaged.h"
#include "mm/pagemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

/* /sys/kernel/mm/transparent_hugepage/enabled and defrag. "always", as
 * Debian 12's Linux 6.1 (built with TRANSPARENT_HUGEPAGE_ALWAYS): every
 * private anonymous area that has room, unless it said MADV_NOHUGEPAGE. */
enum thp_enabled { THP_ALWAYS, THP_MADVISE, THP_NEVER };
static enum thp_enabled thp_enabled = THP_ALWAYS;

static const char *const enabled_names[] = { "always", "madvise", "never" };
/* Linux's defrag choices; without compaction only the setting is kept. */
static const char *const defrag_names[] = { "always", "defer", "defer+madvise", "madvise",
					    "never" };
static unsigned thp_defrag = 3; /* madvise */

/* Linux 6.1's test for READ_ONLY_THP_FOR_FS: text of a file in a page
 * cache that can read it again, which nobody may write meanwhile -
 * opening the file for writing drops its huge pages (fs/open.c). */
bool file_thp_enabled(const struct vm_area_struct *vma)
{
	const struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;

	return inode && vma->vm_ops == &generic_file_vm_ops && (vma->vm_flags & VM_EXEC) &&
	       S_ISREG(inode->i_mode) && inode->i_writecount == 0;
}

bool hugepage_vma_ok(const struct vm_area_struct *vma, bool madvise_collapse)
{
	if (vma->vm_flags & VM_NOHUGEPAGE)
		return false;
	if (vma->vm_ops == &anon_vm_ops ? (vma->vm_flags & VM_SHARED) : !file_thp_enabled(vma))
		return false;
	return madvise_collapse || thp_enabled == THP_ALWAYS ||
	       (thp_enabled == THP_MADVISE && (vma->vm_flags & VM_HUGEPAGE));
}

/* Is the aligned 2 MiB around addr wholly inside vma? */
static bool pmd_range_inside(const struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;

	return haddr >= vma->vm_start && haddr + HPAGE_PMD_SIZE <= vma->vm_end;
}

bool file_pmd_aligned(const struct vm_area_struct *vma)
{
	return ((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) % HPAGE_PMD_NR == 0;
}

bool transhuge_vma_suitable(const struct vm_area_struct *vma, unsigned long addr)
{
	if (vma->vm_file && !file_pmd_aligned(vma))
		return false;
	return pmd_range_inside(vma, addr) && hugepage_vma_ok(vma, false);
}

/*
 * Each PMD mapping keeps a page table in reserve (Linux:
 * pgtable_trans_huge_deposit), so that turning it into 512 PTEs never
 * needs memory. The reserve hangs off the page directory's struct page,
 * a stack linked through the tables' own private words.
 */
static struct page *pmd_table_page(uint64_t *pmd)
{
	return virt_to_page((void *)((uintptr_t)pmd & PAGE_MASK));
}

void pgtable_trans_huge_deposit(uint64_t *pmd, uint64_t *table)
{
	struct page *pd = pmd_table_page(pmd), *pt = virt_to_page(table);

	pt->private = pd->private;
	pd->private = (unsigned long)pt;
}

static uint64_t *pgtable_trans_huge_withdraw(uint64_t *pmd)
{
	struct page *pd = pmd_table_page(pmd), *pt = (struct page *)pd->private;

	pd->private = pt->private;
	pt->private = 0;
	return page_address(pt);
}

/* The first and the last PMD mapping change AnonHugePages, or a file's
 * FilePmdMapped. */
static enum node_stat_item pmdmapped_item(const struct page *head)
{
	return page_test(head, PG_anon) ? NR_ANON_THPS : NR_FILE_PMDMAPPED;
}

void thp_map_pmd(struct page *head)
{
	if (head[1].compound_mapcount++ == 0)
		mod_node_page_state(pmdmapped_item(head), (long)HPAGE_PMD_NR);
}

static void thp_unmap_pmd(struct page *head)
{
	if (--head[1].compound_mapcount == 0)
		mod_node_page_state(pmdmapped_item(head), -(long)HPAGE_PMD_NR);
}

/* A fresh zeroed huge page at the empty PMD (Linux: do_huge_pmd_anonymous_page);
 * VM_FAULT_FALLBACK if there is none to be had. */
static int do_huge_pmd_anonymous_page(struct vm_area_struct *vma, unsigned long addr,
				      uint64_t *pmd)
{
	unsigned long haddr = addr & HPAGE_PMD_MASK;

	if (anon_vma_prepare(vma))
		return -ENOMEM;
	uint64_t *table = pte_alloc_one();
	if (!table)
		return -ENOMEM;
	struct page *page = alloc_pages(__GFP_NO_KSWAPD | __GFP_MOVABLE | __GFP_COMP | __GFP_ZERO,
					HPAGE_PMD_ORDER);
	if (!page) {
		pte_free(table);
		count_vm_event(THP_FAULT_FALLBACK);
		return VM_FAULT_FALLBACK;
	}
	/* The table's allocation may have slept, and another thread's fault
	 * filled the PMD meanwhile (Linux: the pmd_none check under the
	 * lock): the fault is retried. */
	if (*pmd) {
		pte_free(table);
		put_page(page);
		return 0;
	}
	prep_transhuge_page(page);
	page_add_new_anon_rmap(page, vma, haddr);
	lru_cache_add(page);
	thp_map_pmd(page);
	vma->vm_mm->rss += HPAGE_PMD_NR;
	pgtable_trans_huge_deposit(pmd, table);
	/* Dirty from the start, as do_anonymous_page's: its only copy. */
	*pmd = ((uint64_t)page_to_pfn(page) << PAGE_SHIFT) | vm_page_prot(vma->vm_flags) |
	       PTE_HUGE | (vma->vm_flags & VM_WRITE ? PTE_DIRTY : 0);
	count_vm_event(THP_FAULT_ALLOC);
	return 0;
}

/*
 * A write to a write-protected huge page (Linux 6.1: do_huge_pmd_wp_page):
 * if this mapping is its only user it becomes writable again; otherwise
 * the page is split and the 4 KiB copy-on-write copies only the page
 * written.
 */
static int do_huge_pmd_wp_page(struct vm_area_struct *vma, unsigned long addr, uint64_t *pmd)
{
	struct page *head = pfn_to_page(pmd_pfn(*pmd));

	if (compound_mapcount(head) == 1 && head->refcount == 1) {
		*pmd |= PTE_WRITE | PTE_DIRTY | PTE_ACCESSED;
		flush_tlb_page(vma->vm_mm, addr);
		return 0;
	}
	split_huge_pmd(vma, pmd, addr);
	return VM_FAULT_FALLBACK;
}

int huge_pmd_fault(struct vm_area_struct *vma, unsigned long addr, uint64_t *pmd, bool write)
{
	khugepaged_enter_vma(vma); /* small pages here may be collapsed later */
	/* (A file's huge pages come only from the collapse daemon.) */
	if (!*pmd && vma->vm_ops == &anon_vm_ops && transhuge_vma_suitable(vma, addr))
		return do_huge_pmd_anonymous_page(vma, addr, pmd);
	if (!pmd_trans_huge(*pmd))
		return VM_FAULT_FALLBACK;
	if (write && !(*pmd & PTE_WRITE))
		return do_huge_pmd_wp_page(vma, addr, pmd);
	return 0; /* mapped already: another thread's fault was first */
}

struct page *follow_trans_huge_pmd(uint64_t pmd, unsigned long addr)
{
	return pfn_to_page(pmd_pfn(pmd) + ((addr & ~HPAGE_PMD_MASK) >> PAGE_SHIFT));
}

int copy_huge_pmd(struct mm_struct *dst, struct vm_area_struct *vma, uint64_t *src_pmd,
		  unsigned long addr)
{
	uint64_t *dst_pmd = walk_pmd(dst->pgd, addr, true);
	uint64_t *table = pte_alloc_one();

	if (!dst_pmd || !table) {
		if (table)
			pte_free(table);
		return -ENOMEM;
	}
	/* The allocations may have slept, and memory_failure split the page
	 * meanwhile: the walk copies its PTEs instead. */
	if (!pmd_trans_huge(*src_pmd)) {
		pte_free(table);
		return 0;
	}
	struct page *head = pfn_to_page(pmd_pfn(*src_pmd));
	/* (A private area: shared anonymous ones never have huge pages, and
	 * a file's are never writable.) */
	if (vma->vm_flags & VM_WRITE)
		*src_pmd &= ~PTE_WRITE;
	pgtable_trans_huge_deposit(dst_pmd, table);
	*dst_pmd = *src_pmd & ~PTE_ACCESSED;
	get_page(head);
	thp_map_pmd(head);
	dst->rss += HPAGE_PMD_NR;
	return 0;
}

void zap_huge_pmd(struct mm_struct *mm, uint64_t *pmd, unsigned long addr)
{
	struct page *head = pfn_to_page(pmd_pfn(*pmd));

	if (*pmd & PTE_DIRTY)
		page_set(head, PG_dirty);
	*pmd = 0;
	flush_tlb_page(mm, addr);
	pte_free(pgtable_trans_huge_withdraw(pmd));
	thp_unmap_pmd(head);
	mm->rss -= HPAGE_PMD_NR;
	put_page(head); /* the last one ends its anonymous life too */
}

void change_huge_pmd(struct vm_area_struct *vma, uint64_t *pmd, unsigned long addr)
{
	struct page *head = pfn_to_page(pmd_pfn(*pmd));
	unsigned long vm_flags = vma->vm_flags;

	if (compound_mapcount(head) > 1 || !page_test(head, PG_anon))
		vm_flags &= ~VM_WRITE; /* shared after fork, or the file's: a write copies */
	*pmd = (*pmd & (PTE_ADDR_MASK | PTE_ACCESSED | PTE_DIRTY)) | PTE_HUGE | vm_page_prot(vm_flags);
	flush_tlb_page(vma->vm_mm, addr);
}

/* One PMD mapping of the huge page becomes 512 PTEs with the same bits,
 * in the page table it deposited (Linux: __split_huge_pmd_locked). Each
 * PTE holds a reference, as each PTE of a small page does. */
static void split_pmd_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pmd,
			  void *arg)
{
	struct page *head = pfn_to_page(pmd_pfn(*pmd));
	uint64_t bits = *pmd & ~(PTE_ADDR_MASK | PTE_HUGE);
	uint64_t *table = pgtable_trans_huge_withdraw(pmd);

	(void)arg;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		table[i] = ((uint64_t)(page_to_pfn(head) + i) << PAGE_SHIFT) | bits;
		head[i].mapcount++;
	}
	*pmd = __pa(table) | PTE_PRESENT | PTE_WRITE | PTE_USER;
	flush_tlb_page(vma->vm_mm, addr);
	head->refcount += HPAGE_PMD_NR - 1;
	thp_unmap_pmd(head);
	count_vm_event(THP_SPLIT_PMD);
}

/* What a tail takes over from the head when the page is split. */
#define F(bit) (1UL << (bit))
#define TAIL_INHERITS                                                                 \
	(F(PG_anon) | F(PG_swapbacked) | F(PG_dirty) | F(PG_uptodate) | F(PG_active) | \
	 F(PG_referenced) | F(PG_mlocked) | F(PG_unevictable) | F(PG_lru))

/* A file's huge page leaves the page cache's count of them; its 512
 * frames stay in the cache, each at its index already. */
static void split_page_cache_thp(struct page *head)
{
	struct address_space *mapping = head->mapping;

	mapping->nr_thps--;
	mod_node_page_state(NR_FILE_THPS, -(long)HPAGE_PMD_NR);
}

/* The compound page, no longer PMD-mapped anywhere, becomes 512 pages
 * (Linux: __split_huge_page). Each page of a file's keeps a reference of
 * the page cache's. */
static void __split_huge_page(struct page *head, struct page *page, struct list_head *list)
{
	unsigned long inherit = head->flags & TAIL_INHERITS;
	bool on_lru = page_test(head, PG_lru);
	int cached = !page_test(head, PG_anon);

	if (cached)
		split_page_cache_thp(head);
	page_clear(head, PG_head);
	/* From the last, so that the tails follow the head in order. */
	for (unsigned long i = HPAGE_PMD_NR - 1; i > 0; i--) {
		struct page *tail = head + i;

		tail->compound_head = 0;
		tail->compound_order = 0;
		tail->compound_dtor = 0;
		tail->compound_mapcount = 0;
		tail->flags = (tail->flags & F(PG_hwpoison)) | inherit;
		tail->mapping = head->mapping;
		tail->index = head->index + i;
		tail->private = 0;
		tail->refcount = tail->mapcount + (tail == page) + cached;
		if (on_lru) {
			list_add(&tail->lru, &head->lru); /* the head counted for it */
		} else if (list) {
			list_add_tail(&tail->lru, list);
			tail->refcount++;
		} else if (tail->refcount) {
			lru_cache_add(tail);
		}
		if (!tail->refcount) { /* mapped nowhere, held by nobody */
			page_remove_anon(tail);
			free_page(tail);
		}
	}
	head->refcount = head->mapcount + (head == page) + cached;
	count_vm_event(THP_SPLIT_PAGE);
}

int split_huge_page_to_list(struct page *page, struct list_head *list)
{
	struct page *head = compound_head(page);
	struct rmap_walk_control rwc = { .rmap_one = split_pmd_one };

	int cached = !page_test(head, PG_anon);

	if (!PageTransHuge(head) || head->refcount != compound_mapcount(head) + 1 + cached)
		return -EBUSY;
	rmap_walk(head, &rwc);
	if (compound_mapcount(head)) {
		/* A PMD the reverse map could not find: leave it whole. */
		pr_err("split_huge_page: pfn %#lx: %d mappings not found\n", page_to_pfn(head),
		       compound_mapcount(head));
		return -EBUSY;
	}
	__split_huge_page(head, page, list);
	return 0;
}

static bool pte_table_empty(const uint64_t *table)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		if (!pte_none(table[i]))
			return false;
	return true;
}

int do_set_pmd(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	struct page *head = compound_head(page);
	unsigned long haddr = addr & HPAGE_PMD_MASK;

	if (!pmd_range_inside(vma, addr) || linear_page_index(vma, haddr) != head->index)
		return VM_FAULT_FALLBACK; /* the area does not map the whole page, aligned */
	uint64_t *pmd = walk_pmd(vma->vm_mm->pgd, haddr, false);
	if (!pmd || pmd_trans_huge(*pmd) || !(*pmd & PTE_PRESENT))
		return VM_FAULT_FALLBACK;
	/* The fault made the page table; empty, it becomes the PMD's reserve.
	 * With anything in it (a private copy, a hwpoison entry) the huge
	 * page cannot be mapped here. */
	uint64_t *table = __va(*pmd & PTE_ADDR_MASK);
	if (!pte_table_empty(table))
		return VM_FAULT_FALLBACK;
	pgtable_trans_huge_deposit(pmd, table);
	/* Read-only, whatever the area allows: a write copies (after a split). */
	*pmd = ((uint64_t)page_to_pfn(head) << PAGE_SHIFT) |
	       vm_page_prot(vma->vm_flags & ~VM_WRITE) | PTE_HUGE | PTE_ACCESSED;
	flush_tlb_page(vma->vm_mm, haddr); /* (the table was in the paging-structure caches) */
	thp_map_pmd(head);
	vma->vm_mm->rss += HPAGE_PMD_NR;
	count_vm_event(THP_FILE_MAPPED);
	return 0; /* the lookup's reference is the mapping's now */
}

void split_huge_pmd(struct vm_area_struct *vma, uint64_t *pmd, unsigned long addr)
{
	struct page *head = pfn_to_page(pmd_pfn(*pmd));

	(void)vma;
	get_page(head);
	if (split_huge_page(head))
		pr_warn("split_huge_pmd: %#lx: huge page in use, left whole\n", addr);
	put_page(head);
}

void vma_adjust_trans_huge(struct vm_area_struct *vma, unsigned long addr)
{
	if (!(addr & ~HPAGE_PMD_MASK))
		return;
	uint64_t *pmd = walk_pmd(vma->vm_mm->pgd, addr, false);
	if (pmd && pmd_trans_huge(*pmd))
		split_huge_pmd(vma, pmd, addr);
}

/* ---- /sys/kernel/mm/transparent_hugepage ------------------------------ */

/* "always [madvise] never\n": the choices, the current one bracketed. */
static long show_choice(char *buf, size_t size, const char *const *names, unsigned n,
			unsigned cur)
{
	size_t len = 0;

	for (unsigned i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, i == cur ? "%s[%s]" : "%s%s",
					i ? " " : "", names[i]);
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "\n");
	return (long)MIN(len, size);
}

/* One of the names, with or without a newline (Linux: sysfs_streq);
 * -EINVAL and nothing changed otherwise. */
static int store_choice(const char *buf, size_t count, const char *const *names, unsigned n)
{
	if (count && buf[count - 1] == '\n')
		count--;
	for (unsigned i = 0; i < n; i++)
		if (strlen(names[i]) == count && !memcmp(buf, names[i], count))
			return (int)i;
	return -EINVAL;
}

static long enabled_show(char *buf, size_t size)
{
	return show_choice(buf, size, enabled_names, ARRAY_SIZE(enabled_names), thp_enabled);
}

static long enabled_store(const char *buf, size_t count)
{
	int i = store_choice(buf, count, enabled_names, ARRAY_SIZE(enabled_names));

	if (i < 0)
		return i;
	thp_enabled = (enum thp_enabled)i;
	return (long)count;
}

static long defrag_show(char *buf, size_t size)
{
	return show_choice(buf, size, defrag_names, ARRAY_SIZE(defrag_names), thp_defrag);
}

static long defrag_store(const char *buf, size_t count)
{
	int i = store_choice(buf, count, defrag_names, ARRAY_SIZE(defrag_names));

	if (i < 0)
		return i;
	thp_defrag = (unsigned)i;
	return (long)count;
}

const struct kobj_attribute hugepage_attrs[] = {
	{ "enabled", enabled_show, enabled_store },
	{ "defrag", defrag_show, defrag_store },
};
const size_t nr_hugepage_attrs = ARRAY_SIZE(hugepage_attrs);
