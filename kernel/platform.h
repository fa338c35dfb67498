/* SPDX-License-Identifier: BSD-2-Clause */
/* The seam: everything a platform provides to the shared front end, and
 * nothing else. Each platform folder implements all of it:
 *   platform/bios  fwboot.elf, fwboot-pvh.elf (SeaBIOS, GRUB, qboot, PVH loaders)
 *   platform/efi   fwboot.efi (UEFI firmware)
 * with platform/x86 holding what both x86 platforms share (UART, fw_cfg
 * ports, TSC, the memory functions). Shared code (kernel/, lib/) includes
 * this header and no platform header; a new platform is a new folder with
 * its source list in the Makefile. The host tests implement it too
 * (tests/unit/host.c), over a simulated machine. */
#ifndef FWBOOT_PLATFORM_H
#define FWBOOT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/fw_cfg.h"
#include "kernel/formats/image.h"
#include "kernel/request.h"
#include "kernel/stage.h"
#include "lib/diag.h"

/* ---- console ---- */

/* Write s to every sink the platform has (COM1, the VGA text screen,
 * ConOut), as is ('\n' becomes what each sink needs). Bounded: a missing
 * or stuck sink drops output, never hangs. */
void platform_console_write(const char *s);

/* The end: report status where the machine can (QEMU's isa-debug-exit),
 * then halt, or hand status back to the firmware that started fwboot,
 * giving back what fwboot took. Never returns. */
__attribute__((noreturn)) void platform_exit(int status);

/* Where the payload's text output goes on after fwboot's: the text
 * cursor (column, row) stored at at[0], at[1]; untouched without a text
 * screen. */
void platform_text_cursor(uint8_t *at);

/* ---- input ---- */

/* The next key (kernel/keys.h) from whichever keyboard has one first
 * (COM1, a PS/2 keyboard, ConIn), waiting at most timeout_ms
 * milliseconds: KEY_NONE when none came. Serial escape sequences come
 * back decoded (key_from_serial). */
int platform_read_key(unsigned timeout_ms);

/* ---- the CPU ---- */

/* CPUID leaf (subleaf 0): regs[0..3] = EAX, EBX, ECX, EDX. */
void platform_cpuid(uint32_t leaf, uint32_t regs[4]);

/* ---- names ---- */

/* iPXE's ${platform} ("pcbios", "efi") and ${buildarch} ("i386",
 * "x86_64") for this build. */
const char *platform_name(void);
const char *platform_buildarch(void);

/* ---- time ---- */

/* Wait about seconds (a script's `sleep`); bounded. */
void platform_sleep(unsigned seconds);
/* A free-running cycle counter (the TSC on x86) for the verbose time line. */
uint64_t platform_cycles(void);
/* Its rate in Hz, and what it was timed against (*clock); 0 when unknown. */
uint64_t platform_cycles_hz(const char **clock);
/* The time of day as UNIX time (the RTC on x86, read as UTC); 0 when unknown. */
int64_t platform_unix_time(void);

/* ---- fw_cfg ---- */

/* How the device is reached (kernel/fw_cfg_dev.h's port and DMA access)
 * for mode: FW_CFG_INB reads a byte per instruction. */
const struct fw_cfg_ops *platform_fw_cfg_ops(enum fw_cfg_mode mode);

/* ---- the machine, for one boot attempt ---- */

/* Fill env for the attempt about to start: the memory map with what
 * fwboot holds claimed, ACPI RSDP, SMBIOS, the display, what the firmware
 * can run itself. May fail cleanly (nothing taken). */
int platform_boot_env(struct boot_env *env, struct diag *d);

/* Memory in which a gzip-compressed kernel k may be read and inflated:
 * *room is a map whose free RAM fwboot may write now (the attempt's own
 * map, or pages taken from the firmware for it). platform_inflate_done
 * then keeps what *room's claims hold (the inflated kernel), claimed in
 * env->mem, and gives back the rest. */
int platform_inflate_room(const struct file *k, struct boot_env *env, struct mem_map **room,
			  struct diag *d);
void platform_inflate_done(struct boot_env *env, struct mem_map *room);

/* What the platform took from the firmware since platform_mark, given
 * back by platform_release (a failed attempt leaves nothing behind). */
uintptr_t platform_mark(void);
void platform_release(uintptr_t mark);

/* ---- hand-off ---- */

/* Carry out a prepared plan (kernel/load.h): load, leave the firmware
 * where there is one, enter the kernel. Returns only on failure, and only
 * while the machine is still as the attempt found it. */
int platform_handoff(struct plan *p, const struct stage_plan *sp, struct diag *d);

/* Start an image the firmware loads itself (a plan with firmware_image
 * set: an EFI application): 0 when it returned. A platform without such
 * firmware refuses by name (ST_PLATFORM). */
int platform_run_firmware_image(const struct boot_request *req, struct diag *d);

/* ---- the TPM (measured boot: kernel/measure.c) ---- */

struct measure;

/* Whether there is a TPM 2.0 to measure into, asked once per run: 1 yes;
 * 0 none (why in d, for the one log line: nothing attached); a negative
 * status when one is there but cannot be used (a refused locality, an
 * active bank fwboot cannot hash, no log area), the reason in d. Every
 * wait bounded. */
int platform_tpm_probe(struct diag *d);

/* Extend m's digests into PCR m->pcr of every active bank and append the
 * matching EV_IPL event (data m->desc) to the firmware's event log: 0, or
 * a negative status naming what failed (the TPM stopped answering, the
 * log area is full, a bank fwboot cannot hash). */
int platform_tpm_measure(const struct measure *m, struct diag *d);

/* And, declared where they are used: handoff_jump (kernel/handoff.h),
 * video_set (kernel/video.h). */

#endif
