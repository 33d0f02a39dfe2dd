/*
 * User page tables: every process has its own PML4. Its upper half (the
 * kernel: direct map and kernel image) points at the same tables in every
 * process, so switching address spaces never changes the kernel's view.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include "mm/mm_types.h"
#include "mm/page.h"
#include "mm/paging.h"

void pgtable_init(void);          /* remember the kernel's PML4 */
/* Frames holding user page tables (meminfo's PageTables). */
extern unsigned long nr_pagetable_pages;
uint64_t *pgd_alloc(void);        /* a PML4 with the kernel half filled in */
/* Free every user page and page table of mm, and the PML4. */
void pgd_free(struct mm_struct *mm);

/* A page-table page (zeroed, counted in nr_pagetable_pages; never
 * sleeps), and its release. */
uint64_t *pte_alloc_one(void);
void pte_free(uint64_t *table);
/* The PTE for va, creating missing tables if create; NULL if absent (or
 * out of memory), or if a huge page maps va (mm/huge_mm.h). */
uint64_t *walk_pte(uint64_t *pgd, unsigned long va, bool create);
/* The page-directory entry for va (Linux: pmd_alloc), the same way; it
 * may be empty, point at a page table, or map a huge page itself. */
uint64_t *walk_pmd(uint64_t *pgd, unsigned long va, bool create);
/* The page-directory entry for the 2 MiB at addr, with the levels above
 * it made if missing (Linux: huge_pte_alloc): where a hugetlb page is
 * mapped (mm/hugetlb_fault.c); an empty page table left there by an
 * earlier mapping is freed. NULL when out of memory. */
uint64_t *huge_pte_alloc(struct mm_struct *mm, unsigned long addr);
/*
 * A page in a PROT_NONE area stays in memory, but its PTE has the present
 * bit clear, so that every access faults - from user mode, and the
 * kernel's copy_from_user too - and the fault handler, finding that the
 * area allows nothing, answers SEGV_ACCERR or -EFAULT. The frame number
 * stays, and this bit (the global bit, which user PTEs never need: Linux's
 * _PAGE_PROTNONE is the same) says there is a page: so the kernel asks
 * pte_present(), never the CPU's present bit, whether a PTE maps a page.
 */
#define PTE_PROTNONE PTE_GLOBAL

/*
 * A mapping of a frame the emulated memory controller has armed
 * (mce/latent.c): the page is there (pte_present, mapcount, rmap all as
 * before), but the CPU's present bit is clear, so that any access faults
 * and the fault handler can report it as the machine check that real
 * memory would raise. Like PROT_NONE's, and with this software bit
 * besides, so that the two are told apart.
 */
#define PTE_LATENT PTE_SOFTW1

/* The PTE bits that give user mode an area's rights (Linux:
 * vm_get_page_prot): for PROT_NONE, PTE_PROTNONE instead of present. */
uint64_t vm_page_prot(unsigned long vm_flags);
/* The PTE mapping page with those rights (Linux: mk_pte); an armed
 * frame's is made to fault (PTE_LATENT). */
uint64_t mk_pte(const struct page *page, unsigned long vm_flags);
/* Point the empty PTE pte of mm at page, with PTE bits from vm_flags,
 * and count the mapping (Linux: set_pte_at and the rss counter). */
void set_user_pte(struct mm_struct *mm, uint64_t *pte, struct page *page,
		  unsigned long vm_flags);
/* Map page at va with PTE bits from vm_flags; -ENOMEM if no table,
 * -EEXIST if something is mapped there already: a fault that slept (for
 * the page's lock, its read, reclaim) lost the race to another thread of
 * the process, whose mapping stands. */
int map_user_page(struct mm_struct *mm, unsigned long va, struct page *page,
		  unsigned long vm_flags);
/* Unmap and release the user pages of the areas in [start, end). */
void unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end);
/* After munmap of [start, end): free the page tables there that no area
 * overlaps any more (Linux: free_pgtables; the higher levels stay until
 * exit), so that a later mapping there may have a huge page. */
void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end);

void switch_mm(struct mm_struct *mm); /* NULL: the kernel's own tables */
/* Drop a stale translation of va if mm is the address space in use. */
void flush_tlb_page(struct mm_struct *mm, unsigned long va);

/*
 * A PTE without the present bit can still say something (Linux: swap
 * entries, include/linux/swapops.h). Such an entry is a type and an
 * offset:
 *
 *   bit 0      0 (not present)
 *   bits 1-5   type: 0..MAX_SWAPFILES-1 a swap device (the offset is the
 *              slot), then migration entries, then hwpoison
 *   bits 12-51 offset: the swap slot, or the frame number
 *
 * A hwpoison entry says that the page that was here was found corrupt and
 * taken away: any access faults, and the fault handler sends SIGBUS
 * instead of bringing a page in. Its type is 26, the number Debian's
 * Linux 6.1 shows for it in /proc/PID/pagemap. Swap slot 0 holds the swap
 * header and is never used, so no entry is the all-zero "nothing here".
 */
#define SWP_TYPE_SHIFT 1
#define SWP_TYPE_MASK 0x1fUL
#define MAX_SWAPFILES 23
#define SWP_MIGRATION_READ 23
#define SWP_MIGRATION_READ_EXCLUSIVE 24
#define SWP_MIGRATION_WRITE 25
#define SWP_HWPOISON 26
#define SWP_SWAPIN_ERROR 31

typedef struct {
	uint64_t val;
} swp_entry_t;

static inline swp_entry_t swp_entry(unsigned type, unsigned long offset)
{
	return (swp_entry_t){ ((uint64_t)offset << PAGE_SHIFT) | ((uint64_t)type << SWP_TYPE_SHIFT) };
}

static inline unsigned swp_type(swp_entry_t e)
{
	return (unsigned)((e.val >> SWP_TYPE_SHIFT) & SWP_TYPE_MASK);
}

static inline unsigned long swp_offset(swp_entry_t e)
{
	return (unsigned long)((e.val & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* Neither empty nor mapping a page: a swap, migration or hwpoison entry. */
static inline bool is_swap_pte(uint64_t pte)
{
	return pte && !(pte & (PTE_PRESENT | PTE_PROTNONE));
}

static inline swp_entry_t pte_to_swp_entry(uint64_t pte)
{
	return (swp_entry_t){ pte };
}

static inline uint64_t swp_entry_to_pte(swp_entry_t e)
{
	return e.val;
}

static inline uint64_t make_hwpoison_entry(unsigned long pfn)
{
	return swp_entry_to_pte(swp_entry(SWP_HWPOISON, pfn));
}

static inline bool is_hwpoison_entry(uint64_t pte)
{
	return is_swap_pte(pte) && swp_type(pte_to_swp_entry(pte)) == SWP_HWPOISON;
}

/* What swapoff leaves where a page could not come back in - a poisoned
 * page kept in the swap cache, frame pfn: the next access gets SIGBUS
 * (BUS_ADRERR). Linux 6.1's unuse_pte leaves the same: type 31, the
 * frame as the offset (pagemap shows them). */
static inline uint64_t make_swapin_error_entry(unsigned long pfn)
{
	return swp_entry_to_pte(swp_entry(SWP_SWAPIN_ERROR, pfn));
}

static inline bool is_swapin_error_entry(uint64_t pte)
{
	return is_swap_pte(pte) && swp_type(pte_to_swp_entry(pte)) == SWP_SWAPIN_ERROR;
}

static inline bool pte_none(uint64_t pte)
{
	return !pte;
}

/* The PTE maps a page (which a PROT_NONE area's PTE does, too). */
static inline bool pte_present(uint64_t pte)
{
	return pte & (PTE_PRESENT | PTE_PROTNONE);
}

/* The PTE maps a page of a PROT_NONE area: any access faults. */
static inline bool pte_protnone(uint64_t pte)
{
	return (pte & (PTE_PRESENT | PTE_PROTNONE)) == PTE_PROTNONE;
}

/* The PTE maps an armed frame: an access the area allows is a machine
 * check (mce/latent.c). */
static inline bool pte_latent(uint64_t pte)
{
	return (pte & (PTE_PRESENT | PTE_PROTNONE | PTE_LATENT)) == (PTE_PROTNONE | PTE_LATENT);
}

/* The same PTE, every access faulting: for a frame just armed. */
static inline uint64_t pte_mklatent(uint64_t pte)
{
	if (!(pte & PTE_PRESENT))
		return pte; /* PROT_NONE: faults already; mk_pte marks it if that changes */
	return (pte & ~PTE_PRESENT) | PTE_PROTNONE | PTE_LATENT;
}

/* The frame a present PTE maps. */
static inline unsigned long pte_pfn(uint64_t pte)
{
	return (unsigned long)((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* The CPU sets these in a present PTE: accessed on any use, dirty on a
 * write. The kernel reads and clears them for dirty tracking and for
 * aging pages on the LRU lists. */
static inline bool pte_young(uint64_t pte)
{
	return pte & PTE_ACCESSED;
}

static inline bool pte_dirty(uint64_t pte)
{
	return pte & PTE_DIRTY;
}

static inline uint64_t pte_mkold(uint64_t pte)
{
	return pte & ~PTE_ACCESSED;
}

static inline uint64_t pte_mkclean(uint64_t pte)
{
	return pte & ~PTE_DIRTY;
}

static inline uint64_t pte_wrprotect(uint64_t pte)
{
	return pte & ~PTE_WRITE;
}

/* Was the page at pte used since the last look? Clear the accessed bit
 * to find out next time (Linux: ptep_clear_flush_young). x86's Linux
 * skips the flush; here a stale TLB entry would hide every later use
 * from the aging, and TCG keeps its entries long. */
static inline bool ptep_clear_flush_young(struct vm_area_struct *vma, unsigned long addr,
					  uint64_t *pte)
{
	if (!pte_young(*pte))
		return false;
	*pte = pte_mkold(*pte);
	flush_tlb_page(vma->vm_mm, addr);
	return true;
}

#endif
