/* SPDX-License-Identifier: BSD-2-Clause */
/* platform/efi/devpath.c (fwboot.efi's platform layer, pure): the file a device
 * path names, and whether the load options start with it. */
#include <stdio.h>
#include <string.h>
#include "../../platform/efi/devpath.c"
#include "test.h"

static uint8_t dp[512];
static size_t dn;

static void node(uint8_t type, uint8_t sub, const void *data, size_t len)
{
	dp[dn] = type;
	dp[dn + 1] = sub;
	dp[dn + 2] = (uint8_t)(len + 4);
	dp[dn + 3] = (uint8_t)((len + 4) >> 8);
	if (len)
		memcpy(dp + dn + 4, data, len);
	dn += len + 4;
}

static void file_node(const char *s)
{
	uint8_t w[128];
	size_t n = strlen(s);
	for (size_t i = 0; i <= n; i++) {
		w[2 * i] = (uint8_t)s[i];
		w[2 * i + 1] = 0;
	}
	node(4, 4, w, 2 * (n + 1));
}

int main(void)
{
	char buf[64];
	uint8_t hd[38] = { 1 };

	/* a hard-drive node, then the file, then the end */
	dn = 0;
	node(4, 1, hd, sizeof(hd));
	file_node("\\EFI\\BOOT\\BOOTX64.EFI");
	node(0x7f, 0xff, 0, 0);
	ok(efi_devpath_file(dp, dn, buf, sizeof(buf)));
	ok_str(buf, "\\EFI\\BOOT\\BOOTX64.EFI");
	/* a path in pieces (GRUB's chainloader), joined */
	dn = 0;
	node(4, 1, hd, sizeof(hd));
	file_node("\\boot");
	file_node("fwboot.efi");
	node(0x7f, 0xff, 0, 0);
	ok(efi_devpath_file(dp, dn, buf, sizeof(buf)));
	ok_str(buf, "\\boot\\fwboot.efi");
	ok(efi_names_image("/boot/FWBOOT.EFI", buf));
	dn = 0;
	file_node("\\EFI\\");
	file_node("\\x.efi");
	node(0x7f, 0xff, 0, 0);
	ok(efi_devpath_file(dp, dn, buf, sizeof(buf)));
	ok_str(buf, "\\EFI\\\\x.efi");	/* both sides had one: kept as given */
	/* a file node before another kind of node does not count */
	dn = 0;
	file_node("\\old");
	node(4, 1, hd, sizeof(hd));
	node(0x7f, 0xff, 0, 0);
	ok(!efi_devpath_file(dp, dn, buf, sizeof(buf)));
	/* cut to fit, non-ASCII as '?' */
	dn = 0;
	{
		uint8_t w[] = { 'a', 0, 0xe9, 0, 'b', 0, 0, 0 };
		node(4, 4, w, sizeof(w));
	}
	node(0x7f, 0xff, 0, 0);
	ok(efi_devpath_file(dp, dn, buf, 3));
	ok_str(buf, "a?");
	/* no file node (OVMF's -kernel from memory), malformed paths */
	dn = 0;
	node(1, 3, hd, 20);
	node(0x7f, 0xff, 0, 0);
	ok(!efi_devpath_file(dp, dn, buf, sizeof(buf)));
	ok(!efi_devpath_file(0, 100, buf, sizeof(buf)));
	dn = 0;
	file_node("x.efi");
	ok(!efi_devpath_file(dp, dn, buf, sizeof(buf)));	/* no end node within the limit */
	dp[0] = 4, dp[1] = 4, dp[2] = 2, dp[3] = 0;		/* a node shorter than its header */
	ok(!efi_devpath_file(dp, sizeof(dp), buf, sizeof(buf)));
	memset(dp, 0, sizeof(dp));
	for (size_t i = 0; i + 4 <= sizeof(dp); i += 4)
		dp[i] = 1, dp[i + 2] = 4;			/* more nodes than the walk takes */
	ok(!efi_devpath_file(dp, sizeof(dp), buf, sizeof(buf)));

	/* the first word of the load options against the image's file */
	ok(efi_names_image("fwboot.efi", "\\fwboot.efi"));
	ok(efi_names_image("fs0:\\EFI\\fwboot\\FWBOOT.EFI", "\\EFI\\fwboot\\fwboot.efi"));
	ok(efi_names_image("fwboot name=opt/x", "\\EFI\\BOOT\\fwboot.efi"));	/* the shell adds .efi */
	ok(efi_names_image("fs0:fwboot.efi name=opt/x", "\\fwboot.efi"));
	ok(efi_names_image("  BOOTX64.EFI", "/EFI/BOOT/BOOTX64.EFI"));
	ok(!efi_names_image("foo", "\\boot\\fwboot.efi"));	/* GRUB: "chainloader /boot/fwboot.efi foo" */
	ok(!efi_names_image("name=opt/fwboot/k", "\\fwboot.efi"));
	ok(!efi_names_image("fwboot.elf", "\\fwboot.efi"));
	ok(!efi_names_image("fwboot.efix", "\\fwboot.efi"));
	ok(!efi_names_image("fwboot.efi", 0));		/* loaded from no file */
	ok(!efi_names_image("", "\\fwboot.efi"));
	ok(!efi_names_image("fs0:\\", "\\"));
	/* OVMF's -kernel: the image is the file "kernel" of its fw_cfg file system */
	ok(!efi_names_image("name=opt/fwboot/kernel initrd=x", "kernel"));
	ok(efi_names_image("kernel", "kernel"));
	ok(efi_names_image("EFI\\fwboot.efi", "\\EFI\\fwboot.efi"));	/* relative to the shell's directory */
	ok(!efi_names_image("FI\\fwboot.efi", "\\EFI\\fwboot.efi"));	/* not from a directory on */
	ok(!efi_names_image("\\boot\\fwboot.efi", "\\EFI\\boot\\fwboot.efi"));	/* rooted elsewhere */
	ok(!efi_names_image("/boot/", "\\boot\\fwboot.efi"));
	return test_done("efi_devpath");
}
