# fwboot: one Makefile, explicit source lists.
#   make          build/fwboot.elf
#   make run      boot the demo kernel through fwboot in QEMU (serial on the terminal)
#   make iso      build/fwboot.iso: GRUB starting fwboot (multiboot and multiboot2)
#   make check    every test: host unit tests, then QEMU boot tests
#   make bench    benchmarks (not tests)

VERSION := 0.1.0

CROSS ?= i686-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
HOSTCC ?= gcc

B := build

# Freestanding: no C library headers, only the compiler's own (stdint.h,
# stddef.h, stdarg.h, stdbool.h, limits.h) and the project's; a target file
# that includes <string.h> fails to compile instead of finding the host's.
# Debian's cross gcc ships limits.h without include-fixed/, so it would chain
# to a libc's limits.h: _LIBC_LIMITS_H_ tells it there is none to chain to.
FREESTANDING := -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-D_LIBC_LIMITS_H_

CFLAGS := -std=gnu11 -O2 -m32 -march=i686 $(FREESTANDING) -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin \
	-mno-sse -mno-mmx -mno-80387 -Wall -Wextra -Werror \
	-Iinclude -Ikernel -DFWBOOT_VERSION='"$(VERSION)"'
ASFLAGS := -m32 -nostdinc -Iinclude
LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T linker.ld

# Pure code: builds for the target and for the host tests alike.
# (set before PURE_SRCS: := expands it right away)
OPTIONAL_PURE ?= $(wildcard lib/inflate.c kernel/cpio.c kernel/script.c kernel/linux.c kernel/mb2.c kernel/pvh.c kernel/gunzip.c)
PURE_SRCS := lib/fmt.c lib/str.c lib/diag.c lib/sha256.c kernel/pin.c \
	kernel/cmdline.c kernel/fw_cfg_dir.c kernel/fw_cfg_dev.c kernel/mem.c kernel/plan.c \
	kernel/elf.c kernel/mb1.c kernel/image.c kernel/bootinfo.c $(OPTIONAL_PURE)

# Hardware code: target only.
TARGET_SRCS := boot/entry.S boot/trampoline.S lib/mem.c \
	kernel/main.c kernel/console.c kernel/fw_cfg.c kernel/heap.c kernel/file.c \
	kernel/load.c kernel/cpu.c kernel/acpi.c kernel/timer.c

SRCS := $(TARGET_SRCS) $(PURE_SRCS)
OBJS := $(patsubst %,$(B)/%.o,$(SRCS))

all: $(B)/fwboot.elf

$(B)/fwboot.elf: $(OBJS) linker.ld tools/check-header.sh
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) -lgcc
	sh tools/check-header.sh $@

$(B)/%.c.o: %.c $(wildcard include/*.h kernel/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c -o $@ $<

# ---- host unit tests (ASan + UBSan) ----
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Iinclude -Ikernel -Itests/unit \
	-DFWBOOT_VERSION='"$(VERSION)"' -DFWBOOT_HOST
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/host/%,$(UNIT_SRCS))

$(B)/host/%: tests/unit/%.c $(PURE_SRCS) tests/unit/host.c tests/unit/plan_check.c tests/unit/test.h tests/unit/fixture.h $(wildcard include/*.h kernel/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(PURE_SRCS) tests/unit/host.c tests/unit/plan_check.c $(if $(findstring inflate,$*),-lz)

unit: $(UNIT_BINS)

print-pure:
	@echo $(PURE_SRCS)

# Test kernels and the demo (tests/kernels/kernels.mk).
-include tests/kernels/kernels.mk
-include tests/kernels/kernels2.mk

iso: $(B)/fwboot.iso

$(B)/fwboot.iso: $(B)/fwboot.elf iso/grub.cfg tools/mkiso.sh
	sh tools/mkiso.sh $(B)/fwboot.elf iso/grub.cfg $@

check: deps
	sh tests/run-all.sh

deps:
	sh tools/deps.sh

run: deps all $(DEMO_KERNEL)
	sh tools/run-demo.sh

bench: deps all
	sh bench/run.sh

clean:
	rm -rf $(B)

.PHONY: all iso unit check deps run bench clean print-pure fuzz

# make fuzz: every harness for FWBOOT_FUZZ_SECONDS (default 60) each, seeded;
# ends with the executions each target ran.
fuzz: deps all kernels
	python3 tests/fuzz/seeds.py
	@rm -f $(B)/fuzz/summary.txt; for f in tests/fuzz/fuzz_*.c; do \
		sh tests/fuzz/run-one.sh $$f $${FWBOOT_FUZZ_SECONDS:-60} | tail -n 1 | tee -a $(B)/fuzz/summary.txt; \
		grep -q FAILED $(B)/fuzz/summary.txt && exit 1; done; echo "--- executions per target:"; cat $(B)/fuzz/summary.txt
