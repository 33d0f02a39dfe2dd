#include "mm/filemap.h"
#include "kernel/panic.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"

#define PAGE_WAIT_TABLE_BITS 8

static struct wait_queue_head page_wait_table[1 << PAGE_WAIT_TABLE_BITS];

void page_wait_table_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(page_wait_table); i++)
		init_waitqueue_head(&page_wait_table[i]);
}

static struct wait_queue_head *page_waitqueue(const struct page *page)
{
	/* Neighbouring pages go to different queues. */
	unsigned long pfn = page_to_pfn(page);

	return &page_wait_table[(pfn * 0x9e3779b9UL >> 16) & ((1 << PAGE_WAIT_TABLE_BITS) - 1)];
}

void lock_page(struct page *page)
{
	bool was_on = irq_save();

	while (page_test_and_set(page, PG_locked))
		sleep_on(page_waitqueue(page));
	irq_restore(was_on);
}

bool trylock_page(struct page *page)
{
	bool was_on = irq_save();
	bool was_locked = page_test_and_set(page, PG_locked);

	irq_restore(was_on);
	return !was_locked;
}

void unlock_page(struct page *page)
{
	if (!page_test(page, PG_locked))
		panic("unlock_page: pfn %#lx is not locked", page_to_pfn(page));
	page_clear(page, PG_locked);
	wake_up(page_waitqueue(page));
}

void wait_on_page_locked(struct page *page)
{
	bool was_on = irq_save();

	while (page_test(page, PG_locked))
		sleep_on(page_waitqueue(page));
	irq_restore(was_on);
}
