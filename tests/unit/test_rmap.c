/*
 * The reverse map (mm/rmap.c) on fake page tables: from a page to every
 * (area, address) that maps it - across areas that share an anon_vma
 * after fork, across the halves of a split area, and through a file's
 * i_mmap - and nowhere else.
 */
#include "kernel/errno.h"
#include <string.h>

#include "mm/buddy.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "tests/unit/fake_pgtable.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define MAX_SEEN 8

static struct seen {
	int n;
	struct vm_area_struct *vma[MAX_SEEN];
	unsigned long addr[MAX_SEEN];
} seen;

static void record(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	(void)pte, (void)arg;
	if (seen.n < MAX_SEEN) {
		seen.vma[seen.n] = vma;
		seen.addr[seen.n] = addr;
	}
	seen.n++;
}

static void walk(struct page *page, bool hwpoison_entries)
{
	struct rmap_walk_control rwc = { .rmap_one = record, .hwpoison_entries = hwpoison_entries };

	seen.n = 0;
	rmap_walk(page, &rwc);
}

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
}

/* fork(): the child's copy of the area joins the parent's anon_vma, so a
 * page they share is found in both, at the same address. */
static void test_page_shared_after_fork_is_found_in_both(void)
{
	static struct fake_mm parent, child;
	struct vm_area_struct pv, cv;
	unsigned long addr = FAKE_BASE + 5 * PAGE_SIZE;

	setup();
	fake_mm_init(&parent);
	fake_mm_init(&child);
	fake_vma_init(&pv, &parent, FAKE_BASE, FAKE_BASE + 16 * PAGE_SIZE);
	CHECK(anon_vma_prepare(&pv) == 0);
	cv = pv;
	cv.vm_mm = &child.mm;
	anon_vma_link(&cv, &pv);
	CHECK(cv.anon_vma == pv.anon_vma && pv.anon_vma->refcount == 2);

	struct page *page = alloc_page();
	page_add_new_anon_rmap(page, &pv, addr);
	CHECK(page_test(page, PG_anon) && page->mapping == pv.anon_vma);
	CHECK(page->index == addr >> PAGE_SHIFT && vma_address(page, &cv) == addr);
	fake_map(&parent, addr, page);
	walk(page, false);
	CHECK(seen.n == 1 && seen.vma[0] == &pv && seen.addr[0] == addr);
	fake_map(&child, addr, page);
	get_page(page);
	walk(page, false);
	CHECK(seen.n == 2 && seen.vma[0] == &pv && seen.vma[1] == &cv);
	CHECK(seen.addr[0] == addr && seen.addr[1] == addr);

	/* Another frame at that address in the child (after copy-on-write)
	 * is not this page. */
	*walk_pte(child.mm.pgd, addr, false) = (uint64_t)(page_to_pfn(page) + 1) << PAGE_SHIFT |
					       PTE_PRESENT;
	walk(page, false);
	CHECK(seen.n == 1 && seen.vma[0] == &pv);
	anon_vma_unlink(&cv);
	anon_vma_unlink(&pv); /* the last area: the anon_vma goes (ASan checks) */
}

/* A split keeps both halves on the anon_vma and vm_pgoff names the same
 * pages, so a page is found in the half that holds it, and only there. */
static void test_split_area_finds_the_page_in_its_half(void)
{
	static struct fake_mm f;
	struct vm_area_struct head, tail;
	unsigned long addr = FAKE_BASE + 3 * PAGE_SIZE;

	setup();
	fake_mm_init(&f);
	fake_vma_init(&head, &f, FAKE_BASE, FAKE_BASE + 4 * PAGE_SIZE);
	CHECK(anon_vma_prepare(&head) == 0);
	struct page *page = alloc_page();
	page_add_new_anon_rmap(page, &head, addr);
	fake_map(&f, addr, page);

	/* Split at page 2, as mm/mmap.c does. */
	tail = head;
	tail.vm_start = FAKE_BASE + 2 * PAGE_SIZE;
	tail.vm_pgoff += 2;
	head.vm_end = tail.vm_start;
	anon_vma_link(&tail, &head);

	CHECK(vma_address(page, &head) == (unsigned long)-EFAULT);
	CHECK(vma_address(page, &tail) == addr);
	walk(page, false);
	CHECK(seen.n == 1 && seen.vma[0] == &tail && seen.addr[0] == addr);

	/* Below the area's first page: the unsigned difference wraps. */
	page->index = head.vm_pgoff - 1;
	CHECK(vma_address(page, &head) == (unsigned long)-EFAULT);
	CHECK(vma_address(page, &tail) == (unsigned long)-EFAULT);
	anon_vma_unlink(&tail);
	anon_vma_unlink(&head);
}

/* A hwpoison entry holding the page's frame number is where the page
 * was: found only when asked for. */
static void test_hwpoison_entries_only_when_asked(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;
	unsigned long addr = FAKE_BASE + 7 * PAGE_SIZE;

	setup();
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, FAKE_BASE, FAKE_BASE + 8 * PAGE_SIZE);
	CHECK(anon_vma_prepare(&vma) == 0);
	struct page *page = alloc_page();
	page_add_new_anon_rmap(page, &vma, addr);
	*walk_pte(f.mm.pgd, addr, false) = make_hwpoison_entry(page_to_pfn(page));
	walk(page, false);
	CHECK(seen.n == 0);
	walk(page, true);
	CHECK(seen.n == 1 && seen.addr[0] == addr);
	*walk_pte(f.mm.pgd, addr, false) = make_hwpoison_entry(page_to_pfn(page) + 1);
	walk(page, true);
	CHECK(seen.n == 0);

	/* A kept page keeps its anon_vma after the area is gone. */
	get_anon_vma(page->mapping);
	anon_vma_unlink(&vma);
	walk(page, true);
	CHECK(seen.n == 0);
	put_anon_vma(page->mapping);
}

/* A page-cache page is found through its file's i_mmap with the same
 * code: vm_pgoff is the file page the area starts at. */
static void test_file_page_through_i_mmap(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;
	struct address_space mapping;

	setup();
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, FAKE_BASE, FAKE_BASE + 8 * PAGE_SIZE);
	vma.vm_pgoff = 10; /* the area maps the file from its page 10 */
	INIT_LIST_HEAD(&mapping.i_mmap);
	struct page *page = alloc_page();
	page->mapping = &mapping;
	page->index = 12;
	fake_map(&f, FAKE_BASE + 2 * PAGE_SIZE, page);
	CHECK(page_mapping(page) == &mapping);
	walk(page, false);
	CHECK(seen.n == 0); /* nobody on i_mmap yet */
	list_add(&vma.shared, &mapping.i_mmap);
	walk(page, false);
	CHECK(seen.n == 1 && seen.vma[0] == &vma && seen.addr[0] == FAKE_BASE + 2 * PAGE_SIZE);
}

/* Kernel pages have no reverse map; a slab's slab_cache shares the word
 * with mapping and must not be taken for one. */
static void test_kernel_pages_are_not_walked(void)
{
	setup();
	void *obj = kmalloc(64);
	struct page *slab = virt_to_page(obj);
	CHECK(page_test(slab, PG_slab) && slab->mapping != NULL);
	CHECK(page_mapping(slab) == NULL);
	walk(slab, true);
	CHECK(seen.n == 0);
	kfree(obj);
	walk(alloc_page(), true);
	CHECK(seen.n == 0);
}

/* A user page's life on the LRU lists: on the inactive anon list from
 * its first mapping, off it when its last user lets go, counts back to
 * where they were. */
static void test_anon_page_leaves_its_lru_list(void)
{
	static struct fake_mm f;
	struct vm_area_struct vma;
	unsigned long before[NR_LRU_LISTS];

	setup();
	memcpy(before, lruvec.nr_pages, sizeof(before));
	fake_mm_init(&f);
	fake_vma_init(&vma, &f, FAKE_BASE, FAKE_BASE + 8 * PAGE_SIZE);
	CHECK(anon_vma_prepare(&vma) == 0);
	struct page *page = alloc_page();
	page_add_new_anon_rmap(page, &vma, FAKE_BASE);
	lru_cache_add(page);
	CHECK(page_test(page, PG_lru) && page_lru(page) == LRU_INACTIVE_ANON);
	CHECK(lruvec.nr_pages[LRU_INACTIVE_ANON] == before[LRU_INACTIVE_ANON] + 1);
	/* As mm/pgtable.c releases a page whose last mapping goes. */
	page_remove_anon(page);
	put_page(page);
	CHECK(memcmp(before, lruvec.nr_pages, sizeof(before)) == 0);
	CHECK(buddy_free_block_of(page) != NULL);
	anon_vma_unlink(&vma);
}

int main(void)
{
	RUN(test_page_shared_after_fork_is_found_in_both);
	RUN(test_split_area_finds_the_page_in_its_half);
	RUN(test_hwpoison_entries_only_when_asked);
	RUN(test_file_page_through_i_mmap);
	RUN(test_kernel_pages_are_not_walked);
	RUN(test_anon_page_leaves_its_lru_list);
	return finish("unit rmap");
}
