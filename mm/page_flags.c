#include "mm/page.h"
#include "lib/format.h"

static const char *const names[NR_PAGEFLAGS] = {
	[PG_reserved] = "reserved",
	[PG_buddy] = "buddy",
	[PG_slab] = "slab",
	[PG_head] = "head",
	[PG_lru] = "lru",
	[PG_active] = "active",
	[PG_referenced] = "referenced",
	[PG_dirty] = "dirty",
	[PG_uptodate] = "uptodate",
	[PG_locked] = "locked",
	[PG_writeback] = "writeback",
	[PG_swapcache] = "swapcache",
	[PG_swapbacked] = "swapbacked",
	[PG_anon] = "anon",
	[PG_mlocked] = "mlocked",
	[PG_unevictable] = "unevictable",
	[PG_pgtable] = "pgtable",
	[PG_hwpoison] = "hwpoison",
	[PG_error] = "error",
};

char *format_page_flags(char *buf, size_t size, unsigned long flags)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int bit = 0; bit < NR_PAGEFLAGS && len < size; bit++) {
		if (!(flags & (1UL << bit)))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? "," : "", names[bit]);
	}
	return buf;
}
