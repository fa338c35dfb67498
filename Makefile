# SPDX-License-Identifier: BSD-2-Clause
# fwboot: one Makefile, explicit source lists.
#   make          build/fwboot.elf
#   make run      boot the demo kernel through fwboot in QEMU (serial on the terminal)
#   make iso      build/fwboot.iso: GRUB starting fwboot (BIOS: multiboot and
#                 multiboot2; UEFI: fwboot.efi through chainloader)
#   make check    every test: host unit tests, then QEMU boot tests
#   make efi      build/fwboot.efi, the UEFI application (platform/efi/efi.mk)
#   make bench    benchmarks (not tests)
#   make install  fwboot.elf (fwboot.efi when built), the demo, tools
#                 (fwboot-run, fwboot-pcrs), docs and
#                 man pages under $(DESTDIR)$(PREFIX) (PREFIX=/usr/local);
#                 make uninstall
#   make deb      build/deb/fwboot_$(VERSION)_all.deb (dpkg-buildpackage)

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
# Recursive (=), like the flag sets built on it: `make run` and `make check`
# install the cross gcc (deps) after this file is read, so asking the
# compiler for its include directory waits until a recipe needs it.
FREESTANDING = -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-D_LIBC_LIMITS_H_

# Every include is written from the repository's root ("kernel/console.h",
# "platform/x86/io.h"), so an include names the layer it reaches;
# tools/check-layers.sh checks that the layers keep to their order.
# -fomit-frame-pointer: Debian's i686 gcc keeps frame pointers by default,
# and nothing in fwboot walks them (about 700 bytes of the image).
CFLAGS = -std=gnu11 -m32 -march=i686 $(FREESTANDING) -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin \
	-mno-sse -mno-mmx -mno-80387 -mpreferred-stack-boundary=2 -fomit-frame-pointer -Wall -Wextra -Werror \
	-I. -DFWBOOT_VERSION='"$(VERSION)"' -MMD -MP -ffunction-sections -fdata-sections \
	-falign-functions=1 -falign-jumps=1 -falign-loops=1 -falign-labels=1 -fno-inline-small-functions
ASFLAGS := -m32 -nostdinc -I. -MMD -MP
LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T linker.ld

# ---- the layers (docs/architecture.md) ----
# lib/: portable helpers. lib/sha256_c.c is the C compression function
# (the host, fwboot.efi); fwboot.elf has an i686 one (platform/bios).
LIB_SRCS := lib/fmt.c lib/str.c lib/diag.c lib/md64.c lib/sha256.c lib/sha1.c lib/inflate.c
# kernel/: the one front end and what it plans with, for every platform.
KERNEL_SRCS := kernel/frontend.c kernel/files.c kernel/measure.c kernel/console.c kernel/cmdline.c kernel/pin.c kernel/steps.c \
	kernel/fw_cfg.c kernel/fw_cfg_dev.c kernel/fw_cfg_dir.c kernel/file.c kernel/heap.c kernel/physmap.c \
	kernel/plan.c kernel/stage.c kernel/load.c kernel/video_mode.c kernel/keys.c kernel/smbios.c kernel/acpi.c
FORMAT_SRCS := kernel/formats/image.c kernel/formats/mb1.c kernel/formats/mb2.c kernel/formats/linux.c \
	kernel/formats/pvh.c kernel/formats/limine.c kernel/formats/pe.c kernel/formats/elf.c kernel/formats/gunzip.c kernel/formats/cpio.c
SCRIPT_SRCS := kernel/script/run.c kernel/script/expand.c kernel/script/options.c kernel/script/images.c \
	kernel/script/commands.c kernel/script/interact.c
SHARED_SRCS := $(LIB_SRCS) $(KERNEL_SRCS) $(FORMAT_SRCS) $(SCRIPT_SRCS)
# What both x86 platforms share: UART, fw_cfg ports, TSC, memcpy and kin.
X86_SRCS := platform/x86/uart.c platform/x86/fw_cfg_port.c platform/x86/tsc.c platform/x86/memops.c platform/x86/cpuid.c \
	platform/x86/rtc.c
# The BIOS platform: fwboot.elf and fwboot-pvh.elf. boot/multiboot.S (the
# Multiboot headers) first: the header must sit in the first 8 KiB;
# fwboot-pvh.elf is linked without it.
BIOS_SRCS := boot/multiboot.S boot/pvh.S boot/entry.S boot/trampoline.S \
	platform/bios/main.c platform/bios/machine.c platform/bios/start_mb.c platform/bios/start_pvh.c platform/bios/bootinfo.c \
	platform/bios/console.c platform/bios/clock.c platform/bios/cpu.c platform/bios/acpi.c \
	platform/bios/video.c platform/bios/pci.c platform/bios/input.c platform/bios/tpm.c platform/bios/sha256_i686.S $(X86_SRCS)
# (The UEFI platform's list is in platform/efi/efi.mk.)

# Pure code, built for the host tests and the fuzzers too: everything
# shared but the bump heap (the host has its own zalloc) and the loader
# (it writes physical memory); plus the pure parts of the platforms.
HOST_SRCS := $(filter-out kernel/heap.c kernel/load.c,$(SHARED_SRCS)) lib/sha256_c.c \
	platform/bios/bootinfo.c platform/efi/memmap.c platform/efi/devpath.c

SRCS := $(BIOS_SRCS) $(SHARED_SRCS)
OBJS := $(patsubst %,$(B)/%.o,$(SRCS))

all: $(B)/fwboot.elf $(B)/fwboot-pvh.elf

# The loadable image (text + rodata + data) may not grow past this without
# a decision: raise it in the commit that needs the room, and say why
# (104 KiB: the image was 96603 bytes when the budget was set; 106 KiB
# since Multiboot 2's UEFI paths, boot services kept or left, which live in
# the shared planner and so in fwboot.elf too: 106939 bytes then; 113 KiB
# since boot scripts read keys and SMBIOS (issue 24: keys, menus, prompt,
# read, inc, shell, cpuid, settings), about 9 KiB at -Os: 114389 bytes then;
# 112 KiB since issue 25's cuts (byte-order helpers inlined, no frame
# pointers): 113493 bytes then; 140 KiB since measured boot (issue 22: the
# TIS driver, the log walk, the TCG event encoding with SHA-1 and SHA-256
# digests, the policy and its messages; about 7 KiB) and the Limine
# protocol (issue 23: the planner, long mode's page tables, SMP; about
# 21 KiB): 142353 bytes then; 139 KiB since issue 25's second round, code
# aligned to a byte rather than padded (-falign-*=1): 141533 bytes then;
# 137 KiB with -fno-inline-small-functions: 140013 bytes then).
SIZE_BUDGET := 140288

$(B)/fwboot.elf: $(OBJS) linker.ld tools/check-header.sh tools/check-size.sh $(B)/layers.ok
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) -lgcc
	sh tools/check-header.sh $@
	sh tools/check-size.sh $@ $(SIZE_BUDGET) $(CROSS)size || { rm -f $@; exit 1; }

# The same program without the Multiboot headers: QEMU's -kernel tries
# Multiboot before PVH (hw/i386/x86.c), so only an image without a
# Multiboot 1 header is started through its PVH note (pc: pvh.bin; microvm:
# qboot). fwboot.elf carries the note too, for loaders that speak PVH only.
PVH_OBJS := $(filter-out $(B)/boot/multiboot.S.o,$(OBJS))
$(B)/fwboot-pvh.elf: $(PVH_OBJS) linker.ld tools/check-size.sh
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PVH_OBJS) -lgcc
	sh tools/check-size.sh $@ $(SIZE_BUDGET) $(CROSS)size || { rm -f $@; exit 1; }

# The layers keep to their order (shared code reaches no platform, a
# platform no other platform; include/ holds wire formats only).
$(B)/layers.ok: tools/check-layers.sh $(shell find kernel lib include platform -name '*.[chS]')
	@mkdir -p $(B)
	sh tools/check-layers.sh
	@touch $@

# Speed where bytes move (inflating, copying, reading fw_cfg), size elsewhere:
# the rest runs once per boot (parsing, planning, messages), and -Os makes
# it a quarter smaller at no cost a boot can measure.
HOT_SRCS := lib/inflate.c platform/x86/memops.c lib/md64.c lib/sha256_c.c
opt_for = $(if $(filter $(1),$(HOT_SRCS)),-O2,-Os)

# Each object depends on exactly the headers it includes (-MMD: the .d
# files beside the objects), so an edit rebuilds what it touches.
$(B)/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call opt_for,$<) -c -o $@ $<

$(B)/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c -o $@ $<

# ---- host unit tests (ASan + UBSan) ----
# The pure code is compiled once into build/host/libfwboot.a; each test
# links its own file, the host's side of the seam (tests/unit/host.c) and
# the library. An edit recompiles one object and relinks.
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. -Itests/unit \
	-DFWBOOT_VERSION='"$(VERSION)"' -DFWBOOT_HOST -MMD -MP
HOST_OBJS := $(patsubst %,$(B)/host/obj/%.o,$(HOST_SRCS))
HOST_SUPPORT := $(B)/host/obj/tests/unit/host.c.o $(B)/host/obj/tests/unit/plan_check.c.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/host/%,$(UNIT_SRCS))

$(B)/host/obj/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/host/libfwboot.a: $(HOST_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/host/%: $(B)/host/obj/tests/unit/%.c.o $(HOST_SUPPORT) $(B)/host/libfwboot.a
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $< $(HOST_SUPPORT) $(B)/host/libfwboot.a $(if $(findstring inflate,$*),-lz)

unit: $(UNIT_BINS)

# The fuzzers' copy of the library (clang, libFuzzer's instrumentation),
# built once for every harness (tests/fuzz/run-one.sh).
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-I. -Itests/unit -DFWBOOT_HOST -DFWBOOT_FUZZ -DFWBOOT_VERSION='"fuzz"' -MMD -MP
FUZZ_OBJS := $(patsubst %,$(B)/fuzz/obj/%.o,$(HOST_SRCS) tests/unit/host.c tests/unit/plan_check.c)

$(B)/fuzz/obj/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c -o $@ $<

$(B)/fuzz/libfwboot.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

fuzz-lib: $(B)/fuzz/libfwboot.a

-include $(shell find $(B) -name '*.d' 2>/dev/null)

print-pure:
	@echo $(HOST_SRCS)

# The target compiler and its flags (tests/boot/test_package.py checks that
# they are freestanding).
print-target-cc:
	@echo $(CC) $(CFLAGS) -O2

print-size-budget:
	@echo $(SIZE_BUDGET)

# Test kernels and the demo (tests/kernels/*.mk).
-include tests/kernels/mbtest-demo.mk
-include tests/kernels/mb2-pvh-lx-sha.mk
-include tests/kernels/limtest.mk
# fwboot.efi (platform/efi/efi.mk): `make` builds it beside fwboot.elf when the PE toolchain is there.
include platform/efi/efi.mk

iso: $(B)/fwboot.iso

# BIOS and UEFI in one ISO (tools/mkiso.sh): fwboot.efi goes in beside
# fwboot.elf when it is built (platform/efi/efi.mk's HAVE_EFI_CC); without it the
# EFI menu's chainloader finds no file.
ISO_EFI := $(if $(HAVE_EFI_CC),$(B)/fwboot.efi)
$(B)/fwboot.iso: $(B)/fwboot.elf $(ISO_EFI) iso/grub.cfg tools/mkiso.sh
	sh tools/mkiso.sh $(B)/fwboot.elf iso/grub.cfg $@ $(ISO_EFI)

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

# ---- install (guest firmware beside the host's, as Debian's ipxe package keeps
# ipxe.lkrn in /usr/lib/ipxe: $(PREFIX)/lib/fwboot) ----
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
DATADIR := $(PREFIX)/lib/fwboot
DOCDIR := $(PREFIX)/share/doc/fwboot
MANDIR := $(PREFIX)/share/man
INSTALL ?= install
# User-facing tools and their pages (fwboot-run, fwboot-pcrs when they are there).
TOOLS := $(wildcard tools/fwboot-run tools/fwboot-pcrs)
MAN1 := $(wildcard man/*.1)
DOCS := README.md $(wildcard docs/*.md)

# fwboot(7) is the README's "Using fwboot" part: made from it, never edited,
# for the PREFIX it is installed under (its paths name the installed files).
# Dated by the package's changelog (SOURCE_DATE_EPOCH) or the last commit.
MD2MAN = python3 tools/md2man.py README.md --prefix $(PREFIX) --version $(VERSION) \
	--date $$(if [ -n "$$SOURCE_DATE_EPOCH" ]; then date -u -d @$$SOURCE_DATE_EPOCH +%F; \
		else git log -1 --format=%cs 2>/dev/null || date -u +%F; fi)

man:
	@mkdir -p $(B)/man
	$(MD2MAN) $(B)/man/fwboot.7

install: all $(DEMO_KERNEL)
	$(INSTALL) -d $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(MANDIR)/man7
	$(INSTALL) -m 644 $(B)/fwboot.elf $(B)/fwboot-pvh.elf $(DEMO_KERNEL) $(DESTDIR)$(DATADIR)/
	$(if $(HAVE_EFI_CC),$(INSTALL) -m 644 $(B)/fwboot.efi $(DESTDIR)$(DATADIR)/)
	if [ -f $(B)/fwboot.iso ]; then $(INSTALL) -m 644 $(B)/fwboot.iso $(DESTDIR)$(DATADIR)/; fi
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 $(filter docs/%,$(DOCS)) $(DESTDIR)$(DOCDIR)/docs/
	$(MD2MAN) $(DESTDIR)$(MANDIR)/man7/fwboot.7
	$(if $(TOOLS),$(INSTALL) -d $(DESTDIR)$(BINDIR) && $(INSTALL) -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)/)
	$(if $(MAN1),$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 && $(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/)

uninstall:
	rm -f $(DESTDIR)$(DATADIR)/fwboot.elf $(DESTDIR)$(DATADIR)/fwboot-pvh.elf $(DESTDIR)$(DATADIR)/demo.elf \
		$(DESTDIR)$(DATADIR)/fwboot.efi $(DESTDIR)$(DATADIR)/fwboot.iso
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(addprefix $(DESTDIR)$(DOCDIR)/,$(filter docs/%,$(DOCS)))
	rm -f $(DESTDIR)$(MANDIR)/man7/fwboot.7
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOLS))) $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1)))
	-rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR) 2>/dev/null

# The Debian package, from what is committed (debian/), built out of tree.
deb: deps
	sh tools/mkdeb.sh $(VERSION) $(B)/deb

.PHONY: all iso unit fuzz-lib check deps run bench clean print-pure print-target-cc print-size-budget fuzz man install uninstall deb

# make fuzz: every harness for FWBOOT_FUZZ_SECONDS (default 60) each, seeded;
# ends with the executions each target ran.
fuzz: deps all kernels
	python3 tests/fuzz/seeds.py
	@rm -f $(B)/fuzz/summary.txt; for f in tests/fuzz/fuzz_*.c; do \
		sh tests/fuzz/run-one.sh $$f $${FWBOOT_FUZZ_SECONDS:-60} | tail -n 1 | tee -a $(B)/fuzz/summary.txt; \
		grep -q FAILED $(B)/fuzz/summary.txt && exit 1; done; echo "--- executions per target:"; cat $(B)/fuzz/summary.txt
