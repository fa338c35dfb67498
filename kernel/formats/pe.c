/* SPDX-License-Identifier: BSD-2-Clause */
/* EFI images: which ones this firmware can start. */
#include "kernel/formats/pe.h"
#include "include/status.h"
#include "lib/byteorder.h"
#include "lib/memops.h"

static const char *machine_name(uint16_t m)
{
	return m == PE_MACHINE_X64 ? "x86-64" : m == PE_MACHINE_I386 ? "i386" : "another machine";
}

int pe_parse(const uint8_t *hdr, size_t len, uint16_t *machine, struct diag *d)
{
	if (len < 0x40 || hdr[0] != 'M' || hdr[1] != 'Z')
		return diag_fail(d, ST_BAD_IMAGE, "efi: no MZ signature");
	uint32_t pe = get_le32(hdr + 0x3c);
	if (pe > len || len - pe < 6)
		return diag_fail(d, ST_BAD_IMAGE, "efi: MZ header's PE offset 0x%x is past the first %zu bytes",
				 pe, len);
	if (memcmp(hdr + pe, "PE\0\0", 4))
		return diag_fail(d, ST_BAD_IMAGE, "efi: an MZ header without a PE signature at 0x%x", pe);
	*machine = get_le16(hdr + pe + 4);
	return 0;
}

int pe_probe(const struct file *f, const uint8_t *hdr, size_t len, const struct boot_env *env,
	     struct diag *d)
{
	uint16_t machine;
	int r = pe_parse(hdr, len, &machine, d);
	if (r)
		return r;
	/* Linux for i386 carries an EFI stub for 32-bit firmware: on 64-bit
	 * firmware its 32-bit boot protocol is the way in (as GRUB EFI's linux) */
	if (env->firmware_machine && machine != env->firmware_machine)
		return diag_fail(d, ST_BAD_IMAGE, "efi: %s is a PE image for %s (machine 0x%04x); this firmware "
				 "runs %s images (0x%04x)", f->name, machine_name(machine), machine,
				 machine_name(env->firmware_machine), env->firmware_machine);
	return 0;
}

int pe_plan(const struct boot_request *req, const uint8_t *hdr, size_t len, struct boot_env *env,
	    struct plan *p, struct diag *d)
{
	(void)hdr;
	(void)len;
	if (!env->firmware_machine)
		return diag_fail(d, ST_PLATFORM, "image: %s is an EFI image, which only UEFI firmware can start "
				 "(boot it with fwboot.efi)", req->kernel->name);
	p->firmware_image = 1;
	p->format = "efi";
	return 0;
}
