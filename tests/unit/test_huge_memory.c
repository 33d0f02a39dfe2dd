/*
 * Transparent huge pages (mm/huge_memory.c) on fake page tables: the
 * fault's counts, fork's sharing, and split_huge_page's bookkeeping -
 * every PMD through the reverse map, the tails' state, references,
 * mapcounts and LRU counts - and the sysfs knob's format.
 */
#include <string.h>

#include "kernel/errno.h"
#include "kernel/panic.h"
#include "mm/buddy.h"
#include "mm/fault.h"
#include "mm/huge_mm.h"
#include "mm/khugepaged.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

/* An address space is one page directory (a real frame, whose struct
 * page holds the deposited tables) for [BASE, BASE + 8 * 2 MiB). */
#define BASE 0x40000000UL
#define PMDS 8

struct fake_mm {
	struct mm_struct mm;
	uint64_t *pd;
};

uint64_t *pte_alloc_one(void)
{
	struct page *page = alloc_pages(GFP_NOIO, 0);

	return page ? page_address(page) : NULL;
}

void pte_free(uint64_t *table)
{
	free_page(virt_to_page(table));
}

uint64_t *walk_pmd(uint64_t *pgd, unsigned long va, bool create)
{
	(void)create;
	if (va < BASE || va >= BASE + PMDS * HPAGE_PMD_SIZE)
		return NULL;
	return &pgd[(va - BASE) / HPAGE_PMD_SIZE];
}

uint64_t *walk_pte(uint64_t *pgd, unsigned long va, bool create)
{
	uint64_t *pmd = walk_pmd(pgd, va, create);

	if (!pmd || !(*pmd & PTE_PRESENT) || (*pmd & PTE_HUGE))
		return NULL;
	return (uint64_t *)__va(*pmd & PTE_ADDR_MASK) + ((va >> PAGE_SHIFT) & 511);
}

/* mm/khugepaged.c: no collapse daemon on the host. */
void khugepaged_enter_vma(struct vm_area_struct *vma)
{
	(void)vma;
}

void flush_tlb_page(struct mm_struct *mm, unsigned long va)
{
	(void)mm, (void)va;
}

uint64_t vm_page_prot(unsigned long vm_flags)
{
	return PTE_PRESENT | PTE_USER | (vm_flags & VM_WRITE ? PTE_WRITE : 0);
}

/* The page cache and swap-in map 4 KiB pages; these tests never fault one. */
void set_user_pte(struct mm_struct *mm, uint64_t *pte, struct page *page,
		  unsigned long vm_flags)
{
	(void)mm, (void)pte, (void)page, (void)vm_flags;
	panic("set_user_pte: not in these tests");
}

int map_user_page(struct mm_struct *mm, unsigned long va, struct page *page,
		  unsigned long vm_flags)
{
	(void)mm, (void)va, (void)page, (void)vm_flags;
	panic("map_user_page: not in these tests");
}

void unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	(void)mm, (void)start, (void)end;
	panic("unmap_range: not in these tests");
}

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	memset(vm_event_states, 0, sizeof(vm_event_states));
	memset(vm_node_stat, 0, sizeof(vm_node_stat));
}

static void fake_mm_init(struct fake_mm *f)
{
	*f = (struct fake_mm){ .pd = pte_alloc_one() };
	f->mm.pgd = f->pd;
	INIT_LIST_HEAD(&f->mm.mmap);
}

static void fake_vma_init(struct vm_area_struct *vma, struct fake_mm *f, unsigned long flags)
{
	*vma = (struct vm_area_struct){ .vm_start = BASE, .vm_end = BASE + PMDS * HPAGE_PMD_SIZE,
					.vm_flags = VM_READ | VM_WRITE | flags,
					.vm_pgoff = BASE >> PAGE_SHIFT, .vm_mm = &f->mm,
					.vm_ops = &anon_vm_ops };
}

static unsigned long anon_lru_pages(void)
{
	return lruvec.nr_pages[LRU_INACTIVE_ANON] + lruvec.nr_pages[LRU_ACTIVE_ANON];
}

/* A huge page at the second 2 MiB of f, from a write fault. */
static struct page *fault_huge(struct fake_mm *f, struct vm_area_struct *vma)
{
	unsigned long addr = BASE + HPAGE_PMD_SIZE + 0x1234;
	uint64_t *pmd = walk_pmd(f->pd, addr, true);

	if (huge_pmd_fault(vma, addr, pmd, true) || !pmd_trans_huge(*pmd))
		return NULL;
	return pfn_to_page(pmd_pfn(*pmd));
}

static void test_fault_maps_one_huge_page(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;

	setup();
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, VM_HUGEPAGE);
	CHECK(!anon_vma_prepare(&vma)); /* (its slab stays) */
	unsigned long free_before = nr_free_pages();
	struct page *head = fault_huge(&f, &vma);
	CHECK(head && PageTransHuge(head) && compound_order(head) == HPAGE_PMD_ORDER);
	CHECK(page_to_pfn(head) % HPAGE_PMD_NR == 0);
	CHECK(head->refcount == 1 && compound_mapcount(head) == 1 && page_mapcount(head + 7) == 1);
	CHECK(f.mm.rss == HPAGE_PMD_NR && anon_lru_pages() == HPAGE_PMD_NR);
	CHECK(global_node_page_state(NR_ANON_THPS) == HPAGE_PMD_NR);
	CHECK(vm_event_states[THP_FAULT_ALLOC] == 1);
	CHECK(head->index == (BASE + HPAGE_PMD_SIZE) >> PAGE_SHIFT);
	CHECK(follow_trans_huge_pmd(f.pd[1], BASE + HPAGE_PMD_SIZE + 5 * PAGE_SIZE) == head + 5);
	CHECK(f.pd[1] & PTE_DIRTY);
	/* Its deposited table hangs off the page directory. */
	CHECK(virt_to_page(f.pd)->private != 0);

	zap_huge_pmd(&f.mm, &f.pd[1], BASE + HPAGE_PMD_SIZE);
	CHECK(f.pd[1] == 0 && f.mm.rss == 0 && anon_lru_pages() == 0);
	CHECK(global_node_page_state(NR_ANON_THPS) == 0);
	CHECK(virt_to_page(f.pd)->private == 0);
	CHECK(nr_free_pages() == free_before); /* the page and the table are free */
}

static void test_only_where_the_policy_and_the_area_allow(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;
	uint64_t *pmd;

	setup();
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, 0);
	pmd = walk_pmd(f.pd, BASE, true);
	CHECK(hugepage_attrs[0].store("madvise", 7) == 7);
	CHECK(huge_pmd_fault(&vma, BASE, pmd, true) == VM_FAULT_FALLBACK && *pmd == 0);
	CHECK(hugepage_attrs[0].store("always", 6) == 6); /* the default */
	fake_vma_init(&vma, &f, VM_HUGEPAGE | VM_NOHUGEPAGE);
	CHECK(huge_pmd_fault(&vma, BASE, pmd, true) == VM_FAULT_FALLBACK);
	fake_vma_init(&vma, &f, VM_HUGEPAGE);
	vma.vm_end = BASE + HPAGE_PMD_SIZE - PAGE_SIZE; /* the 2 MiB not all inside */
	CHECK(huge_pmd_fault(&vma, BASE, pmd, true) == VM_FAULT_FALLBACK);
	vma.vm_end = BASE + HPAGE_PMD_SIZE;
	vma.vm_flags |= VM_SHARED;
	CHECK(huge_pmd_fault(&vma, BASE, pmd, true) == VM_FAULT_FALLBACK);
	CHECK(vm_event_states[THP_FAULT_ALLOC] == 0 && *pmd == 0);
}

/* fork, then the child's split: both PMDs become 512 PTEs of the same
 * frames, and the compound page 512 pages, each mapped twice. */
static void test_split_after_fork_splits_every_mapping(void)
{
	static struct fake_mm parent, child;
	struct vm_area_struct pv, cv;

	setup();
	fake_mm_init(&parent);
	fake_mm_init(&child);
	fake_vma_init(&pv, &parent, VM_HUGEPAGE);
	struct page *head = fault_huge(&parent, &pv);
	CHECK(!anon_vma_prepare(&pv));
	fake_vma_init(&cv, &child, VM_HUGEPAGE);
	anon_vma_link(&cv, &pv);
	CHECK(!copy_huge_pmd(&child.mm, &pv, &parent.pd[1], BASE + HPAGE_PMD_SIZE));
	CHECK(!(parent.pd[1] & PTE_WRITE) && !(child.pd[1] & PTE_WRITE));
	CHECK(head->refcount == 2 && compound_mapcount(head) == 2 && child.mm.rss == HPAGE_PMD_NR);
	CHECK(global_node_page_state(NR_ANON_THPS) == HPAGE_PMD_NR); /* one huge page */

	/* The child writes: the page is shared, so it is split. */
	CHECK(huge_pmd_fault(&cv, BASE + HPAGE_PMD_SIZE + 3 * PAGE_SIZE, &child.pd[1], true) ==
	      VM_FAULT_FALLBACK);
	CHECK(!pmd_trans_huge(parent.pd[1]) && !pmd_trans_huge(child.pd[1]));
	CHECK(!page_test(head, PG_head) && compound_head(head + 100) == head + 100);
	bool ok = true;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;
		uint64_t *ppte = walk_pte(parent.pd, BASE + HPAGE_PMD_SIZE + i * PAGE_SIZE, false);
		uint64_t *cpte = walk_pte(child.pd, BASE + HPAGE_PMD_SIZE + i * PAGE_SIZE, false);
		ok &= p->mapcount == 2 && p->refcount == 2 && page_test(p, PG_anon) &&
		      page_test(p, PG_lru) && p->mapping == head->mapping &&
		      p->index == head->index + i && ppte && cpte && pte_pfn(*ppte) == page_to_pfn(p) &&
		      pte_pfn(*cpte) == page_to_pfn(p) && !(*cpte & PTE_WRITE) && (*ppte & PTE_DIRTY);
	}
	CHECK(ok);
	CHECK(anon_lru_pages() == HPAGE_PMD_NR && parent.mm.rss == HPAGE_PMD_NR);
	CHECK(global_node_page_state(NR_ANON_THPS) == 0);
	CHECK(vm_event_states[THP_SPLIT_PMD] == 2 && vm_event_states[THP_SPLIT_PAGE] == 1);
	CHECK(virt_to_page(parent.pd)->private == 0 && virt_to_page(child.pd)->private == 0);
}

static void test_split_fails_while_someone_else_holds_it(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;

	setup();
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, VM_HUGEPAGE);
	struct page *head = fault_huge(&f, &vma);
	get_page(head); /* the caller's */
	get_page(head); /* somebody else's */
	CHECK(split_huge_page(head + 9) == -EBUSY);
	CHECK(PageTransHuge(head) && pmd_trans_huge(f.pd[1]) && compound_mapcount(head) == 1);
	put_page(head);
	CHECK(split_huge_page(head + 9) == 0);
	/* The caller's reference is the page's it named now. */
	CHECK(head[9].refcount == 2 && head[8].refcount == 1 && head->refcount == 1);
	put_page(head + 9);
}

/* Reclaim has the head isolated: the tails join its list, each with a
 * reference of the list's, and the LRU counts follow them off. */
static void test_split_of_an_isolated_page_fills_the_list(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;
	struct list_head list = LIST_HEAD_INIT(list);

	setup();
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, VM_HUGEPAGE);
	struct page *head = fault_huge(&f, &vma);
	CHECK(!isolate_lru_page(head) && anon_lru_pages() == 0);
	CHECK(split_huge_page_to_list(head, &list) == 0);
	unsigned long n = 0;
	bool ok = true;
	for (struct list_head *l = list.next; l != &list; l = l->next, n++) {
		struct page *p = list_entry(l, struct page, lru);
		ok &= p > head && p < head + HPAGE_PMD_NR && p->refcount == 2 && p->mapcount == 1 &&
		      !page_test(p, PG_lru);
	}
	CHECK(ok && n == HPAGE_PMD_NR - 1 && head->refcount == 2);
	CHECK(anon_lru_pages() == 0);
}

static void test_the_enabled_knob(void)
{
	const struct kobj_attribute *enabled = &hugepage_attrs[0];
	char buf[64];

	CHECK(!strcmp(enabled->name, "enabled"));
	CHECK(enabled->show(buf, sizeof(buf)) == 23 && !strcmp(buf, "[always] madvise never\n"));
	CHECK(enabled->store("sometimes", 9) == -EINVAL);
	CHECK(enabled->store("never\n", 6) == 6);
	enabled->show(buf, sizeof(buf));
	CHECK(!strcmp(buf, "always madvise [never]\n"));
	CHECK(enabled->store("always", 6) == 6);
	CHECK(hugepage_attrs[1].show(buf, sizeof(buf)) > 0 &&
	      !strcmp(buf, "always defer defer+madvise [madvise] never\n"));
}

int main(void)
{
	RUN(test_fault_maps_one_huge_page);
	RUN(test_only_where_the_policy_and_the_area_allow);
	RUN(test_split_after_fork_splits_every_mapping);
	RUN(test_split_fails_while_someone_else_holds_it);
	RUN(test_split_of_an_isolated_page_fills_the_list);
	RUN(test_the_enabled_knob);
	return finish("huge_memory");
}
