/*
 * Page locks (Linux: mm/filemap.c folio_lock). PG_locked says that
 * someone is doing I/O on a page or changing what it is - reading it in,
 * writing it back, taking it out of the page cache, handling a memory
 * error on it. Whoever finds it locked sleeps until it is unlocked, then
 * looks at the page again: it may have changed meanwhile.
 *
 * A wait queue for every page would cost memory for millions of pages
 * that nobody ever waits for; as in Linux, pages share a small table of
 * wait queues, chosen by a hash of the page's address. A wake-up may
 * then wake sleepers waiting for other pages: they find their page still
 * locked and sleep again.
 *
 * A compound page has one lock, its head's: any of its frames may be
 * passed (a file huge page's frames are each in the page cache).
 */
#ifndef MM_FILEMAP_H
#define MM_FILEMAP_H

#include "mm/page.h"

void page_wait_table_init(void);
void lock_page(struct page *page);
bool trylock_page(struct page *page);
void unlock_page(struct page *page);
/* Sleep until nobody holds the page's lock (without taking it). */
void wait_on_page_locked(struct page *page);
/* Sleep until bit (PG_locked, PG_writeback) is clear. */
void wait_on_page_bit(struct page *page, enum pageflags bit);
/* Wake whoever waits for a bit of page to clear (any context). */
void wake_up_page(struct page *page);

#endif
