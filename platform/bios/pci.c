/* SPDX-License-Identifier: BSD-2-Clause */
/* PCI configuration mechanism #1: address to 0xCF8, data at 0xCFC. */
#include "platform/x86/io.h"
#include "platform/bios/pci.h"

#define PCI_ADDR 0xCF8
#define PCI_DATA 0xCFC

static uint32_t address(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | (dev & 31) << 11 | (fn & 7) << 8 | (reg & 0xFC);
}

uint32_t pci_read32(unsigned dev, unsigned fn, unsigned reg)
{
	outl(PCI_ADDR, address(dev, fn, reg));
	return inl(PCI_DATA);
}

void pci_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	outl(PCI_ADDR, address(dev, fn, reg));
	outl(PCI_DATA, v);
}

uint64_t pci_bar_mem(unsigned dev, unsigned fn, unsigned n)
{
	uint32_t lo = pci_read32(dev, fn, PCI_BAR0 + 4 * n);
	if (lo & PCI_BAR_IO)
		return 0;
	uint64_t a = lo & ~0xFu;
	if ((lo & 0x6) == PCI_BAR_MEM64 && n < 5)
		a |= (uint64_t)pci_read32(dev, fn, PCI_BAR0 + 4 * (n + 1)) << 32;
	return a;
}
