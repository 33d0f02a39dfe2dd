# Antidote. `make run` boots it in QEMU; `make test` runs every test.
# Both install what they need first (`make deps`).

BUILD   := build
CC      := gcc
LD      := ld
NASM    := nasm
QEMU    := qemu-system-x86_64
PYTHON  := /usr/bin/python3

# MEM: guest RAM. ACCEL=kvm to use KVM (TCG, pure emulation, is the default).
# EXTRA=DIR: put DIR's files into the initramfs too, next to user/'s programs.
# DISK: the disk image `make run` attaches (vda); DISK= for no disk.
# SWAP: the size of the swap disk `make run` attaches after it (vdb, made
# by mkswap, turned on at boot); SWAP=0 for none.
MEM     ?= 128M
ACCEL   ?= tcg
EXTRA   ?=
DISK    ?= $(BUILD)/disk.img
SWAP    ?= 64M

CFLAGS  := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
           -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-80387 \
           -fno-stack-protector -fno-omit-frame-pointer -fno-delete-null-pointer-checks -fno-asynchronous-unwind-tables \
           -O2 -g -Wall -Wextra -Werror -I.
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T linker.ld

KERNEL_C   := $(wildcard kernel/*.c mm/*.c ipc/*.c mce/*.c fs/*.c fs/*/*.c lib/*.c block/*.c drivers/*.c \
                        drivers/*/*.c)
KERNEL_ASM := $(wildcard boot/*.asm kernel/*.asm)
OBJS := $(KERNEL_C:%.c=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.o)

QEMU_FLAGS := -M pc -m $(MEM) -accel $(ACCEL) -cdrom $(BUILD)/antidote.iso -boot d \
              -net none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: swap-disk all run gdb test unit-test unit-tests system-test deps clean disk disk-note FORCE \
        lab-tree grade

all: $(BUILD)/antidote.iso $(BUILD)/disk.img disk-note

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf64 -g -F dwarf $< -o $@

# Changed flags in this file rebuild everything.
$(OBJS): Makefile

$(BUILD)/kernel.elf: $(OBJS) linker.ld
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(OBJS)

# User programs: static binaries linked with musl, one per user/*.c,
# plus hello-pie, hello as a static PIE (loaded at an address the kernel
# picks). Debian 12's musl-gcc ignores -static-pie: it links libc.so and
# asks for the dynamic loader. So its link is spelled out: rcrt1.o, the
# start file that applies the program's own relocations, and a static
# link without an interpreter.
MUSL_CC     := musl-gcc
MUSL_LIB    := /usr/lib/x86_64-linux-musl
USER_CFLAGS := -O2 -Wall -Wextra -Werror
USER_PROGS  := $(patsubst user/%.c,$(BUILD)/user/%,$(wildcard user/*.c)) $(BUILD)/user/hello-pie

$(BUILD)/user/%: user/%.c Makefile
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSL_CC) -static $(USER_CFLAGS) $< -o $@

# The test suites share their ok/FAIL checks.
$(filter-out $(BUILD)/user/hello-pie,$(USER_PROGS)): user/check.h

# The benchmarks (tests/bench/run.sh) share a clock and a report format.
$(filter $(BUILD)/user/bench-%,$(USER_PROGS)): user/bench.h
$(BUILD)/user/mce-inject: user/mce_parse.h
$(BUILD)/user/shmemtest $(BUILD)/user/sysvshmtest: user/touch.h
$(BUILD)/user/threadtest $(BUILD)/user/futextest: user/threads.h

$(BUILD)/user/hello-pie: user/hello.c Makefile
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $< (static PIE)"
	@$(MUSL_CC) -static-pie -fPIE $(USER_CFLAGS) -nostartfiles \
		$(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $$($(MUSL_CC) -print-file-name=crtbeginS.o) \
		$< $$($(MUSL_CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o \
		-Wl,-Bstatic -Wl,--no-dynamic-linker -Wl,-z,text -o $@

# The initramfs: every user program and every regular file in $(EXTRA),
# in /bin as on the disk ("/bin/hello"), in the newc cpio format
# (fs/cpio.c reads it). EXTRA can change from one make to the next, so the rule always runs
# (FORCE): it packs the files into a new archive and replaces the old one
# only if the bytes differ, so the ISO is rebuilt only when something
# changed. For the same files cpio writes the same bytes: cp -p keeps the
# times (and bin/ gets a fixed one), --reproducible numbers inodes from 1
# and leaves out devices.
INITRAMFS := $(BUILD)/initramfs.cpio

$(INITRAMFS): $(USER_PROGS) FORCE
	@set -e; dir=$(BUILD)/initramfs.d/bin; rm -rf $(BUILD)/initramfs.d; mkdir -p $$dir; \
	cp -p $(USER_PROGS) $$dir/; \
	if [ -n "$(EXTRA)" ]; then \
		[ -d "$(EXTRA)" ] || { echo "EXTRA=$(EXTRA) is not a directory"; exit 1; }; \
		find -L "$(EXTRA)" -maxdepth 1 -type f | while IFS= read -r f; do \
			[ ! -e "$$dir/$${f##*/}" ] || \
				{ echo "EXTRA=$(EXTRA): '$${f##*/}' has the name of a user program"; exit 1; }; \
			cp -p "$$f" $$dir/; \
		done; \
	fi; \
	chmod 755 $$dir; touch -d @1 $$dir; \
	(cd $$dir/.. && { echo bin; ls -A bin | LC_ALL=C sort | sed 's|^|bin/|'; } | \
		cpio -o -H newc --quiet --reproducible -R 0:0) >$@.new; \
	if cmp -s $@.new $@; then rm $@.new; else echo "  CPIO    $@"; mv $@.new $@; fi

FORCE:

$(BUILD)/antidote.iso: $(BUILD)/kernel.elf $(INITRAMFS) boot/grub.cfg Makefile
	@echo "  ISO     $@"
	@mkdir -p $(BUILD)/iso/boot/grub
	@cp $(BUILD)/kernel.elf $(BUILD)/iso/boot/kernel.elf
	@cp $(INITRAMFS) $(BUILD)/iso/boot/initramfs.cpio
	@cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	@grub-mkrescue -d /usr/lib/grub/i386-pc -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# The disk: an ext2 file system (4 KiB blocks, no journal) made by
# Debian's mke2fs from a root directory: /bin holds what the initramfs
# holds (every user program and the EXTRA=DIR files), Debian's static
# busybox as /bin/busybox with a symbolic link for each of its applets
# (/bin/sh -> busybox; a user program of the same name, init or sleep,
# keeps its place), and the usual empty directories, /tmp writable by
# all (1777). Everything is owned by root
# (fakeroot when we are not root). A fixed UUID, hash seed and clock make
# the same files give the same image.
#
# Two images: disk-fresh.img is rebuilt whenever the programs change
# (after the initramfs, which changes exactly then), and tests copy it;
# disk.img is the one `make run` writes, so what you create in the guest
# stays from one run to the next. It is copied from disk-fresh.img only
# when it does not exist, or by `make disk` (which loses what the guest
# wrote); `make` says when your disk.img holds older programs.
DISK_FRESH := $(BUILD)/disk-fresh.img
DISK_SIZE  := 64M
DISK_UUID  := 5e1f1a3c-0b1d-4e5f-9a0b-6c7d8e9fa0b1
BUSYBOX    := /bin/busybox
SHELL_TESTS := $(wildcard tests/shell/*.sh)
FAKEROOT   := $(if $(filter 0,$(shell id -u)),,fakeroot)

$(DISK_FRESH): $(INITRAMFS) $(BUSYBOX) $(SHELL_TESTS) Makefile
	@echo "  MKE2FS  $@"
	@set -e; dir=$(BUILD)/root.d; rm -rf $$dir; \
	mkdir -p $$dir/bin $$dir/tmp $$dir/home $$dir/proc $$dir/sys $$dir/dev $$dir/mnt $$dir/etc; \
	cp -p $(BUILD)/initramfs.d/bin/* $$dir/bin/; \
	cp -p $(BUSYBOX) $$dir/bin/busybox; \
	mkdir -p $$dir/tests/shell; cp -p $(SHELL_TESTS) $$dir/tests/shell/; \
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >$$dir/etc/passwd; \
	printf '%s\n' 'root:x:0:' 'user:x:1000:' 'nogroup:x:65534:' >$$dir/etc/group; \
	for applet in $$($(BUSYBOX) --list); do \
		[ -e $$dir/bin/$$applet ] || { ln -s busybox $$dir/bin/$$applet; touch -h -d @1 $$dir/bin/$$applet; }; \
	done; \
	chmod 755 $$dir $$dir/*; chmod 1777 $$dir/tmp; touch -d @1 $$dir $$dir/*; \
	rm -f $@.new; \
	$(FAKEROOT) sh -c 'chown -R 0:0 $$0 && E2FSPROGS_FAKE_TIME=1 mke2fs -q -t ext2 -b 4096 \
		-L antidote -U $(DISK_UUID) -E root_owner=0:0,hash_seed=$(DISK_UUID) \
		-d $$0 $$1 $(DISK_SIZE)' $$dir $@.new >/dev/null; \
	mv $@.new $@

$(BUILD)/disk.img: | $(DISK_FRESH)
	@echo "  DISK    $@ (new: a copy of $(DISK_FRESH))"
	@cp --sparse=always $(DISK_FRESH) $@

disk: $(DISK_FRESH)
	@echo "  DISK    $(BUILD)/disk.img (replaced: a copy of $(DISK_FRESH))"
	@cp --sparse=always $(DISK_FRESH) $(BUILD)/disk.img

disk-note: $(BUILD)/disk.img
	@if [ $(DISK_FRESH) -nt $(BUILD)/disk.img ]; then \
		echo "note: $(BUILD)/disk.img has older programs than user/; 'make disk' replaces it" \
		     "(and loses the files you made in the guest)"; fi

comma := ,
SWAP_IMG := $(BUILD)/swap-$(SWAP).img
DISK_FLAGS = $(if $(DISK),-drive file=$(DISK)$(comma)if=none$(comma)id=disk0$(comma)format=raw \
                          -device virtio-blk-pci$(comma)drive=disk0) \
             $(if $(filter-out 0,$(SWAP)),-drive file=$(SWAP_IMG)$(comma)if=none$(comma)id=swap0$(comma)format=raw \
                          -device virtio-blk-pci$(comma)drive=swap0)

# The swap disk: a sparse file of $(SWAP) with Debian's mkswap header
# (util-linux, an essential package); made anew for every run.
swap-disk:
	@if [ "$(SWAP)" != 0 ]; then \
		rm -f $(SWAP_IMG) && truncate -s $(SWAP) $(SWAP_IMG) && \
		$$(command -v mkswap || echo /sbin/mkswap) -q $(SWAP_IMG); fi

# The serial console is this terminal; Ctrl-A X quits QEMU. poweroff
# leaves QEMU with status 33, which is a normal exit here.
run: deps all swap-disk
	@echo "Antidote in QEMU ($(ACCEL), $(MEM)). Quit with Ctrl-A X."
	@echo "While a program (run, sh) has the terminal, Ctrl-] gives the console one command."
	@$(QEMU) $(QEMU_FLAGS) $(DISK_FLAGS) -display none -serial mon:stdio; \
		status=$$?; [ $$status -eq 0 ] || [ $$status -eq 33 ] || \
		{ echo "QEMU exited with status $$status (35 = kernel panic)"; exit $$status; }

# QEMU waits for a debugger on localhost:1234; in another terminal run
# `gdb -x tools/gdbinit` to load the kernel's symbols and connect.
gdb: deps all swap-disk
	@echo "QEMU is waiting for gdb: run 'gdb -x tools/gdbinit' in another terminal."
	@$(QEMU) $(QEMU_FLAGS) $(DISK_FLAGS) -display none -serial mon:stdio -S -gdb tcp:localhost:1234 || true

# Host unit tests: kernel sources compiled for Linux with AddressSanitizer
# and UBSan. Their C-library names are prefixed (memset -> kernel_memset)
# so that tests can compare them with the C library's own.
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer -I.
HOST_RENAMES := $(foreach f,memset memcpy memmove memcmp strlen strchrnul memchr strcmp strncmp strchr \
                strlcpy vsnprintf snprintf,-D$(f)=kernel_$(f))
UNIT_KERNEL_SRCS := mm/buddy.c mm/swap.c mm/slab.c mm/page_flags.c lib/format.c lib/parse.c \
                    lib/string.c lib/ratelimit.c kernel/cmdline.c mce/severity.c mce/decode.c \
                    mce/bank.c fs/cpio.c fs/file.c fs/fdtable.c fs/seq_file.c \
                    lib/rbtree.c mm/vma.c mm/pagewalk.c kernel/kallsyms.c kernel/timerqueue.c \
                    kernel/rtc.c lib/xarray.c lib/errseq.c fs/iov_iter.c \
                    drivers/virtio_ring.c lib/crc32.c kernel/sysctl_int.c \
                    lib/int_sqrt.c mm/watermark.c mm/swapfile.c mm/hugetlb.c
UNIT_KERNEL_OBJS := $(UNIT_KERNEL_SRCS:%.c=$(BUILD)/unit/%.o)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/unit/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(UNIT_CFLAGS) $(HOST_RENAMES) -MMD -MP -c $< -o $@

$(BUILD)/unit/test_%: tests/unit/test_%.c tests/unit/host_kernel.c $(UNIT_KERNEL_OBJS)
	@echo "  HOSTLD  $@"
	@$(CC) $(UNIT_CFLAGS) $^ -o $@

# The page cache switches interrupts off around its index; on the host
# (user mode, no interrupts) that is a no-op (tests/unit/host_irq.h).
PAGECACHE_UNIT_OBJS := $(addprefix $(BUILD)/unit/,mm/filemap.o mm/page-writeback.o mm/truncate.o \
                       mm/vmscan.o fs/simple_aops.o mm/swap_state.o mm/swap_fault.o mm/page_io.o \
                       block/blk-core.o block/blk-fault.o)
$(PAGECACHE_UNIT_OBJS) $(BUILD)/unit/lib/xarray.o: UNIT_CFLAGS += -include tests/unit/host_irq.h
$(PAGECACHE_UNIT_OBJS) $(BUILD)/unit/lib/xarray.o: tests/unit/host_irq.h
$(BUILD)/unit/test_memory_failure $(BUILD)/unit/test_memory_failure_swap: $(BUILD)/unit/mm/rmap.o $(BUILD)/unit/mm/memory-failure.o $(BUILD)/unit/mm/hwpoison-kill.o $(BUILD)/unit/mm/soft-offline.o \
	$(PAGECACHE_UNIT_OBJS) $(BUILD)/unit/mm/hwpoison-filter.o
# Code that needs page tables is linked only into its own tests, which
# fake them (tests/unit/fake_pgtable.h).
$(BUILD)/unit/test_rmap: $(BUILD)/unit/mm/rmap.o $(PAGECACHE_UNIT_OBJS)
$(BUILD)/unit/test_huge_memory: $(BUILD)/unit/mm/huge_memory.o $(BUILD)/unit/mm/rmap.o $(PAGECACHE_UNIT_OBJS)
$(BUILD)/unit/test_filemap: $(BUILD)/unit/mm/rmap.o $(BUILD)/unit/mm/fault.o $(PAGECACHE_UNIT_OBJS)
$(BUILD)/unit/test_vmscan: $(BUILD)/unit/mm/rmap.o $(BUILD)/unit/mm/fault.o $(BUILD)/unit/mm/memory-failure.o $(BUILD)/unit/mm/hwpoison-kill.o \
	$(BUILD)/unit/mm/soft-offline.o $(BUILD)/unit/mm/hwpoison-filter.o $(PAGECACHE_UNIT_OBJS)
# The line discipline, with a fake UART and fake job control in its test.
$(BUILD)/unit/drivers/tty/n_tty.o: UNIT_CFLAGS += -include tests/unit/host_irq.h
$(BUILD)/unit/drivers/tty/n_tty.o: tests/unit/host_irq.h
$(BUILD)/unit/test_n_tty: $(BUILD)/unit/drivers/tty/n_tty.o
# ext2 is linked into its own tests only, with fakes of the buffer cache
# and the VFS over an image file (tests/unit/ext2_host.c).
EXT2_UNIT_OBJS := $(patsubst %.c,$(BUILD)/unit/%.o,$(wildcard fs/ext2/*.c))
$(BUILD)/unit/test_ext2 $(BUILD)/unit/test_ext2_super $(BUILD)/unit/test_ext2_random: \
	$(EXT2_UNIT_OBJS) $(BUILD)/unit/fs/libfs.o tests/unit/ext2_host.c tests/unit/ext2_image.c
UNIT_EXTRA_OBJS := $(EXT2_UNIT_OBJS) $(BUILD)/unit/fs/libfs.o \
                   $(BUILD)/unit/mm/rmap.o $(BUILD)/unit/mm/memory-failure.o $(BUILD)/unit/mm/hwpoison-kill.o $(BUILD)/unit/mm/soft-offline.o $(PAGECACHE_UNIT_OBJS) \
                   $(BUILD)/unit/mm/fault.o $(BUILD)/unit/mm/hwpoison-filter.o \
                   $(BUILD)/unit/mce/genpool.o $(BUILD)/unit/drivers/tty/n_tty.o \
                   $(BUILD)/unit/ipc/util.o $(BUILD)/unit/kernel/cred.o $(BUILD)/unit/kernel/cputime.o
# CPU time from the tick, with fake runtimes and interval timers.
$(BUILD)/unit/test_cputime: $(BUILD)/unit/kernel/cputime.o
# System V IPC's tables and the credentials, with a fake current task.
$(BUILD)/unit/test_ipc: $(BUILD)/unit/ipc/util.o $(BUILD)/unit/kernel/cred.o
# The machine-check record pool is linked into its own test only: it calls
# back into mce/core.c, which that test stands in for.
$(BUILD)/unit/test_mce: $(BUILD)/unit/mce/genpool.o

unit-tests: $(UNIT_TESTS)

# Keep the host objects between runs (make would delete them as intermediates).
.SECONDARY: $(UNIT_KERNEL_OBJS) $(UNIT_EXTRA_OBJS)

# `make test`: every unit test, then the system tests in QEMU, then one
# summary line. tests/run_tests.py says what each part found. The build
# runs JOBS compilers at a time, after deps has installed them.
test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all unit-tests
	@$(PYTHON) tests/run_tests.py --jobs=$(JOBS)

# The labs (docs/labs/README.md): a student tree for lab LAB, with its
# solution taken out, and the lab's grade in this tree.
lab-tree:
	@[ -n "$(LAB)" ] && [ -n "$(OUT)" ] || { echo "usage: make lab-tree LAB=n OUT=DIR"; exit 2; }
	@$(PYTHON) tools/lab_tree.py $(LAB) $(OUT)

grade: deps
	@[ -n "$(LAB)" ] || { echo "usage: make grade LAB=n"; exit 2; }
	@$(PYTHON) tests/grade/grade.py $(LAB) --jobs=$(JOBS)

unit-test: deps unit-tests
	@$(PYTHON) tests/run_tests.py --unit-only --jobs=$(JOBS)

# ORDER=reverse or ORDER=shuffle:SEED: every test must pass in any order
# (.ci/run checks reverse order too).
ORDER ?= file
# JOBS: system-test modules run side by side, each in its own QEMU
# (python3-pytest-xdist); JOBS=1 runs them one after another.
JOBS ?= $(shell nproc)
system-test: deps all
	@$(PYTHON) tests/run_tests.py --system-only --order=$(ORDER) --jobs=$(JOBS)

# Debian packages, installed only when a tool is missing.
# busybox-static: the shell and tools of the disk image (/bin/busybox).
# grub-efi-amd64-bin and ovmf: only tests/system/test_badram.py boots
# with UEFI, where GRUB can report defective RAM.
DEB_PACKAGES := nasm qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
                python3-pytest python3-pytest-xdist musl-tools e2fsprogs grub-efi-amd64-bin ovmf cpio fakeroot \
                busybox-static
deps:
	@missing=""; \
	command -v nasm >/dev/null || missing=1; \
	command -v $(QEMU) >/dev/null || missing=1; \
	command -v grub-mkrescue >/dev/null || missing=1; \
	[ -d /usr/lib/grub/i386-pc ] || missing=1; \
	[ -d /usr/lib/grub/x86_64-efi ] || missing=1; \
	[ -f /usr/share/ovmf/OVMF.fd ] || missing=1; \
	command -v xorriso >/dev/null || missing=1; \
	command -v mformat >/dev/null || missing=1; \
	command -v musl-gcc >/dev/null || missing=1; \
	command -v cpio >/dev/null || missing=1; \
	command -v mkfs.ext4 >/dev/null || missing=1; \
	[ -x $(BUSYBOX) ] || missing=1; \
	[ "$$(id -u)" = 0 ] || command -v fakeroot >/dev/null || missing=1; \
	$(PYTHON) -c 'import pytest, xdist' 2>/dev/null || missing=1; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing: $(DEB_PACKAGES)"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -q --no-install-recommends $(DEB_PACKAGES); \
		else \
			echo "Missing tools. Run: sudo apt-get install $(DEB_PACKAGES)"; exit 1; \
		fi; \
	fi

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(UNIT_KERNEL_OBJS:.o=.d) $(UNIT_EXTRA_OBJS:.o=.d)
