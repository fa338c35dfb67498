# SPDX-License-Identifier: BSD-2-Clause
# Limine protocol test kernels (limtest.c), built with the host's x86-64 gcc.
# Included by the top-level Makefile; adds to TEST_KERNELS and `kernels`.
#
#   limtest-r2.elf     ET_EXEC at 0xffffffff80000000, base revision 2
#   limtest-r1-pie.elf PIE linked at 0 (fwboot slides and relocates it), base
#                      revision 1, entered through the entry point request
#   limtest-relr-pie.elf  the same PIE at base revision 2, its relocations packed (RELR)
#   limtest-r0.elf     ET_EXEC, no base revision tag (revision 0)
#   limtest-r3.elf     ET_EXEC, base revision 3 (newer than fwboot's: tag left as is)
#   limtest-5lvl.elf  ET_EXEC, base revision 2, paging mode request preferring 5 levels
#   limtest-low.elf    ET_EXEC at 0x200000: a lower-half kernel, refused
#   limtest-dup.elf    the HHDM request twice: refused

LIMTEST_CFLAGS := -std=gnu11 -O2 -m64 -ffreestanding -nostdinc -isystem $(shell $(HOSTCC) -print-file-name=include) \
	-nostdlib -mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-builtin -fno-jump-tables -Wall -Wextra -Werror
LIMTEST_EXEC := -mcmodel=kernel -fno-pic -fno-pie
LIMTEST_PIE := -fpie -fvisibility=hidden
LIMTEST_LD := ld -m elf_x86_64 -nostdlib -static --build-id=none -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(K2SRC)/limtest.ld

LIMTEST_KERNELS := $(K2)/limtest-r2.elf $(K2)/limtest-r1-pie.elf $(K2)/limtest-r0.elf $(K2)/limtest-r3.elf \
	$(K2)/limtest-5lvl.elf $(K2)/limtest-relr-pie.elf \
	$(K2)/limtest-low.elf $(K2)/limtest-dup.elf
TEST_KERNELS += $(LIMTEST_KERNELS)
kernels: $(LIMTEST_KERNELS)

LIMTEST_DEPS := $(K2SRC)/limtest.c $(K2SRC)/limtest.ld $(K2SRC)/limtest.mk $(K2SRC)/kout.h

define limtest_variant
$(K2)/limtest-$(1).elf: $(LIMTEST_DEPS)
	@mkdir -p $(K2)/objlim
	$(HOSTCC) $(LIMTEST_CFLAGS) $(2) -DLIMTEST_VARIANT='"$(1)"' -c -o $(K2)/objlim/$(1).o $(K2SRC)/limtest.c
	$(LIMTEST_LD) --defsym=LIMTEST_BASE=$(3) $(4) -o $$@ $(K2)/objlim/$(1).o
endef
$(eval $(call limtest_variant,r2,$(LIMTEST_EXEC),0xffffffff80000000,))
$(eval $(call limtest_variant,r1-pie,$(LIMTEST_PIE) -DLIMTEST_REV=1 -DLIMTEST_ENTRY_REQ,0,-pie --no-dynamic-linker))
$(eval $(call limtest_variant,relr-pie,$(LIMTEST_PIE) -DLIMTEST_ENTRY_REQ,0,-pie --no-dynamic-linker -z pack-relative-relocs))
$(eval $(call limtest_variant,r0,$(LIMTEST_EXEC) -DLIMTEST_REV=-1,0xffffffff80000000,))
$(eval $(call limtest_variant,r3,$(LIMTEST_EXEC) -DLIMTEST_REV=3,0xffffffff80000000,))
$(eval $(call limtest_variant,5lvl,$(LIMTEST_EXEC) -DLIMTEST_5LVL,0xffffffff80000000,))
$(eval $(call limtest_variant,low,-fno-pic -fno-pie,0x200000,))
$(eval $(call limtest_variant,dup,$(LIMTEST_EXEC) -DLIMTEST_DUP,0xffffffff80000000,))
