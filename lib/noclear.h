/* SPDX-License-Identifier: BSD-2-Clause */
/* NOCLEAR: storage fwboot.elf need not zero at its entry, for tables with
 * their own count or ready flag that nothing reads before it writes them.
 * linker.ld keeps .bss.noclear out of the bss boot/entry.S clears, which
 * costs one `rep stosl` iteration per 4 bytes on every boot. Elsewhere (the
 * host tests, fwboot.efi) it is plain bss. */
#ifndef FWBOOT_NOCLEAR_H
#define FWBOOT_NOCLEAR_H

#if defined(__i386__) && !defined(FWBOOT_HOST)
#define NOCLEAR __attribute__((section(".bss.noclear")))
#else
#define NOCLEAR
#endif

#endif
