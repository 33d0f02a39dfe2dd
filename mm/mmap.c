/*
 * Creating and destroying address spaces and their areas: brk, mmap and
 * munmap (the areas themselves are kept by mm/vma.c). Memory in an area
 * is not allocated when the area is created: the first touch of each
 * page faults, and mm/fault.c gives it a zeroed frame - or, in an area
 * mapping a file, the file's page-cache page. Shared anonymous memory is
 * a file too, a shmem file of its own (mm/shmem.c).
 */
#include "mm/mmap.h"
#include "mm/khugepaged.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "mm/hugetlb.h"
#include "mm/mmap_lock.h"
#include "lib/err.h"
#include "mm/pgtable.h"
#include "mm/swap_state.h"
#include "mm/shmem.h"
#include "mm/slab.h"

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mmap);
	INIT_LIST_HEAD(&mm->task_list);
	INIT_LIST_HEAD(&mm->mmlist);
	INIT_LIST_HEAD(&mm->khugepaged_node);
	mm->mm_users = 1;
	init_rwsem(&mm->mmap_lock);
	return mm;
}

void mm_release(struct mm_struct *mm)
{
	/* First, as Linux's __mmput: the unmapping below may sleep (a file's
	 * last reference, a locked page), and khugepaged, woken meanwhile,
	 * must not find the mm and scan areas being torn down. */
	khugepaged_exit(mm);
	while (!list_empty(&mm->mmap)) {
		struct vm_area_struct *vma = list_first_entry(&mm->mmap, struct vm_area_struct, list);
		unmap_range(mm, vma->vm_start, vma->vm_end);
		remove_vma(mm, vma);
	}
	swap_mmlist_del(mm);
	pgd_free(mm); /* the page tables */
	kfree(mm);
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + ALIGN_UP(len, PAGE_SIZE);

	if (start & ~PAGE_MASK || !access_ok(start, len) || end == start)
		return -EINVAL; /* (len 0, or one that rounds up to 0) */
	int err = split_at(mm, start, end);
	if (err)
		return err;
	unmap_range(mm, start, end);
	remove_vmas(mm, start, end);
	free_pgtables(mm, start, end);
	return 0;
}

unsigned long prot_to_vm_flags(uint64_t prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* The file mmap() names, and whether its open mode allows the mapping
 * (Linux's checks in do_mmap): the file, or ERR_PTR. */
static struct file *mmap_file(uint64_t fd, uint64_t type, uint64_t prot)
{
	struct file *file = fget((unsigned int)fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (!file->f_op->mmap)
		return ERR_PTR(-ENODEV);
	if (!(file->f_mode & FMODE_READ) ||
	    (type == MAP_SHARED && (prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE)))
		return ERR_PTR(-EACCES);
	return file;
}

/* Give the new area what it maps: file's pages (its f_op->mmap sets the
 * faults up, and may put a file of its own in vm_file, as /dev/zero's
 * shmem_zero_setup does), a shmem file of its own for shared anonymous
 * memory, or nothing for private anonymous memory (mm/fault.c's zero
 * pages). */
static int mmap_backing(struct vm_area_struct *vma, struct file *file, uint64_t off)
{
	int err = 0;

	if (file) {
		vma->vm_pgoff = (unsigned long)(off >> PAGE_SHIFT);
		get_file(file);
		vma->vm_file = file;
		err = file->f_op->mmap(file, vma);
	} else if (vma->vm_flags & VM_SHARED) {
		vma->vm_pgoff = 0; /* page 0 of its file, as in Linux */
		err = shmem_zero_setup(vma);
	}
	if (err) {
		if (vma->vm_file)
			fput(vma->vm_file);
		vma->vm_file = NULL; /* not on i_mmap yet: remove_vma has nothing to undo */
		return err;
	}
	vma_link_file(vma);
	return 0;
}

long mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr, unsigned long len,
		 unsigned long vm_flags, uint64_t off)
{
	int err = insert_vma(mm, addr, addr + len, vm_flags);

	if (err)
		return err;
	struct vm_area_struct *vma = find_vma(mm, addr);
	err = mmap_backing(vma, file, off);
	if (err)
		remove_vma(mm, vma);
	else if (vma->vm_flags & VM_LOCKED)
		mlock_vma(vma, NULL); /* mlockall(MCL_FUTURE): populated now, as far as
				       * it goes (Linux: mm_populate) */
	return err;
}

static long do_mmap(struct mm_struct *mm, uint64_t addr, uint64_t len, uint64_t prot,
		    uint64_t flags, uint64_t fd, uint64_t off)
{
	uint64_t type = flags & (MAP_SHARED | MAP_PRIVATE);
	struct file *file = NULL;

	if (!len || len > TASK_SIZE || (type != MAP_SHARED && type != MAP_PRIVATE) ||
	    off & ~PAGE_MASK || prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = mmap_file(fd, type, prot);
		if (IS_ERR(file))
			return PTR_ERR(file);
	} else if (flags & MAP_HUGETLB) {
		return hugetlb_mmap_anon(mm, addr, len, prot, flags);
	}
	if (is_file_hugepages(file))
		return hugetlb_mmap_file(mm, file, addr, len, prot, flags, off);
	len = ALIGN_UP(len, PAGE_SIZE);
	if (flags & MAP_FIXED) {
		if (addr & ~PAGE_MASK || !access_ok(addr, len))
			return -EINVAL;
		do_munmap(mm, addr, len);
	} else {
		addr = get_unmapped_area(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	unsigned long vm_flags = prot_to_vm_flags(prot) | (type == MAP_SHARED ? VM_SHARED : 0);
	long err = mmap_region(mm, file, addr, len, vm_flags, off);
	return err ? err : (long)addr;
}

long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
	      uint64_t off)
{
	struct mm_struct *mm = current->mm;

	mmap_write_lock(mm);
	long ret = do_mmap(mm, addr, len, prot, flags, fd, off);
	mmap_write_unlock(mm);
	return ret;
}

long sys_munmap(uint64_t addr, uint64_t len)
{
	struct mm_struct *mm = current->mm;

	mmap_write_lock(mm);
	long ret = do_munmap(mm, addr, len);
	mmap_write_unlock(mm);
	return ret;
}

/* The heap is one area, [start_brk, brk) rounded up to pages; brk(0) or a
 * failed request returns the current break, as Linux's brk does. */
static long do_brk(struct mm_struct *mm, uint64_t brk)
{
	unsigned long old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || !access_ok(brk, 0))
		return (long)mm->brk;
	if (new_end < old_end) {
		do_munmap(mm, new_end, old_end - new_end);
	} else if (new_end > old_end) {
		struct vm_area_struct *heap = find_vma(mm, mm->start_brk);
		struct vm_area_struct *next = find_vma(mm, old_end);
		if (next && next->vm_start < new_end)
			return (long)mm->brk; /* would run into another area */
		if (heap && heap->vm_end == old_end && heap->vm_start == ALIGN_UP(mm->start_brk, PAGE_SIZE))
			vma_set_end(mm, heap, new_end);
		else if (insert_vma(mm, old_end, new_end, VM_READ | VM_WRITE))
			return (long)mm->brk;
		if (mm->def_flags & VM_LOCKED)
			mlock_vma(find_vma(mm, old_end), NULL); /* mlockall(MCL_FUTURE) */
	}
	mm->brk = brk;
	return (long)brk;
}

long sys_brk(uint64_t brk)
{
	struct mm_struct *mm = current->mm;

	mmap_write_lock(mm);
	long ret = do_brk(mm, brk);
	mmap_write_unlock(mm);
	return ret;
}
