/*
 * For host tests of the areas (mm/vma.c) and the page-table walker
 * (mm/pagewalk.c): tests/unit/host_mm.c stands in for the reverse map and
 * the fault handler, which those files name but these tests never need.
 */
#ifndef TESTS_UNIT_HOST_MM_H
#define TESTS_UNIT_HOST_MM_H

#include "mm/mm_types.h"

/* host_memory_init, all frames to the buddy allocator, kmalloc, and mm
 * an empty address space (no page tables). */
void host_mm_init(struct mm_struct *mm);

#endif
