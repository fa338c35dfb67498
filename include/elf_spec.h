/* SPDX-License-Identifier: BSD-2-Clause */
/* ELF32/ELF64 layout facts fwboot reads (System V gABI), little-endian x86. */
#ifndef FWBOOT_ELF_SPEC_H
#define FWBOOT_ELF_SPEC_H

#define ELF_MAGIC "\177ELF"
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define PT_DYNAMIC 2
#define PF_X 1
#define PF_W 2
#define ET_EXEC 2
#define ET_DYN 3
#define EH_TYPE 16

/* Offsets in the ELF header: 32-bit / 64-bit. */
#define EH32_ENTRY 24
#define EH32_PHOFF 28
#define EH32_PHENTSIZE 42
#define EH32_PHNUM 44
#define EH32_SIZE 52
#define EH64_ENTRY 24
#define EH64_PHOFF 32
#define EH64_PHENTSIZE 54
#define EH64_PHNUM 56
#define EH64_SIZE 64
#define EH_MACHINE 18

#define PH32_SIZE 32
#define PH64_SIZE 56

/* Section header table: where the ELF header says it is. */
#define EH32_SHOFF 32
#define EH32_SHENTSIZE 46
#define EH32_SHNUM 48
#define EH32_SHSTRNDX 50
#define EH64_SHOFF 40
#define EH64_SHENTSIZE 58
#define EH64_SHNUM 60
#define EH64_SHSTRNDX 62

/* Section header fields: 32-bit / 64-bit. */
#define SH32_SIZE 40
#define SH32_TYPE 4
#define SH32_ADDR 12
#define SH32_OFFSET 16
#define SH32_SIZE_F 20
#define SH32_ADDRALIGN 32
#define SH64_SIZE 64
#define SH64_TYPE 4
#define SH64_ADDR 16
#define SH64_OFFSET 24
#define SH64_SIZE_F 32
#define SH64_ADDRALIGN 48
#define SHT_NOBITS 8

#endif
