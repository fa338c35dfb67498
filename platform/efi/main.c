/* SPDX-License-Identifier: BSD-2-Clause */
/* efi_main: fwboot.efi under UEFI firmware. Set up the platform (console,
 * the load options as the command line, the heap in pages below 4 GiB),
 * then run the one front end (kernel/frontend.c), as fwboot.elf does. */
#include <stdint.h>
#include "kernel/console.h"
#include "kernel/frontend.h"
#include "kernel/steps.h"
#include "include/status.h"
#include "platform/efi/devpath.h"
#include "platform/efi/firmware.h"

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;

/* Load options (UCS-2, bytes as the Loaded Image protocol counts them) to
 * an ASCII command line in buf; ST_CMDLINE for a character outside
 * printable ASCII (fwboot's command line is ASCII). */
static int efi_options_to_ascii(const efi_char16 *opt, uint32_t bytes, char *buf, size_t cap, struct diag *d)
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

/* The load options as fwboot's command line (ASCII, in pool memory of
 * their own size: no limit but the firmware's), read before the heap so
 * the first line already knows quiet and verbose. */
static char image_file[256];	/* "" when fwboot.efi came from no file */
static struct efi_loaded_image *self;

static char *read_load_options(void)
{
	struct diag d;
	efi_status s = efi_st->boot_services->handle_protocol(efi_image, &loaded_image_guid, (void **)&self);
	if (EFI_IS_ERROR(s) || !self)
		panic(ST_INTERNAL, "boot: fwboot.efi has no Loaded Image protocol (EFI status 0x%llx)",
		      (unsigned long long)s);
	void *cl = 0;
	uint64_t cap = self->load_options_size / 2 + 1;
	if (efi_st->boot_services->allocate_pool(EFI_LOADER_DATA, cap, &cl))
		panic(ST_NO_MEMORY, "cmdline: no pool memory for %llu characters of load options",
		      (unsigned long long)cap - 1);
	int r = efi_options_to_ascii(self->load_options, self->load_options_size, cl, cap, &d);
	if (r)
		panic_diag(r, &d);
	/* the file fwboot.efi was loaded from: the shell puts its path first */
	if (!efi_devpath_file(self->file_path, 4096, image_file, sizeof(image_file)))
		image_file[0] = 0;
	return cl;
}

static void log_start(const char *cl)
{
	const struct efi_system_table *st = efi_st;
	char vendor[64];
	size_t i = 0;
	for (; st->firmware_vendor && st->firmware_vendor[i] && i + 1 < sizeof(vendor); i++)
		vendor[i] = st->firmware_vendor[i] < 0x80 ? (char)st->firmware_vendor[i] : '?';
	vendor[i] = 0;
	log_info("boot: started by UEFI firmware (%s, revision 0x%x, UEFI %u.%u)", vendor, st->firmware_revision,
		 st->hdr.revision >> 16, (st->hdr.revision & 0xffff) / 10);
	log_verbose("efi: fwboot.efi at 0x%llx (%llu bytes), %u bytes of load options",
		    (unsigned long long)(uintptr_t)self->image_base, (unsigned long long)self->image_size,
		    self->load_options_size);
	if (image_file[0])
		log_verbose("efi: loaded from the file %s", image_file);
	log_verbose("console: %s", efi_console_sinks());
	(void)cl;
}

efi_status EFIAPI efi_main(efi_handle image, struct efi_system_table *st)
{
	efi_image = image;
	efi_st = st;
	steps_start();
	efi_console_init();
	char *cl = read_load_options();
	frontend_console(cl);
	log_start(cl);
	efi_heap_setup();
	/* The EFI shell puts the image's path first; GRUB's chainloader, OVMF's
	 * -kernel and boot entries pass the options alone. So the first word is
	 * a path only when it names the file fwboot.efi was loaded from:
	 * "chainloader /boot/fwboot.efi foo" is an unknown option, not a path. */
	struct frontend_start fs = { cl, efi_names_image(cl, image_file[0] ? image_file : 0) ? CMDLINE_PATH_FIRST
					 : CMDLINE_PATH_NONE, "fwboot.efi " FWBOOT_VERSION };
	frontend_run(&fs);
	/* the payload came back: hand its end to whoever started fwboot.efi */
	efi_free_all();
	efi_st->boot_services->free_pool(cl);
	return EFI_SUCCESS;
}
