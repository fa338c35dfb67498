/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxtest: a Linux boot protocol kernel (bzImage: setup sectors from
 * lxsetup.S, the protected-mode part at 1 MiB), entered at code32_start
 * with ESI = boot_params (the 32-bit boot protocol, fwboot's entry=32), or
 * through its own setup code (lxsetup.S, fwboot's entry=16), which builds
 * boot_params in place and enters the same way with EAX = LX16_MAGIC.
 * Prints what boot_params holds, one parseable line per fact, then exits
 * through isa-debug-exit: 0x40 (QEMU status 129), 0x41 (131) when ESI does
 * not point at a setup header.
 *
 * Lines ("lxtest: ..."; tests/boot/test_ramcheck.py reads them):
 *   entry path=entry32|setup16 boot_params= version= loader= loadflags= code32_start= init_size= hdrs_ok=
 *   cmdline addr= "..."
 *   initrd addr= size= crc32=
 *   e820 entries=N  and  e820 addr= size= type=  per entry
 *   ramcheck ...   (with "ramcheck" on its command line: kout.h's RAM
 *                  pattern check, outside its own load range
 *                  [code32_start, +init_size), the initrd, the command
 *                  line and boot_params)
 *   done
 */
#include "kout.h"

void lxtest_main(uint32_t esi, uint32_t eax);

#define LX16_MAGIC 0x4c583136	/* EAX from lxsetup.S's setup code */

/* boot_params offsets (Linux's Documentation/arch/x86/zero-page.rst, boot.rst) */
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_HDRS 0x202
#define BP_VERSION 0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32_START 0x214
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMD_LINE_PTR 0x228
#define BP_INIT_SIZE 0x260
#define BP_E820_TABLE 0x2d0
#define BP_E820_MAX 128
#define BP_SIZE 4096

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

void lxtest_main(uint32_t esi, uint32_t eax)
{
	kout_init("lxtest");
	const uint8_t *bp = (const uint8_t *)(uintptr_t)esi;
	int hdrs = rd32(bp + BP_HDRS) == 0x53726448;	/* "HdrS" */
	uint32_t code32 = rd32(bp + BP_CODE32_START), init_size = rd32(bp + BP_INIT_SIZE);
	out("entry path=%s boot_params=%x version=%x loader=%x loadflags=%x code32_start=%x init_size=%x hdrs_ok=%u", eax == LX16_MAGIC ? "setup16" : "entry32", esi,
	    (uint32_t)(bp[BP_VERSION] | bp[BP_VERSION + 1] << 8), bp[BP_TYPE_OF_LOADER], bp[BP_LOADFLAGS], code32,
	    init_size, (uint32_t)hdrs);
	if (!hdrs)
		kout_exit(KOUT_FAILED);

	uint64_t cmd = rd32(bp + BP_CMD_LINE_PTR) | (uint64_t)rd32(bp + BP_EXT_CMD_LINE_PTR) << 32;
	const char *cmdline = cmd ? (const char *)(uintptr_t)cmd : "";
	if (cmd)
		out("cmdline addr=%L %q", cmd, cmdline);
	uint64_t rd = rd32(bp + BP_RAMDISK_IMAGE) | (uint64_t)rd32(bp + BP_EXT_RAMDISK_IMAGE) << 32;
	uint64_t rdlen = rd32(bp + BP_RAMDISK_SIZE) | (uint64_t)rd32(bp + BP_EXT_RAMDISK_SIZE) << 32;
	if (rdlen)
		out("initrd addr=%L size=%L crc32=%x", rd, rdlen,
		    kout_crc32((const uint8_t *)(uintptr_t)rd, (uint32_t)rdlen));

	uint32_t n = bp[BP_E820_ENTRIES];
	out("e820 entries=%u", n);
	for (uint32_t i = 0; i < n && i < BP_E820_MAX; i++) {
		const uint8_t *e = bp + BP_E820_TABLE + 20 * i;
		out("e820 addr=%L size=%L type=%u", rd64(e), rd64(e + 8), rd32(e + 16));
	}

	if (kout_has_word(cmdline, "ramcheck")) {
		uint64_t ex[4][2] = {
			{ code32, (uint64_t)code32 + init_size },	/* this kernel, its bss, its room */
			{ rd, rd + rdlen },
			{ cmd, cmd + kout_strlen(cmdline) + 1 },
			{ esi, (uint64_t)esi + BP_SIZE },
		};
		kout_ramcheck(ex, 4);
	}
	out("done");
	kout_exit(KOUT_DONE);
}
