/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot's error codes. Functions return 0 or a negative status; the panic
 * path writes the positive status to isa-debug-exit (port 0xf4), so QEMU
 * exits with (status << 1) | 1. The README carries the same table. */
#ifndef FWBOOT_STATUS_H
#define FWBOOT_STATUS_H

enum fwboot_status {
	ST_OK = 0,
	ST_INTERNAL = 1,	/* a bug or a CPU exception in fwboot itself: exit 3 */
	ST_CMDLINE = 2,		/* bad fwboot command line: exit 5 */
	ST_NO_FW_CFG = 3,	/* no fw_cfg device or a broken one: exit 7 */
	ST_NOT_FOUND = 4,	/* no such fw_cfg file: exit 9 */
	ST_BAD_IMAGE = 5,	/* malformed or unsupported image: exit 11 */
	ST_NO_MEMORY = 6,	/* does not fit in memory: exit 13 */
	ST_IO = 7,		/* fw_cfg transfer failed: exit 15 */
	ST_SCRIPT = 8,		/* boot script error: exit 17 */
	ST_PIN = 9,		/* a file does not match its sha256= pin: exit 19 */
	ST_PLATFORM = 10,	/* what this platform cannot boot, named (UEFI: a real-mode entry; a BIOS: an EFI application): exit 21 */
	ST_MEASURE = 11,	/* measure=required and a file or command line could not be measured into the TPM: exit 23 */
	ST_LIST = 16,		/* `list` printed the directory and stopped: exit 33 */
};

#endif
