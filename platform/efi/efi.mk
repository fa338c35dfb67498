# SPDX-License-Identifier: BSD-2-Clause
# fwboot.efi: the shared code (SHARED_SRCS) over the UEFI platform
# (platform/efi/) and what both x86 platforms share (platform/x86/), built with Debian's gcc-mingw-w64-x86-64, which writes PE32+
# images with the Microsoft x64 calling convention UEFI uses (no ELF-to-PE
# step, no ABI wrappers). Included by the top-level Makefile; `make` builds
# build/fwboot.efi when that compiler is installed, `make efi` insists.
#
#   make efi      build/fwboot.efi and the EFI test application
#                 build/kernels/efiopts.efi

EFI_CROSS ?= x86_64-w64-mingw32-
EFI_CC := $(EFI_CROSS)gcc
HAVE_EFI_CC := $(shell command -v $(EFI_CC) 2>/dev/null)

# LLP64 (long is 32 bits) and no red zone needed (the MS ABI has none);
# general registers only (the firmware's interrupt handlers keep no SSE
# state of ours); no stack probes (no __chkstk without a C library);
# loops stay loops (platform/x86/memops.c is what memcpy calls). For a Windows target
# gcc reads format(printf) as Microsoft's printf, which has no %zu:
# fmt_vsnprintf is C99's, gnu_printf names it.
# Debian's mingw gcc starts its stddef.h and stdarg.h with an #include_next
# of the C library's (mingw-w64's): with -nostdinc that finds the empty
# files of $(EFI_CHAIN), so only the compiler's own definitions count.
EFI_CHAIN := $(B)/efi/chain
EFI_CFLAGS = -std=gnu11 -O2 -ffreestanding -nostdinc -isystem $(shell $(EFI_CC) -print-file-name=include) \
	-isystem $(shell $(EFI_CC) -print-file-name=include-fixed) -idirafter $(EFI_CHAIN) -D_LIBC_LIMITS_H_ -mgeneral-regs-only -mno-stack-arg-probe -fno-stack-protector -fno-builtin \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-Wall -Wextra -Werror -I. -DFWBOOT_VERSION='"$(VERSION)"' -MMD -MP \
	-Dprintf=gnu_printf
# subsystem 10: EFI application; base relocations, since the firmware
# loads the image wherever it has room.
EFI_LDFLAGS := -nostdlib -Wl,--subsystem,10 -Wl,--enable-reloc-section -Wl,--dynamicbase \
	-Wl,--no-insert-timestamp -e efi_main

EFI_PLATFORM_SRCS := platform/efi/main.c platform/efi/console.c platform/efi/pages.c platform/efi/status.c platform/efi/clock.c platform/efi/input.c platform/efi/handoff.c \
	platform/efi/image.c platform/efi/memmap.c platform/efi/devpath.c platform/efi/gop.c platform/efi/initrd.c platform/efi/tpm.c \
	platform/efi/leave64.S $(X86_SRCS)
EFI_SRCS := $(EFI_PLATFORM_SRCS) $(SHARED_SRCS) lib/sha256_c.c
EFI_OBJS := $(patsubst %,$(B)/efi/%.o,$(EFI_SRCS))

# The hand-off trampoline is i386 code: fwboot.elf's object, as flat bytes
# that platform/efi/leave64.S embeds, with its labels' offsets from the same object.
$(B)/efi/trampoline.bin: $(B)/boot/trampoline.S.o
	@mkdir -p $(dir $@)
	$(OBJCOPY) -O binary -j .text $< $@

$(B)/efi/tramp_syms.h: $(B)/boot/trampoline.S.o platform/efi/efi.mk
	@mkdir -p $(dir $@)
	$(CROSS)nm $< | awk '$$3 == "tramp_reload" { r = $$1 } $$3 == "tramp_code16" { c = $$1 } \
		$$3 == "tramp_end" { e = $$1 } $$3 == "tramp_start" { s = $$1 } END { \
		if (s != "00000000" || !r || !c || !e) exit 1; \
		printf "#define TRAMP_OFF_RELOAD 0x%s\n#define TRAMP_OFF_CODE16 0x%s\n#define TRAMP_OFF_END 0x%s\n", r, c, e }' >$@.tmp
	mv $@.tmp $@

$(B)/efi/platform/efi/leave64.S.o: platform/efi/leave64.S $(B)/efi/trampoline.bin $(B)/efi/tramp_syms.h
	@mkdir -p $(dir $@)
	$(EFI_CC) -I$(B)/efi -DTRAMP_BIN='"$(B)/efi/trampoline.bin"' -c -o $@ $<

$(EFI_CHAIN)/stddef.h $(EFI_CHAIN)/stdarg.h:
	@mkdir -p $(dir $@)
	echo '/* empty: the end of an #include_next chain (platform/efi/efi.mk) */' >$@

$(B)/efi/%.c.o: %.c Makefile platform/efi/efi.mk | $(EFI_CHAIN)/stddef.h $(EFI_CHAIN)/stdarg.h
	@mkdir -p $(dir $@)
	$(EFI_CC) $(EFI_CFLAGS) -c -o $@ $<

$(B)/fwboot.efi: $(EFI_OBJS)
	$(EFI_CC) $(EFI_CFLAGS) $(EFI_LDFLAGS) -o $@ $(EFI_OBJS) -lgcc

# The test application: prints its load options on COM1, exits through
# isa-debug-exit (tests/efi/efiopts.c).
$(B)/kernels/efiopts.efi: tests/efi/efiopts.c platform/efi/efi.h Makefile platform/efi/efi.mk | $(EFI_CHAIN)/stddef.h $(EFI_CHAIN)/stdarg.h
	@mkdir -p $(dir $@)
	$(EFI_CC) $(EFI_CFLAGS) $(EFI_LDFLAGS) -o $@ $<

efi: $(B)/fwboot.efi $(B)/kernels/efiopts.efi

ifneq ($(HAVE_EFI_CC),)
all: $(B)/fwboot.efi
kernels: $(B)/kernels/efiopts.efi
endif

.PHONY: efi
