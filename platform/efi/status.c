/* SPDX-License-Identifier: BSD-2-Clause */
/* fwboot's statuses as EFI statuses (README, "UEFI (OVMF)"), and EFI
 * statuses by name for messages. */
#include "platform/efi/firmware.h"
#include "include/status.h"
#include "lib/fmt.h"

/* Each fwboot status has its own EFI status. */
efi_status efi_status_of(int st)
{
	switch (st < 0 ? -st : st) {
	case ST_OK:
	case ST_LIST:
		return EFI_SUCCESS;
	case ST_CMDLINE:
		return EFI_INVALID_PARAMETER;
	case ST_NO_FW_CFG:
		return EFI_NOT_READY;
	case ST_NOT_FOUND:
		return EFI_NOT_FOUND;
	case ST_BAD_IMAGE:
		return EFI_LOAD_ERROR;
	case ST_NO_MEMORY:
		return EFI_OUT_OF_RESOURCES;
	case ST_IO:
		return EFI_DEVICE_ERROR;
	case ST_SCRIPT:
		return EFI_ABORTED;
	case ST_PIN:
		return EFI_SECURITY_VIOLATION;
	case ST_PLATFORM:
		return EFI_UNSUPPORTED;
	case ST_MEASURE:
		return EFI_SECURITY_VIOLATION;
	default:
		return EFI_PROTOCOL_ERROR;	/* ST_INTERNAL and anything new */
	}
}

const char *efi_status_str(efi_status s, char *buf, size_t cap)
{
	static const char *const names[] = {
		[1] = "Load Error", [2] = "Invalid Parameter", [3] = "Unsupported", [4] = "Bad Buffer Size",
		[5] = "Buffer Too Small", [6] = "Not Ready", [7] = "Device Error", [8] = "Write Protected",
		[9] = "Out of Resources", [14] = "Not Found", [15] = "Access Denied", [21] = "Aborted",
		[24] = "Protocol Error", [26] = "Security Violation",
	};
	uint64_t code = s & ~((efi_status)1 << 63);
	if (s == EFI_SUCCESS)
		fmt_snprintf(buf, cap, "0 Success");
	else if (EFI_IS_ERROR(s) && code < sizeof(names) / sizeof(names[0]) && names[code])
		fmt_snprintf(buf, cap, "0x%llx %s", (unsigned long long)s, names[code]);
	else
		fmt_snprintf(buf, cap, "0x%llx", (unsigned long long)s);
	return buf;
}

