/* SPDX-License-Identifier: BSD-2-Clause */
/* All of fwboot's port I/O and inline assembly, as tiny helpers.
 * Argument order everywhere: port first, then value (outb(port, value)). */
#ifndef FWBOOT_IO_H
#define FWBOOT_IO_H

#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Read n bytes from one port into buf (rep insb). */
static inline void insb(uint16_t port, void *buf, size_t n)
{
	__asm__ volatile("rep insb" : "+D"(buf), "+c"(n) : "d"(port) : "memory");
}

/* Write n bytes from buf to one port (rep outsb): one port I/O
 * instruction, so one exit under KVM, for the whole run. */
static inline void outsb(uint16_t port, const void *buf, size_t n)
{
	__asm__ volatile("rep outsb" : "+S"(buf), "+c"(n) : "d"(port) : "memory");
}

__attribute__((noreturn)) static inline void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* A pointer to a fixed low physical address (the BIOS data area, VGA text
 * memory) that GCC does not judge as a null-pointer offset. */
static inline volatile void *phys_ptr(uintptr_t a)
{
	__asm__("" : "+r"(a));
	return (volatile void *)a;
}

/* Compiler barrier: memory written by the CPU is visible to a DMA engine. */
static inline void barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

/* String moves. Counts are size_t: x86-64's rep reads all of RCX. Under TCG every iteration of a rep prefix costs about the
 * same whatever its width, so bulk work goes four bytes at a time. */
static inline void rep_movsl(void *dst, const void *src, size_t dwords)
{
	__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(dwords) : : "memory");
}

static inline void rep_movsb(void *dst, const void *src, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* Backwards byte copy from the last byte of each range down (memmove). */
static inline void rep_movsb_down(void *dst_last, const void *src_last, size_t n)
{
	__asm__ volatile("std; rep movsb; cld" : "+D"(dst_last), "+S"(src_last), "+c"(n) : : "memory");
}

static inline void rep_stosl(void *dst, uint32_t v, size_t dwords)
{
	__asm__ volatile("rep stosl" : "+D"(dst), "+c"(dwords) : "a"(v) : "memory");
}

static inline void rep_stosb(void *dst, uint8_t v, size_t n)
{
	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(v) : "memory");
}

static inline uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

#endif
