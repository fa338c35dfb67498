# SPDX-License-Identifier: BSD-2-Clause
# Multiboot 2 and PVH test kernels (mb2test, pvhtest) and their gzipped
# copies. Included by the top-level Makefile after mbtest-demo.mk; uses its CC,
# LD, OBJCOPY and B. Adds to TEST_KERNELS and the `kernels` target.
#
#   file                      container / protocol               linked at, placed at
#   mb2test-elf32.elf         ELF32, Multiboot 2                 0x100000
#   mb2test-elf64.elf         ELF64 (32-bit code), Multiboot 2   0x100000
#   mb2test-aout.bin          flat binary, address + entry tags  0x300000
#   mb2test-reloc.elf         ELF32, relocatable tag: 16-32 MiB, 1 MiB aligned, highest
#   mb2test-reloclow.elf      ELF32, relocatable tag: 3-64 MiB, 2 MiB aligned, lowest
#   mb2test-both.elf          ELF32, Multiboot 2 and Multiboot 1 headers
#   mb2test-fake.elf          ELF32, two false Multiboot 2 magics before the header
#   pvhtest-elf32.elf         ELF32, PHYS32_ENTRY note            0x100000
#   pvhtest-elf64.elf         ELF64 (32-bit code), the same note  0x100000
#   pvhtest-mb1.elf           ELF32, the note and a Multiboot 1 header
#   *.gz                      gzip -9 -n of the above (not pvhtest-mb1)
#   shatest.elf               ELF32, Multiboot 1: fwboot.elf's SHA-256 in a guest  0x100000

K2 := $(B)/kernels
K2SRC := tests/kernels

# mb2test is position-independent: -fPIE with hidden symbols, no jump tables.
K2_CFLAGS = -std=gnu11 -O2 -m32 -march=i686 $(FREESTANDING) -nostdlib -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin -fno-strict-aliasing \
	-fno-delete-null-pointer-checks -fno-tree-loop-distribute-patterns \
	-mno-sse -mno-mmx -mno-80387 -Wall -Wextra -Werror
MB2TEST_CFLAGS = $(K2_CFLAGS) -fPIE -fvisibility=hidden -fno-jump-tables
PVHTEST_CFLAGS = $(K2_CFLAGS) -fno-pic -fno-pie
K2_LDFLAGS := -m elf_i386 -nostdlib -static --build-id=none -z max-page-size=0x1000 \
	-z noexecstack --no-warn-rwx-segments -T $(K2SRC)/mb2test.ld

MB2TEST_VARIANTS := elf32 elf64 aout reloc reloclow both fake
PVHTEST_VARIANTS := elf32 elf64 mb1

MB2TEST_DEFS_elf32 :=
MB2TEST_DEFS_elf64 :=
MB2TEST_DEFS_aout := -DMB2TEST_AOUT
MB2TEST_DEFS_reloc := -DMB2TEST_RELOC -DRELOC_MIN=0x1000000 -DRELOC_MAX=0x2000000 -DRELOC_ALIGN=0x100000 -DRELOC_PREF=2
MB2TEST_DEFS_reloclow := -DMB2TEST_RELOC -DRELOC_MIN=0x300000 -DRELOC_MAX=0x4000000 -DRELOC_ALIGN=0x200000 -DRELOC_PREF=1
MB2TEST_DEFS_both := -DMB2TEST_MB1
MB2TEST_DEFS_fake := -DMB2TEST_FAKE_MAGIC
MB2TEST_BASE_elf32 := 0x100000
MB2TEST_BASE_elf64 := 0x100000
MB2TEST_BASE_aout := 0x300000
MB2TEST_BASE_reloc := 0x200000
MB2TEST_BASE_reloclow := 0x200000
MB2TEST_BASE_both := 0x100000
MB2TEST_BASE_fake := 0x100000

PVHTEST_DEFS_elf32 :=
PVHTEST_DEFS_elf64 :=
PVHTEST_DEFS_mb1 := -DPVHTEST_MB1
PVHTEST_BASE := 0x100000

MB2TEST_KERNELS := $(K2)/mb2test-elf32.elf $(K2)/mb2test-elf64.elf $(K2)/mb2test-aout.bin \
	$(K2)/mb2test-reloc.elf $(K2)/mb2test-reloclow.elf $(K2)/mb2test-both.elf $(K2)/mb2test-fake.elf
PVHTEST_KERNELS := $(K2)/pvhtest-elf32.elf $(K2)/pvhtest-elf64.elf $(K2)/pvhtest-mb1.elf
GZ_KERNELS := $(patsubst %,%.gz,$(MB2TEST_KERNELS) $(K2)/pvhtest-elf32.elf $(K2)/pvhtest-elf64.elf)

TEST_KERNELS += $(MB2TEST_KERNELS) $(PVHTEST_KERNELS) $(GZ_KERNELS)
kernels: $(MB2TEST_KERNELS) $(PVHTEST_KERNELS) $(GZ_KERNELS)

K2_DEPS := $(K2SRC)/mb2-pvh-lx-sha.mk $(K2SRC)/kout.h $(K2SRC)/kramcheck.h $(K2SRC)/ksyms.h
.SECONDARY: $(foreach v,$(MB2TEST_VARIANTS),$(K2)/obj2/mb2-$(v)/mb2test.o $(K2)/obj2/mb2-$(v)/mb2entry.o \
	$(K2)/obj2/mb2test-$(v).elf) \
	$(foreach v,$(PVHTEST_VARIANTS),$(K2)/obj2/pvh-$(v)/pvhtest.o $(K2)/obj2/pvh-$(v)/pvhentry.o \
	$(K2)/obj2/pvhtest-$(v).elf)

$(K2)/obj2/mb2-%/mb2test.o: $(K2SRC)/mb2test.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(MB2TEST_CFLAGS) -DMB2TEST_VARIANT='"$*"' -DMB2TEST_LINK=$(MB2TEST_BASE_$*) -c -o $@ $<

$(K2)/obj2/mb2-%/mb2entry.o: $(K2SRC)/mb2entry.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -m32 $(MB2TEST_DEFS_$*) -c -o $@ $<

$(K2)/obj2/pvh-%/pvhtest.o: $(K2SRC)/pvhtest.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -DPVHTEST_VARIANT='"$*"' -DPVHTEST_LINK=$(PVHTEST_BASE) -c -o $@ $<

$(K2)/obj2/pvh-%/pvhentry.o: $(K2SRC)/pvhentry.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -m32 $(PVHTEST_DEFS_$*) -c -o $@ $<

# Linked, then linked again 16 MiB higher: the two loaded images must be
# byte for byte the same, or the code is not position-independent (the
# relocatable variants rely on it; the others get the check for free).
$(K2)/obj2/mb2test-%.elf: $(K2)/obj2/mb2-%/mb2entry.o $(K2)/obj2/mb2-%/mb2test.o $(K2SRC)/mb2test.ld
	$(LD) $(K2_LDFLAGS) --defsym=KTEST_BASE=$(MB2TEST_BASE_$*) -o $@ $(filter %.o,$^)
	$(LD) $(K2_LDFLAGS) --defsym=KTEST_BASE=$(MB2TEST_BASE_$*)+0x1000000 -o $@.moved $(filter %.o,$^)
	$(OBJCOPY) -O binary -j .text -j .rodata -j .got -j .data -j .pattern $@ $@.bin
	$(OBJCOPY) -O binary -j .text -j .rodata -j .got -j .data -j .pattern $@.moved $@.moved.bin
	@if [ "$*" != aout ] && ! cmp -s $@.bin $@.moved.bin; then \
		echo "mb2test-$*: the image changes with its link address: not position-independent" >&2; \
		rm -f $@; exit 1; fi
	@rm -f $@.moved $@.bin $@.moved.bin

$(K2)/obj2/pvhtest-%.elf: $(K2)/obj2/pvh-%/pvhentry.o $(K2)/obj2/pvh-%/pvhtest.o $(K2SRC)/mb2test.ld
	$(LD) $(K2_LDFLAGS) --defsym=KTEST_BASE=$(PVHTEST_BASE) -o $@ $(filter %.o,$^)

$(K2)/mb2test-elf32.elf $(K2)/mb2test-reloc.elf $(K2)/mb2test-reloclow.elf $(K2)/mb2test-both.elf $(K2)/mb2test-fake.elf \
		$(K2)/pvhtest-elf32.elf $(K2)/pvhtest-mb1.elf: $(K2)/%.elf: $(K2)/obj2/%.elf
	cp $< $@

# ELF64 containers around the same 32-bit code.
$(K2)/mb2test-elf64.elf $(K2)/pvhtest-elf64.elf: $(K2)/%.elf: $(K2)/obj2/%.elf
	$(OBJCOPY) -I elf32-i386 -O elf64-x86-64 $< $@

# The address tag's flat binary: the file is the image up to _load_end.
$(K2)/mb2test-aout.bin: $(K2)/obj2/mb2test-aout.elf
	$(OBJCOPY) -O binary -j .text -j .rodata -j .got -j .data -j .pattern $< $@

$(K2)/%.gz: $(K2)/%
	gzip -9 -n -c $< > $@

.PHONY: kernels

# ---- fbtest: graphics requests (fbentry.S, fbtest.c) ----
#   fbtest-mb1.elf        Multiboot 1, flag 2: linear 800x600x32
#   fbtest-mb1-16.elf     Multiboot 1, flag 2: linear 640x480x16
#   fbtest-mb2.elf        Multiboot 2, framebuffer tag 800x600x32, required
#   fbtest-mb2opt.elf     Multiboot 2, framebuffer tag 800x600x32, optional
#   fbtest-mb2any.elf     Multiboot 2, framebuffer tag 0x0x0 (no preference), required

FBTEST_VARIANTS := mb1 mb1-16 mb2 mb2opt mb2any
FBTEST_DEFS_mb1 := -DFBTEST_MB1 -DFB_W=800 -DFB_H=600 -DFB_D=32
FBTEST_DEFS_mb1-16 := -DFBTEST_MB1 -DFB_W=640 -DFB_H=480 -DFB_D=16
FBTEST_DEFS_mb2 := -DFB_W=800 -DFB_H=600 -DFB_D=32
FBTEST_DEFS_mb2opt := -DFBTEST_FB_OPTIONAL -DFB_W=800 -DFB_H=600 -DFB_D=32
FBTEST_DEFS_mb2any := -DFB_W=0 -DFB_H=0 -DFB_D=0
FBTEST_KERNELS := $(patsubst %,$(K2)/fbtest-%.elf,$(FBTEST_VARIANTS))
TEST_KERNELS += $(FBTEST_KERNELS)
kernels: $(FBTEST_KERNELS)
.SECONDARY: $(foreach v,$(FBTEST_VARIANTS),$(K2)/obj2/fb-$(v)/fbtest.o $(K2)/obj2/fb-$(v)/fbentry.o)

$(K2)/obj2/fb-%/fbtest.o: $(K2SRC)/fbtest.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -DFBTEST_VARIANT='"$*"' -c -o $@ $<

$(K2)/obj2/fb-%/fbentry.o: $(K2SRC)/fbentry.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -m32 $(FBTEST_DEFS_$*) -c -o $@ $<

$(K2)/fbtest-%.elf: $(K2)/obj2/fb-%/fbentry.o $(K2)/obj2/fb-%/fbtest.o $(K2SRC)/mb2test.ld
	$(LD) $(K2_LDFLAGS) --defsym=KTEST_BASE=0x100000 -o $@ $(filter %.o,$^)

# ---- lxtest: a Linux boot protocol kernel (lxsetup.S, lxentry.S, lxtest.c) ----
#   lxtest.bzImage        setup header 2.12, one setup sector, the 32-bit part
#                         at 1 MiB (code32_start), not relocatable
LXTEST_KERNELS := $(K2)/lxtest.bzImage
TEST_KERNELS += $(LXTEST_KERNELS)
kernels: $(LXTEST_KERNELS)
.SECONDARY: $(K2)/obj2/lx/lxtest.o $(K2)/obj2/lx/lxentry.o $(K2)/obj2/lx/lxsetup.o $(K2)/obj2/lxtest.elf

$(K2)/obj2/lx/lxtest.o: $(K2SRC)/lxtest.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -c -o $@ $<

$(K2)/obj2/lx/%.o: $(K2SRC)/%.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -o $@ $<

$(K2)/obj2/lxtest.elf: $(K2)/obj2/lx/lxsetup.o $(K2)/obj2/lx/lxentry.o $(K2)/obj2/lx/lxtest.o $(K2SRC)/lxtest.ld
	$(LD) -m elf_i386 -nostdlib -static --build-id=none -z max-page-size=0x1000 -z noexecstack \
		--no-warn-rwx-segments -T $(K2SRC)/lxtest.ld -o $@ $(filter %.o,$^)

# bzImage: the setup sectors, then the protected-mode part as a flat binary
$(K2)/lxtest.bzImage: $(K2)/obj2/lxtest.elf
	$(OBJCOPY) -O binary -j .setup $< $@.setup
	$(OBJCOPY) -O binary -j .text -j .rodata -j .data $< $@.kernel
	cat $@.setup $@.kernel > $@
	@rm -f $@.setup $@.kernel

# ---- shatest: fwboot.elf's SHA-256 (lib/sha256.c + platform/bios/sha256_i686.S) in a
# guest, against the C compression function (lib/sha256_c.c renamed
# sha256_blocks_ref) and the host's hashlib (test_pins.py) ----
SHATEST := $(K2)/shatest.elf
SHATEST_OBJS := $(K2)/obj2/sha/shaentry.o $(K2)/obj2/sha/shatest.o $(K2)/obj2/sha/sha256.o $(K2)/obj2/sha/md64.o \
	$(K2)/obj2/sha/sha256_i686.o $(K2)/obj2/sha/sha256_ref.o $(K2)/obj2/sha/mem.o
TEST_KERNELS += $(SHATEST)
kernels: $(SHATEST)

$(K2)/obj2/sha/shaentry.o: $(K2SRC)/shaentry.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -o $@ $<
$(K2)/obj2/sha/sha256_i686.o: platform/bios/sha256_i686.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c -o $@ $<
$(K2)/obj2/sha/shatest.o: $(K2SRC)/shatest.c lib/sha256.h $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -I. -c -o $@ $<
$(K2)/obj2/sha/sha256.o: lib/sha256.c lib/sha256.h lib/md64.h $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -I. -c -o $@ $<
$(K2)/obj2/sha/md64.o: lib/md64.c lib/md64.h $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -I. -c -o $@ $<
$(K2)/obj2/sha/sha256_ref.o: lib/sha256_c.c lib/sha256.h $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -I. -Dsha256_blocks=sha256_blocks_ref -c -o $@ $<
$(K2)/obj2/sha/mem.o: platform/x86/memops.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -I. -c -o $@ $<
$(SHATEST): $(SHATEST_OBJS) $(K2SRC)/mb2test.ld
	$(LD) $(K2_LDFLAGS) --defsym=KTEST_BASE=0x100000 -o $@ $(SHATEST_OBJS)

# ---- mb2efi64: a 64-bit Multiboot 2 kernel that keeps EFI boot services
# (tags 7 and 9; fwboot.efi enters it in long mode), built with the host's
# x86-64 gcc, position-independent ----
MB2EFI64 := $(K2)/mb2efi64.elf
MB2EFI64_CFLAGS := -std=gnu11 -O2 -m64 -ffreestanding -nostdinc -isystem $(shell $(HOSTCC) -print-file-name=include) \
	-nostdlib -fpie -fvisibility=hidden -fno-jump-tables -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -Wall -Wextra -Werror
TEST_KERNELS += $(MB2EFI64)
kernels: $(MB2EFI64)

$(K2)/obj2/efi64/mb2efi64.o: $(K2SRC)/mb2efi64.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(MB2EFI64_CFLAGS) -c -o $@ $<
$(K2)/obj2/efi64/mb2efi64e.o: $(K2SRC)/mb2efi64.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -m64 -c -o $@ $<
$(MB2EFI64): $(K2)/obj2/efi64/mb2efi64e.o $(K2)/obj2/efi64/mb2efi64.o $(K2SRC)/mb2efi64.ld
	ld -m elf_x86_64 -nostdlib -static --build-id=none -z max-page-size=0x1000 -z noexecstack \
		--no-warn-rwx-segments -T $(K2SRC)/mb2efi64.ld -o $@ $(filter %.o,$^)

# ---- tpmtest: PCRs 0, 8, 9 read through the TIS FIFO and the ACPI TPM2 log
# area, printed for tests/boot/test_tpm.py ----
TPMTEST := $(K2)/tpmtest.elf
TPMTEST_OBJS := $(K2)/obj2/tpm/tpmentry.o $(K2)/obj2/tpm/tpmtest.o
TEST_KERNELS += $(TPMTEST)
kernels: $(TPMTEST)

$(K2)/obj2/tpm/tpmentry.o: $(K2SRC)/shaentry.S $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -m32 -Dshatest_main=tpmtest_main -c -o $@ $<
$(K2)/obj2/tpm/tpmtest.o: $(K2SRC)/tpmtest.c $(K2_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(PVHTEST_CFLAGS) -I. -c -o $@ $<
$(TPMTEST): $(TPMTEST_OBJS) $(K2SRC)/mb2test.ld
	$(LD) $(K2_LDFLAGS) --defsym=KTEST_BASE=0x100000 -o $@ $(TPMTEST_OBJS)
