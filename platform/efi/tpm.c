/* SPDX-License-Identifier: BSD-2-Clause */
/* Measured boot under UEFI: the firmware's EFI_TCG2_PROTOCOL hashes, extends
 * and keeps the log it hands to the OS (before ExitBootServices: fwboot
 * measures before it plans). A file is read whole into pages for it. */
#include <stdint.h>
#include "kernel/measure.h"
#include "kernel/platform.h"
#include "include/status.h"
#include "platform/efi/firmware.h"

static struct efi_tcg2 *tcg2;

int platform_tpm_probe(struct diag *d)
{
	static const struct efi_guid guid = EFI_TCG2_PROTOCOL_GUID;
	if (EFI_IS_ERROR(efi_st->boot_services->locate_protocol(&guid, 0, (void **)&tcg2)) || !tcg2) {
		diag_fail(d, 0, "the firmware has no EFI_TCG2_PROTOCOL");
		return 0;
	}
	return 1;
}

int platform_tpm_measure(const struct measure *m, struct diag *d)
{
	uint8_t ev[18 + MEASURE_DESC_MAX + 1];
	char sb[40];
	if (!tcg2 || !efi_boot_services_up())
		return diag_fail(d, ST_MEASURE, "boot services are gone");
	size_t n = tcg2_efi_event_encode(ev, sizeof(ev), m->pcr, TCG_EV_IPL, m->desc);
	const void *data = m->data;
	uint8_t *buf = 0;
	if (m->f) {
		buf = efi_alloc_low(m->f->size ? m->f->size : 1);
		if (!buf)
			return diag_fail(d, ST_MEASURE, "no pages to read %s (%llu bytes) into for the firmware to hash",
					 m->f->name, (unsigned long long)m->f->size);
		int r = file_read(m->f, 0, buf, m->f->size);
		if (r) {
			efi_free_low(buf);
			return diag_fail(d, ST_MEASURE, "cannot read %s", m->f->name);
		}
		data = buf;
	}
	efi_status s = tcg2->hash_log_extend_event(tcg2, 0, (uint64_t)(uintptr_t)data, m->f ? m->f->size : m->len,
						   n ? ev : 0);
	if (buf)
		efi_free_low(buf);
	if (EFI_IS_ERROR(s))
		return diag_fail(d, ST_MEASURE, "HashLogExtendEvent failed: %s%s", efi_status_str(s, sb, sizeof(sb)),
				 s == EFI_VOLUME_FULL ? " (the event log is full)" : "");
	return 0;
}
