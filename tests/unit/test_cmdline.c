/* SPDX-License-Identifier: BSD-2-Clause */
/* cmdline_parse: path skipping, options, "--", and every rejection. */
#include <stdlib.h>
#include "platform/bios/bootinfo.h"
#include "kernel/cmdline.h"
#include "include/status.h"
#include "test.h"

static int parse(const char *text, struct cmdline *c, struct diag *d)
{
	char *s = strdup(text);	/* parse works in place; leaked on purpose */
	d->msg[0] = 0;
	return cmdline_parse(s, c, d);
}

static int parse_rule(const char *text, enum cmdline_path rule, struct cmdline *c, struct diag *d)
{
	char *s = strdup(text);
	d->msg[0] = 0;
	return cmdline_parse_from(s, rule, c, d);
}

int main(void)
{
	struct cmdline c;
	struct diag d;

	/* QEMU: the path first, then the -append text */
	ok_eq(parse("build/fwboot.elf name=opt/fwboot/kernel initrd=opt/fwboot/mod1 -- arg1 arg2", &c, &d), 0);
	ok_str(c.name, "opt/fwboot/kernel");
	ok_eq(c.ninitrds, 1);
	ok_str(c.initrds[0], "opt/fwboot/mod1");
	ok_str(c.args, "arg1 arg2");
	ok_eq(c.list, 0);
	ok_eq(c.fw_cfg_mode, FW_CFG_AUTO);

	/* GRUB 2: no path */
	ok_eq(parse("name=opt/a initrd=opt/b initrd=opt/c", &c, &d), 0);
	ok_str(c.name, "opt/a");
	ok_eq(c.ninitrds, 2);
	ok_str(c.initrds[0], "opt/b");
	ok_str(c.initrds[1], "opt/c");
	ok_str(c.args, "");

	/* defaults: empty, only a path */
	ok_eq(parse("", &c, &d), 0);
	ok_str(c.name, CMDLINE_DEFAULT_NAME);
	ok_eq(c.ninitrds, 0);
	ok_eq(parse("/boot/fwboot.elf", &c, &d), 0);
	ok_str(c.name, "opt/fwboot/boot");

	/* keywords are never taken for a path */
	ok_eq(parse("list", &c, &d), 0);
	ok_eq(c.list, 1);
	ok_eq(parse("fwboot.elf list", &c, &d), 0);
	ok_eq(c.list, 1);
	ok_eq(parse("-- a  b", &c, &d), 0);
	ok_str(c.args, "a  b");

	/* "--" keeps the rest verbatim, keys included, inner spacing included */
	ok_eq(parse("x.elf name=opt/k --   console=ttyS0  name=foo -- bar ", &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok_str(c.args, "console=ttyS0  name=foo -- bar ");
	/* "--x" is not the separator */
	ok_eq(parse("x.elf --x", &c, &d), -ST_CMDLINE);

	/* tabs and newlines separate too */
	ok_eq(parse("x.elf\tname=opt/t\ninitrd=opt/i", &c, &d), 0);
	ok_str(c.name, "opt/t");
	ok_str(c.initrds[0], "opt/i");

	/* fw_cfg transport */
	ok_eq(parse("fw_cfg=pio", &c, &d), 0);
	ok_eq(c.fw_cfg_mode, FW_CFG_PIO);
	ok_eq(parse("fw_cfg=dma", &c, &d), 0);
	ok_eq(c.fw_cfg_mode, FW_CFG_DMA);
	ok_eq(parse("fw_cfg=fast", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: fw_cfg=fast: expected pio, dma, auto or inb");

	/* format= and entry= */
	ok_eq(parse("format=multiboot1 entry=16", &c, &d), 0);
	ok_str(c.format, "multiboot1");
	ok_str(c.entry, "16");
	ok_eq(parse("format=", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: format= needs a loader name");

	/* bundles: the archive part is what must fit fw_cfg's limit */
	ok_eq(parse("name=opt/fwboot/set.cpio#boot.ipxe", &c, &d), 0);
	ok_str(c.name, "opt/fwboot/set.cpio#boot.ipxe");

	/* console level: quiet and verbose, never taken for the path (GRUB 2
	 * passes none), the last one counts, nothing after "--" counts */
	ok_eq(parse("quiet name=opt/a", &c, &d), 0);
	ok_eq(c.verbosity, 0);
	ok_str(c.name, "opt/a");
	ok_eq(parse("fwboot.elf verbose", &c, &d), 0);
	ok_eq(c.verbosity, 2);
	ok_eq(parse("fwboot.elf", &c, &d), 0);
	ok_eq(c.verbosity, 1);
	ok_eq(cmdline_verbosity(""), 1);
	ok_eq(cmdline_verbosity("fwboot.elf name=opt/a"), 1);
	ok_eq(cmdline_verbosity("quiet"), 0);
	ok_eq(cmdline_verbosity("/boot/fwboot.elf\tverbose name=opt/a"), 2);
	ok_eq(cmdline_verbosity("quiet verbose"), 2);
	ok_eq(cmdline_verbosity("verbose quiet"), 0);
	ok_eq(cmdline_verbosity("name=opt/a -- quiet"), 1);
	ok_eq(cmdline_verbosity("quietly verbosely name=quiet"), 1);
	ok_eq(cmdline_verbosity("x --quiet"), 1);

	/* rejections */
	ok_eq(parse("path name=opt/a bogus=1", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: unknown option \"bogus=1\" (known: name= initrd= sha256= format= entry= fw_cfg= measure= list quiet verbose --)");
	ok_eq(parse("path name=opt/a stray", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: unknown option \"stray\" (known: name= initrd= sha256= format= entry= fw_cfg= measure= list quiet verbose --)");
	ok_eq(parse("name=", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: name= needs a fw_cfg file name");
	ok_eq(parse("initrd=#member", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: initrd= needs a fw_cfg file name");
	ok_eq(parse("name=opt/012345678901234567890123456789012345678901234567890", &c, &d), 0);
	ok_eq(parse("name=opt/0123456789012345678901234567890123456789012345678901", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: name=opt/0123456789012345678901234567890123456789012345678901: "
		      "fw_cfg names have at most 55 characters (this has 56)");

	/* the first word: which loader started fwboot decides */
	ok_eq(cmdline_path_rule("qemu", 1), CMDLINE_PATH_FIRST);
	ok_eq(cmdline_path_rule("GRUB 2.06-13+deb12u1", 1), CMDLINE_PATH_NONE);
	ok_eq(cmdline_path_rule("GRUB 2.06-13+deb12u1", 2), CMDLINE_PATH_NONE);
	ok_eq(cmdline_path_rule("GNU GRUB 0.97", 1), CMDLINE_PATH_GUESS);
	ok_eq(cmdline_path_rule(0, 1), CMDLINE_PATH_GUESS);
	/* PVH loaders (QEMU's pvh.bin, qboot) pass the -append text alone */
	ok_eq(cmdline_path_rule(0, START_PVH), CMDLINE_PATH_NONE);
	ok_eq(cmdline_path_rule("qemu", START_PVH), CMDLINE_PATH_NONE);
	/* QEMU: a path with '=' in it, or even one that looks like an option */
	ok_eq(parse_rule("/srv/build=2/fwboot.elf name=opt/k", CMDLINE_PATH_FIRST, &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok_eq(parse_rule("name=x name=opt/k", CMDLINE_PATH_FIRST, &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok_eq(parse_rule("", CMDLINE_PATH_FIRST, &c, &d), 0);
	ok_str(c.name, CMDLINE_DEFAULT_NAME);
	/* GRUB 2: no path, so a stray first word is an error, not skipped */
	ok_eq(parse_rule("name=opt/k", CMDLINE_PATH_NONE, &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok_eq(parse_rule("nmae=opt/k", CMDLINE_PATH_NONE, &c, &d), -ST_CMDLINE);
	ok(strstr(d.msg, "unknown option \"nmae=opt/k\"") != 0);
	/* an unknown loader: a path unless a keyword; '=' alone no longer makes an option */
	ok_eq(parse("build=2/fwboot.elf name=opt/k", &c, &d), 0);
	ok_str(c.name, "opt/k");
	ok_eq(parse("initrd=opt/i", &c, &d), 0);
	ok_eq(c.ninitrds, 1);

	/* a second name=, format= or entry= is an error, not a silent override */
	ok_eq(parse("name=opt/a name=opt/b", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: name= given twice (opt/a, then opt/b): one file is booted; modules are initrd=");
	ok_eq(parse("format=linux format=pvh", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: format= given twice (linux, then pvh)");
	ok_eq(parse("entry=16 entry=32", &c, &d), -ST_CMDLINE);
	ok_str(d.msg, "cmdline: entry= given twice (16, then 32)");
	ok_eq(parse("name=opt/a -- name=opt/b", &c, &d), 0);	/* after --: the payload's */

	return test_done("cmdline");
}
