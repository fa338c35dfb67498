# SPDX-License-Identifier: BSD-2-Clause
# Multiboot 1 test kernels (mbtest, one C source in several containers and
# layouts) and the demo kernel. Included by the top-level Makefile, whose
# CC, LD, OBJCOPY and B it uses.
#
#   variant  output               container  loaded at
#   elf32    mbtest-elf32.elf     ELF32      0x100000
#   low      mbtest-low.elf       ELF32      0x100000 + a segment at 0x9000
#   aout     mbtest-aout.bin      a.out kludge, flat binary  0x200000
#   aout0    mbtest-aout0.bin     same, load_end_addr = 0    0x300000
#   elf64    mbtest-elf64.elf     ELF64 (32-bit code)        0x100000
#   self     mbtest-self.elf      ELF32      0x30000 (inside fwboot's own range)
#   vaddr    mbtest-vaddr.elf     ELF32, vaddr 0xC0100000 -> paddr 0x100000
#   fake     mbtest-fake.elf      ELF32, two false magics before the header  0x100000
#   high     mbtest-high.elf      ELF32      0x1000000 (in OVMF's boot services data at 256 MiB:
#                                            fwboot.efi stages it)

KB := $(B)/kernels
KSRC := tests/kernels

MBTEST_CFLAGS = -std=gnu11 -O2 -m32 -march=i686 $(FREESTANDING) -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -fno-strict-aliasing \
	-fno-delete-null-pointer-checks -fno-tree-loop-distribute-patterns \
	-mno-sse -mno-mmx -mno-80387 -Wall -Wextra -Werror
MBTEST_LDFLAGS := -m elf_i386 -nostdlib -static --build-id=none -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments

MBTEST_VARIANTS := elf32 low aout aout0 elf64 self vaddr fake high

# Per variant: preprocessor switches, linker script, link address.
MBTEST_DEFS_elf32 :=
MBTEST_DEFS_low := -DMBTEST_LOW
MBTEST_DEFS_aout := -DMBTEST_AOUT
MBTEST_DEFS_aout0 := -DMBTEST_AOUT -DMBTEST_LOAD_TO_EOF
MBTEST_DEFS_elf64 :=
MBTEST_DEFS_self :=
MBTEST_DEFS_vaddr :=
MBTEST_DEFS_fake := -DMBTEST_FAKE_MAGIC
MBTEST_DEFS_high :=

MBTEST_LDS_elf32 := $(KSRC)/mbtest.ld
MBTEST_LDS_low := $(KSRC)/mbtest-low.ld
MBTEST_LDS_aout := $(KSRC)/mbtest.ld
MBTEST_LDS_aout0 := $(KSRC)/mbtest.ld
MBTEST_LDS_elf64 := $(KSRC)/mbtest.ld
MBTEST_LDS_self := $(KSRC)/mbtest.ld
MBTEST_LDS_vaddr := $(KSRC)/mbtest-vaddr.ld
MBTEST_LDS_fake := $(KSRC)/mbtest.ld
MBTEST_LDS_high := $(KSRC)/mbtest.ld

# -n (no page alignment in the file) keeps the Multiboot header within the
# first 8 KiB when a segment at a lower address comes first in the file.
MBTEST_LDX_low := -n
MBTEST_LDX_vaddr := -n

MBTEST_BASE_elf32 := 0x100000
MBTEST_BASE_low := 0x100000
MBTEST_BASE_aout := 0x200000
MBTEST_BASE_aout0 := 0x300000
MBTEST_BASE_elf64 := 0x100000
MBTEST_BASE_self := 0x30000
MBTEST_BASE_vaddr := 0x100000
MBTEST_BASE_fake := 0x100000
MBTEST_BASE_high := 0x1000000

TEST_KERNELS := $(KB)/mbtest-elf32.elf $(KB)/mbtest-low.elf $(KB)/mbtest-aout.bin \
	$(KB)/mbtest-aout0.bin $(KB)/mbtest-elf64.elf $(KB)/mbtest-self.elf \
	$(KB)/mbtest-vaddr.elf $(KB)/mbtest-fake.elf $(KB)/mbtest-high.elf
DEMO_KERNEL := $(KB)/demo.elf

kernels: $(TEST_KERNELS) $(DEMO_KERNEL)

# Keep the per-variant objects and ELF images between builds.
MBTEST_INTERMEDIATE := $(foreach v,$(MBTEST_VARIANTS),$(KB)/obj/$(v)/entry.o \
	$(KB)/obj/$(v)/mbtest.o $(KB)/obj/mbtest-$(v).elf)
.SECONDARY: $(MBTEST_INTERMEDIATE)

# Objects, one set per variant (the variant name is the directory).
$(KB)/obj/%/mbtest.o: $(KSRC)/mbtest.c $(KSRC)/ksyms.h $(KSRC)/kramcheck.h $(KSRC)/mbtest-demo.mk
	@mkdir -p $(dir $@)
	$(CC) $(MBTEST_CFLAGS) $(MBTEST_DEFS_$*) -DMBTEST_VARIANT='"$*"' -c -o $@ $<

$(KB)/obj/%/entry.o: $(KSRC)/entry.S $(KSRC)/mbtest-demo.mk
	@mkdir -p $(dir $@)
	$(CC) -m32 $(MBTEST_DEFS_$*) -c -o $@ $<

# Linked images: $(KB)/obj/mbtest-<variant>.elf, straight ELF32.
.SECONDEXPANSION:
$(KB)/obj/mbtest-%.elf: $(KB)/obj/%/entry.o $(KB)/obj/%/mbtest.o $$(MBTEST_LDS_$$*)
	$(LD) $(MBTEST_LDFLAGS) $(MBTEST_LDX_$*) -T $(MBTEST_LDS_$*) --defsym=MBTEST_BASE=$(MBTEST_BASE_$*) \
		-o $@ $(KB)/obj/$*/entry.o $(KB)/obj/$*/mbtest.o

$(KB)/mbtest-elf32.elf $(KB)/mbtest-low.elf $(KB)/mbtest-self.elf $(KB)/mbtest-vaddr.elf $(KB)/mbtest-fake.elf \
		$(KB)/mbtest-high.elf: \
		$(KB)/%.elf: $(KB)/obj/%.elf
	cp $< $@

# The a.out kludge: a flat binary from the first section to _load_end.
$(KB)/mbtest-aout.bin $(KB)/mbtest-aout0.bin: $(KB)/%.bin: $(KB)/obj/%.elf
	$(OBJCOPY) -O binary $< $@

# ELF64 container around the same 32-bit code.
$(KB)/mbtest-elf64.elf: $(KB)/obj/mbtest-elf64.elf
	$(OBJCOPY) -I elf32-i386 -O elf64-x86-64 $< $@

# ---- the demo kernel ----

DEMO_OBJS := $(KB)/obj/demo/entry.o $(KB)/obj/demo/demo.o

$(KB)/obj/demo/demo.o: demo/demo.c $(KSRC)/mbtest-demo.mk
	@mkdir -p $(dir $@)
	$(CC) $(MBTEST_CFLAGS) -c -o $@ $<

$(KB)/obj/demo/entry.o: demo/entry.S $(KSRC)/mbtest-demo.mk
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -o $@ $<

$(DEMO_KERNEL): $(DEMO_OBJS) demo/demo.ld
	$(LD) $(MBTEST_LDFLAGS) -T demo/demo.ld -o $@ $(DEMO_OBJS)

.PHONY: kernels
