/* fwboot.efi's platform services: pages below 4 GiB from AllocatePages,
 * given back after a failed attempt and on exit; fwboot statuses as EFI
 * statuses; load options; waiting and timing by the firmware's Stall. */
#include "lib/fmt.h"
#include "platform/efi/pages.h"
#include "include/status.h"
#include "kernel/platform.h"
#include "kernel/video.h"
#include "platform/efi/gop.h"

efi_handle efi_image;
struct efi_system_table *efi_st;

#define MAX_LOW 32	/* page runs held at once: the heap, the device, images being loaded */
#define BELOW_4G 0xFFFFFFFFull

static struct { uint64_t addr, pages, seq; } low[MAX_LOW];
static uint64_t low_seq = 1;	/* allocation order, for platform_mark */

void *efi_alloc_low(uint64_t bytes)
{
	uint64_t pages = (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE, addr = BELOW_4G;
	int slot = -1;
	for (int i = 0; i < MAX_LOW && slot < 0; i++)
		if (!low[i].pages)
			slot = i;
	if (slot < 0 || !pages || pages > (BELOW_4G + 1) / EFI_PAGE_SIZE)
		return 0;
	if (efi_st->boot_services->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages, &addr))
		return 0;
	low[slot].addr = addr;
	low[slot].pages = pages;
	low[slot].seq = low_seq++;
	return (void *)(uintptr_t)addr;
}

int efi_pages_adopt(uint64_t addr, uint64_t pages)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (!low[i].pages) {
			low[i].addr = addr;
			low[i].pages = pages;
			low[i].seq = low_seq++;
			return 0;
		}
	return -1;
}

void efi_free_low(void *p)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (low[i].pages && low[i].addr == (uint64_t)(uintptr_t)p) {
			efi_st->boot_services->free_pages(low[i].addr, low[i].pages);
			low[i].pages = 0;
		}
}

void efi_free_all(void)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (low[i].pages) {
			efi_st->boot_services->free_pages(low[i].addr, low[i].pages);
			low[i].pages = 0;
		}
}

uintptr_t platform_mark(void)
{
	return (uintptr_t)low_seq;
}

void platform_release(uintptr_t mark)
{
	for (int i = 0; i < MAX_LOW; i++)
		if (low[i].pages && low[i].seq >= mark) {
			efi_st->boot_services->free_pages(low[i].addr, low[i].pages);
			low[i].pages = 0;
		}
}

/* README "UEFI (OVMF)": each fwboot status has its own EFI status. */
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

int efi_options_to_ascii(const efi_char16 *opt, uint32_t bytes, char *buf, size_t cap, struct diag *d)
{
	size_t n = 0;
	for (uint32_t i = 0; opt && i < bytes / 2 && opt[i]; i++) {
		efi_char16 c = opt[i];
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		if (c < 0x20 || c > 0x7e)
			return diag_fail(d, ST_CMDLINE, "cmdline: load option character %u is U+%04X, not printable "
					 "ASCII (fwboot's command line is ASCII)", i, c);
		if (n + 1 >= cap)
			return diag_fail(d, ST_CMDLINE, "cmdline: the load options are longer than %zu characters",
					 cap - 1);
		buf[n++] = (char)c;
	}
	buf[n] = 0;
	return 0;
}

/* The payload's mode was set through GOP before ExitBootServices
 * (platform/efi/handoff.c): here, after it, only check that it is that mode. */
int video_set(const struct video_caps *c, const struct video_mode *m, struct diag *d)
{
	(void)c;
	if (efi_gop_is_set(m))
		return 0;
	return diag_fail(d, ST_INTERNAL, "video: %ux%ux%u was not set before ExitBootServices", m->width, m->height,
			 m->bpp);
}

void platform_sleep(unsigned seconds)
{
	efi_st->boot_services->stall((uint64_t)seconds * 1000000u);
}

/* The TSC's rate over 10 ms of the firmware's Stall: only while boot
 * services are there (steps_calibrate runs before ExitBootServices). */
uint64_t platform_cycles_hz(const char **clock)
{
	static uint64_t hz;
	*clock = "the firmware's Stall";
	if (!hz && efi_boot_services_up()) {
		uint64_t t0 = platform_cycles();
		efi_st->boot_services->stall(10000);
		hz = (platform_cycles() - t0) * 100;
	}
	return hz;
}
