/* SPDX-License-Identifier: BSD-2-Clause */
/* PCI configuration space through the legacy mechanism #1 (ports 0xCF8 /
 * 0xCFC), bus 0 only: enough to find QEMU's display. */
#ifndef FWBOOT_PCI_H
#define FWBOOT_PCI_H

#include <stdint.h>

#define PCI_VENDOR_ID 0x00	/* u16; 0xFFFF: no device */
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04	/* u16 */
#define PCI_CLASS_REV 0x08	/* u32: class, subclass, prog-if, revision */
#define PCI_BAR0 0x10
#define PCI_CMD_IO 0x1
#define PCI_CMD_MEMORY 0x2
#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM64 0x4	/* type bits 2:1 = 2 */

uint32_t pci_read32(unsigned dev, unsigned fn, unsigned reg);
void pci_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v);
/* A memory BAR's address (n = 0..5; a 64-bit BAR takes n and n+1); 0 for an I/O or empty one. */
uint64_t pci_bar_mem(unsigned dev, unsigned fn, unsigned n);

#endif
