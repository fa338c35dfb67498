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

#endif
