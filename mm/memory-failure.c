#include "mm/memory-failure.h"

unsigned long num_poisoned_pages;
