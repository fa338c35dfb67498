/* SPDX-License-Identifier: BSD-2-Clause */
/* The probe table, in the documented order. A file that no loader takes is
 * refused with every loader's reason. */
#include "kernel/formats/image.h"
#include "kernel/alloc.h"
#include "lib/memops.h"
#include "kernel/formats/limine.h"
#include "kernel/formats/linux.h"
#include "kernel/formats/mb1.h"
#include "kernel/formats/mb2.h"
#include "kernel/formats/pe.h"
#include "kernel/formats/pvh.h"
#include "include/status.h"
#include "lib/str.h"
#include "lib/fmt.h"

/* EFI images come first where the firmware starts them (a Linux kernel
 * with an EFI stub boots through it, as systemd-boot starts it), last
 * elsewhere (there it is Linux, and a plain EFI image is refused by name). */
static const struct image_type efi_type = { "efi", 0, pe_probe, pe_plan };
static const struct image_type native_types[] = {
	{ "multiboot2", mb2_probe, 0, mb2_plan },
	{ "multiboot1", mb1_probe, 0, mb1_plan },
	{ "linux", linux_probe, 0, linux_plan },
	{ "pvh", pvh_probe, 0, pvh_plan },
	{ "limine", limine_probe, 0, limine_plan },	/* no header: found by its requests */
};
#define NNATIVE (sizeof(native_types) / sizeof(native_types[0]))
#define NTYPES (NNATIVE + 1)

static const struct image_type *type_at(const struct boot_env *env, size_t i)
{
	if (env->firmware_machine)
		return i == 0 ? &efi_type : &native_types[i - 1];
	return i < NNATIVE ? &native_types[i] : &efi_type;
}

static int probe(const struct image_type *t, const struct file *f, const uint8_t *hdr, size_t len,
		 const struct boot_env *env, struct diag *d)
{
	return t->probe ? t->probe(f, hdr, len, d) : t->probe_env(f, hdr, len, env, d);
}

/* A file that also carries a Linux header of a protocol before 2.07 (no
 * promised 32-bit entry) is a BIOS program whichever header takes it:
 * grub.lkrn (lnxboot.img before an i386-pc core, which has a Multiboot 1
 * header) calls the BIOS from either way in. Where there is no BIOS, refuse
 * it by name, as the Linux loader refuses the same header. */
static int needs_bios(const struct image_type *t, const struct boot_request *req, const uint8_t *hdr, size_t len,
		      const struct boot_env *env, struct diag *d)
{
	struct linux_header h;
	struct diag ignored;
	if ((!env->no_bios && !env->no_real_mode) || str_eq(t->name, "linux") || str_eq(t->name, "efi") ||
	    linux_parse(hdr, len, req->kernel->size, &h, &ignored) || h.version >= LINUX_32BIT_PROMISED)
		return 0;
	return diag_fail(d, env->no_real_mode ? ST_PLATFORM : ST_BAD_IMAGE, "image: %s: a %s image that also carries "
			 "a Linux boot header of protocol %u.%02u is a BIOS program (as grub.lkrn is), %s%s",
			 req->kernel->name, t->name, h.version >> 8, h.version & 0xff,
			 env->no_real_mode ? "which needs a BIOS: not possible under " : "and " NO_BIOS_SERVICES,
			 env->no_real_mode ? env->no_real_mode : "");
}

/* Xen (a Multiboot kernel) stops with "Unable to find usable platform
 * timer" where there is no HPET, ACPI PM timer or PIT gate (microvm: see
 * docs/matrix.md); its text says what it is, far into the image, so the
 * file is searched for it only on such a machine. 1 when f is Xen. */
#define XEN_SIGNATURE "Xen version "
#define XEN_CHUNK 65536

static int is_xen(const struct file *f)
{
	size_t sig = sizeof(XEN_SIGNATURE) - 1;
	uint8_t *buf = zalloc(XEN_CHUNK + sig);
	if (!buf)
		return 0;
	for (uint64_t off = 0; off < f->size; off += XEN_CHUNK) {
		uint64_t n = f->size - off < XEN_CHUNK + sig ? f->size - off : XEN_CHUNK + sig;
		if (file_read(f, off, buf, n))
			return 0;
		for (size_t i = 0; i + sig <= n; i++)
			if (buf[i] == 'X' && !memcmp(buf + i, XEN_SIGNATURE, sig))
				return 1;
	}
	return 0;
}

static int needs_timer(const struct image_type *t, const struct boot_request *req, const struct boot_env *env,
		       struct diag *d)
{
	if (!env->no_platform_timer || !str_starts(t->name, "multiboot") || !is_xen(req->kernel))
		return 0;
	return diag_fail(d, ST_BAD_IMAGE, "image: %s is Xen, which needs a platform timer (HPET, the ACPI PM timer or "
			 "the PIT's gate at port 0x61) and stops with \"Unable to find usable platform timer\" on this "
			 "machine (%s)", req->kernel->name, env->no_platform_timer);
}

/* The firmware tables a format passes on: Multiboot 2's ACPI and SMBIOS
 * tags, PVH's rsdp_paddr, Limine's RSDP, SMBIOS, SMP (the MADT) and date
 * requests. Linux finds the RSDP itself (QEMU's own -kernel does not name
 * it either), so a BIOS does not search for it there. */
static unsigned tables_for(const struct image_type *t)
{
	if (str_eq(t->name, "multiboot2"))
		return ENV_RSDP | ENV_SMBIOS;
	if (str_eq(t->name, "limine"))
		return ENV_RSDP | ENV_SMBIOS | ENV_MADT | ENV_TIME;
	return str_eq(t->name, "pvh") ? ENV_RSDP : 0;
}

/* entry= chooses between Linux's two entries; every other format has one. */
static int plan_as(const struct image_type *t, const struct boot_request *req, const uint8_t *hdr, size_t len,
		   struct boot_env *env, struct plan *p, struct diag *d)
{
	if (req->entry && !str_eq(t->name, "linux"))
		return diag_fail(d, ST_CMDLINE, "image: entry=%s is a Linux option; %s is a %s kernel, which has "
				 "one entry (drop entry=)", req->entry, req->kernel->name, t->name);
	int r = needs_bios(t, req, hdr, len, env, d);
	if (!r)
		r = needs_timer(t, req, env, d);
	if (!r && env->find_tables)
		env->find_tables(env, tables_for(t));
	return r ? r : t->plan(req, hdr, len, env, p, d);
}

int image_plan(const struct boot_request *req, const uint8_t *hdr, size_t len,
	       struct boot_env *env, struct plan *p, struct diag *d)
{
	const char *name = req->kernel->name;

	if (req->format) {
		for (size_t i = 0; i < NTYPES; i++) {
			const struct image_type *t = type_at(env, i);
			if (!str_eq(req->format, t->name))
				continue;
			int r = probe(t, req->kernel, hdr, len, env, d);
			if (r)
				return r;
			return plan_as(t, req, hdr, len, env, p, d);
		}
		char known[128] = "";
		size_t at = 0;
		for (size_t i = 0; i < NTYPES; i++)
			at += (size_t)fmt_snprintf(known + at, sizeof(known) - at, "%s%s", i ? " " : "",
						   type_at(env, i)->name);
		return diag_fail(d, ST_CMDLINE, "image: unknown format \"%s\" (known: %s)", req->format, known);
	}

	/* the reasons in one order on every platform (the native formats,
	 * then efi), whichever was probed first */
	char why[sizeof(d->msg)];
	struct diag efi_why = { "" };
	size_t at = 0;
	for (size_t i = 0; i < NTYPES; i++) {
		struct diag reason = { "" };
		const struct image_type *t = type_at(env, i);
		if (probe(t, req->kernel, hdr, len, env, &reason) == 0) {
			int r = plan_as(t, req, hdr, len, env, p, d);
			/* an EFI image where no firmware runs it: say what the
			 * loaders here found too (a damaged bzImage is a PE image) */
			if (r == -ST_PLATFORM && at && at < sizeof(why)) {
				size_t n = str_len(d->msg);
				fmt_snprintf(d->msg + n, sizeof(d->msg) - n, "; as other formats: %s", why);
			}
			return r;
		}
		if (t == &efi_type)
			efi_why = reason;
		else if (at < sizeof(why))
			at += (size_t)fmt_snprintf(why + at, sizeof(why) - at, "%s%s", at ? "; " : "", reason.msg);
	}
	if (at < sizeof(why))
		fmt_snprintf(why + at, sizeof(why) - at, "; %s", efi_why.msg);
	return diag_fail(d, ST_BAD_IMAGE, "image: %s is not a bootable image (%s)", name, why);
}
