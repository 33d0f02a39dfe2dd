/*
 * The swap map and slot allocation (Linux: mm/swapfile.c). One byte per
 * slot (mm/swapfile.h); free slots are found by a scan that starts where
 * the last one ended (Linux's cluster_next) and stays between
 * lowest_bit and highest_bit, so a device that is mostly free or mostly
 * full costs little. Devices in use are on swap_avail_head, highest
 * priority first; after each allocation a device goes behind the others
 * of its priority, so equal priorities take turns (Linux: plist_requeue).
 *
 * One CPU, and the kernel is never preempted: the map changes only in
 * process context, one step at a time, so it needs no lock. (The disk's
 * completion interrupt never touches it: a failed write is noted on the
 * page, and the slot is marked bad later, here.)
 */
#include "mm/swapfile.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/err.h"
#include "mm/slab.h"

struct swap_info_struct *swap_info[MAX_SWAPFILES];
unsigned int nr_swapfiles;
long total_swap_pages;
static long nr_swap_pages;
/* The priority the next swapon without SWAP_FLAG_PREFER gets, less one:
 * Linux starts its defaults at -2. */
static int least_priority = -1;
static struct list_head swap_avail_head = LIST_HEAD_INIT(swap_avail_head);

long get_nr_swap_pages(void)
{
	return nr_swap_pages;
}

struct swap_info_struct *swp_swap_info(swp_entry_t entry)
{
	struct swap_info_struct *si = is_swap_entry_type(entry) ? swap_info[swp_type(entry)] : NULL;

	if (!si || !(si->flags & SWP_USED)) {
		pr_err("swap_info_get: Bad swap file entry %08llx\n", (unsigned long long)entry.val);
		return NULL;
	}
	if (swp_offset(entry) >= si->max) {
		pr_err("swap_info_get: Bad swap offset entry %08llx\n", (unsigned long long)entry.val);
		return NULL;
	}
	return si;
}

/* The map byte of entry's slot, if the slot is in use (not free, not bad). */
static unsigned char *swap_map_of(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned char *map;

	if (!si)
		return NULL;
	map = &si->swap_map[swp_offset(entry)];
	if (*map == 0 || *map == SWAP_MAP_BAD) {
		pr_err("swap_info_get: Unused swap offset entry %08llx\n",
		       (unsigned long long)entry.val);
		return NULL;
	}
	return map;
}

/* ---- allocating and freeing a slot ---------------------------------- */

static void slot_taken(struct swap_info_struct *si, unsigned int offset)
{
	if (offset == si->lowest_bit)
		si->lowest_bit++;
	if (offset == si->highest_bit)
		si->highest_bit--;
	si->inuse_pages++;
	if (si->flags & SWP_WRITEOK)
		nr_swap_pages--;
	if (si->inuse_pages == si->pages) { /* full: nothing between the bits */
		si->lowest_bit = si->max;
		si->highest_bit = 0;
	}
}

/* The map byte became 0: the slot is free again. */
static void slot_freed(struct swap_info_struct *si, unsigned int offset)
{
	if (offset < si->lowest_bit)
		si->lowest_bit = offset;
	if (offset > si->highest_bit)
		si->highest_bit = offset;
	si->inuse_pages--;
	if (si->flags & SWP_WRITEOK)
		nr_swap_pages++;
}

/* A free slot of si, searched from cluster_next to highest_bit, then from
 * lowest_bit (Linux: scan_swap_map_slots, without the SSD clusters); 0
 * if si is full. */
static unsigned int scan_swap_map(struct swap_info_struct *si)
{
	unsigned int start = si->cluster_next;

	if (si->inuse_pages == si->pages)
		return 0;
	if (start < si->lowest_bit || start > si->highest_bit)
		start = si->lowest_bit;
	for (unsigned int pass = 0; pass < 2; pass++) {
		unsigned int from = pass ? si->lowest_bit : start;
		unsigned int to = pass ? start : si->highest_bit + 1;

		for (unsigned int offset = from; offset < to; offset++) {
			if (si->swap_map[offset])
				continue;
			si->swap_map[offset] = SWAP_HAS_CACHE;
			slot_taken(si, offset);
			si->cluster_next = offset + 1;
			return offset;
		}
	}
	return 0; /* (the counts say there is a free slot: never here) */
}

/* si goes behind every other device of its priority. */
static void requeue_swap_info(struct swap_info_struct *si)
{
	struct list_head *pos = si->avail_list.next;

	list_del(&si->avail_list);
	while (pos != &swap_avail_head &&
	       list_entry(pos, struct swap_info_struct, avail_list)->prio == si->prio)
		pos = pos->next;
	list_add_tail(&si->avail_list, pos);
}

swp_entry_t get_swap_page(void)
{
	for (struct list_head *l = swap_avail_head.next; l != &swap_avail_head; l = l->next) {
		struct swap_info_struct *si = list_entry(l, struct swap_info_struct, avail_list);
		unsigned int offset = scan_swap_map(si);

		if (!offset)
			continue;
		requeue_swap_info(si);
		return swp_entry(si->type, offset);
	}
	return (swp_entry_t){ 0 };
}

/* The map byte changed to value: a 0 frees the slot. */
static void set_swap_map(swp_entry_t entry, unsigned char *map, unsigned char value)
{
	*map = value;
	if (value == 0)
		slot_freed(swap_info[swp_type(entry)], (unsigned int)swp_offset(entry));
}

int swap_duplicate(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);

	if (!map)
		return -EINVAL;
	if ((*map & ~SWAP_HAS_CACHE) == SWAP_MAP_MAX)
		return -ENOMEM;
	(*map)++;
	return 0;
}

unsigned char swap_free(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);

	if (!map)
		return 0;
	if (!(*map & ~SWAP_HAS_CACHE)) {
		pr_err("swap_free: count of swap entry %08llx is already 0\n",
		       (unsigned long long)entry.val);
		return *map;
	}
	set_swap_map(entry, map, *map - 1);
	return *map;
}

int swapcache_prepare(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);

	if (!map)
		return -ENOENT;
	if (*map & SWAP_HAS_CACHE)
		return -EEXIST;
	*map |= SWAP_HAS_CACHE;
	return 0;
}

void put_swap_page(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);

	if (map)
		set_swap_map(entry, map, *map & ~SWAP_HAS_CACHE);
}

void swap_mark_bad(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);
	struct swap_info_struct *si;

	if (!map || *map != SWAP_HAS_CACHE)
		return;
	si = swap_info[swp_type(entry)];
	*map = SWAP_MAP_BAD; /* neither free nor in use: out of every count */
	si->inuse_pages--;
	si->pages--;
	total_swap_pages--;
}

int __swap_count(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);

	return map ? *map & ~SWAP_HAS_CACHE : 0;
}

bool swap_has_cache(swp_entry_t entry)
{
	unsigned char *map = swap_map_of(entry);

	return map && (*map & SWAP_HAS_CACHE);
}

/* ---- devices -------------------------------------------------------- */

struct swap_info_struct *alloc_swap_info(void)
{
	unsigned int type;

	for (type = 0; type < nr_swapfiles; type++)
		if (!(swap_info[type]->flags & SWP_USED))
			break;
	if (type == MAX_SWAPFILES)
		return ERR_PTR(-EPERM);
	if (type == nr_swapfiles) {
		swap_info[type] = kzalloc(sizeof(struct swap_info_struct));
		if (!swap_info[type])
			return ERR_PTR(-ENOMEM);
		nr_swapfiles++;
	}
	struct swap_info_struct *si = swap_info[type];
	*si = (struct swap_info_struct){ .flags = SWP_USED, .type = type };
	INIT_LIST_HEAD(&si->avail_list);
	return si;
}

void free_swap_info(struct swap_info_struct *si)
{
	kfree(si->swap_map);
	kfree(si->extents);
	kfree(si->path);
	*si = (struct swap_info_struct){ .type = si->type };
}

/* Sorted in, highest priority first, behind the equal ones. */
static void add_to_avail_list(struct swap_info_struct *si)
{
	struct list_head *pos = swap_avail_head.next;

	while (pos != &swap_avail_head &&
	       list_entry(pos, struct swap_info_struct, avail_list)->prio >= si->prio)
		pos = pos->next;
	list_add_tail(&si->avail_list, pos);
}

static void insert_swap_info(struct swap_info_struct *si)
{
	si->flags |= SWP_WRITEOK;
	add_to_avail_list(si);
	nr_swap_pages += si->pages - si->inuse_pages;
	total_swap_pages += si->pages;
}

void enable_swap_info(struct swap_info_struct *si, int prio)
{
	si->prio = (short)(prio >= 0 ? prio : --least_priority);
	insert_swap_info(si);
}

void reinsert_swap_info(struct swap_info_struct *si)
{
	insert_swap_info(si);
}

/* As Linux's swapoff: the default priorities of the devices left close
 * up, so the next swapon gets the one after the lowest in use. */
void disable_swap_info(struct swap_info_struct *si)
{
	if (si->prio < 0) {
		for (unsigned int t = 0; t < nr_swapfiles; t++) {
			struct swap_info_struct *other = swap_info[t];

			if (other != si && (other->flags & SWP_USED) && other->prio < si->prio)
				other->prio++;
		}
		least_priority++;
	}
	list_del(&si->avail_list);
	INIT_LIST_HEAD(&si->avail_list);
	si->flags &= ~SWP_WRITEOK;
	nr_swap_pages -= si->pages - si->inuse_pages;
	total_swap_pages -= si->pages;
}

uint64_t swap_slot_sector(const struct swap_info_struct *si, unsigned long offset)
{
	unsigned int lo = 0, hi = si->nr_extents;

	/* The last extent that starts at or before offset. */
	while (hi - lo > 1) {
		unsigned int mid = (lo + hi) / 2;

		if (si->extents[mid].start_page <= offset)
			lo = mid;
		else
			hi = mid;
	}
	const struct swap_extent *se = &si->extents[lo];
	return se->start_sector + ((offset - se->start_page) << (PAGE_SHIFT - 9));
}
