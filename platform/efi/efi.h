/* SPDX-License-Identifier: BSD-2-Clause */
/* The few UEFI declarations fwboot.efi uses, written from the UEFI
 * specification 2.10: 3.3 "Globally Defined Variables", 4 "EFI System
 * Table", 7 "Services - Boot Services", 8 "Services - Runtime Services",
 * 9.1 "EFI Loaded Image Protocol", 10.2-10.3 "Device Path", 12.4 "Simple
 * Text Output Protocol", 13.2 "Load File 2 Protocol", appendix D "Status
 * Codes"; and Linux's initrd media GUID (its EFI stub's documentation). Only what is called is
 * spelled out; the other slots of a table are placeholders that keep the
 * offsets, which the _Static_asserts below check against the layout.
 * Calls into the firmware use the Microsoft x64 convention: the compiler
 * (x86_64-w64-mingw32-gcc) uses it already, EFIAPI makes it explicit. */
#ifndef FWBOOT_EFI_H
#define FWBOOT_EFI_H

#include <stddef.h>
#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;	/* UINTN: this build is x86-64 only */
typedef void *efi_handle;
typedef uint16_t efi_char16;	/* UCS-2 */

/* Appendix D: errors have the top bit set. */
#define EFI_ERR(n) ((efi_status)1 << 63 | (n))
#define EFI_SUCCESS 0
#define EFI_LOAD_ERROR EFI_ERR(1)
#define EFI_INVALID_PARAMETER EFI_ERR(2)
#define EFI_UNSUPPORTED EFI_ERR(3)
#define EFI_BUFFER_TOO_SMALL EFI_ERR(5)
#define EFI_NOT_READY EFI_ERR(6)
#define EFI_DEVICE_ERROR EFI_ERR(7)
#define EFI_OUT_OF_RESOURCES EFI_ERR(9)
#define EFI_VOLUME_FULL EFI_ERR(11)
#define EFI_NOT_FOUND EFI_ERR(14)
#define EFI_ABORTED EFI_ERR(21)
#define EFI_PROTOCOL_ERROR EFI_ERR(24)
#define EFI_ACCESS_DENIED EFI_ERR(15)
#define EFI_SECURITY_VIOLATION EFI_ERR(26)
#define EFI_IS_ERROR(s) (((s) >> 63) != 0)

struct efi_guid {
	uint32_t data1;
	uint16_t data2, data3;
	uint8_t data4[8];
};

/* 9.1: 5B1B31A1-9562-11d2-8E3F-00A0C969723B */
#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
	{ 0x5B1B31A1, 0x9562, 0x11d2, { 0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B } }

/* 10.2: 09576E91-6D3F-11d2-8E39-00A0C969723B */
#define EFI_DEVICE_PATH_PROTOCOL_GUID \
	{ 0x09576E91, 0x6D3F, 0x11d2, { 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B } }

/* 13.2 Load File 2: 4006C0C1-FCB3-403E-996D-4A6C8724E06D; LoadFile with a
 * NULL buffer or a short one sets *size and says Buffer Too Small. */
#define EFI_LOAD_FILE2_PROTOCOL_GUID \
	{ 0x4006C0C1, 0xFCB3, 0x403E, { 0x99, 0x6D, 0x4A, 0x6C, 0x87, 0x24, 0xE0, 0x6D } }

struct efi_load_file2 {
	efi_status (EFIAPI *load_file)(struct efi_load_file2 *self, void *file_path, uint8_t boot_policy,
				       uint64_t *size, void *buf);
};

/* Linux's EFI stub (5.7 and later) asks the handle whose device path is
 * VenMedia(5568E427-68FC-4F3D-AC74-CA555231CC68) for its initrd through
 * Load File 2; systemd-boot and GRUB serve it there. */
#define LINUX_EFI_INITRD_MEDIA_GUID \
	{ 0x5568E427, 0x68FC, 0x4F3D, { 0xAC, 0x74, 0xCA, 0x55, 0x52, 0x31, 0xCC, 0x68 } }
/* TCG EFI Protocol Specification 6: EFI_TCG2_PROTOCOL,
 * 607F766C-7455-42BE-930B-E4D76DB2720F. HashLogExtendEvent hashes the data
 * in every active bank, extends the event's PCR and logs the event. */
#define EFI_TCG2_PROTOCOL_GUID \
	{ 0x607F766C, 0x7455, 0x42BE, { 0x93, 0x0B, 0xE4, 0xD7, 0x6D, 0xB2, 0x72, 0x0F } }

struct efi_tcg2 {
	void *get_capability, *get_event_log;
	efi_status (EFIAPI *hash_log_extend_event)(struct efi_tcg2 *self, uint64_t flags, uint64_t data,
						   uint64_t len, void *event);
	void *submit_command, *get_active_pcr_banks, *set_active_pcr_banks, *get_result;
};

#define EFI_DP_MEDIA 0x04
#define EFI_DP_MEDIA_VENDOR 0x03
#define EFI_NATIVE_INTERFACE 0

struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};

struct efi_simple_text_output {
	efi_status (EFIAPI *reset)(struct efi_simple_text_output *self, uint8_t extended);
	efi_status (EFIAPI *output_string)(struct efi_simple_text_output *self, const efi_char16 *s);
	void *test_string, *query_mode, *set_mode, *set_attribute, *clear_screen,
		*set_cursor_position, *enable_cursor, *mode;
};

/* 12.3: the simple text input protocol (ConIn) */
struct efi_input_key {
	uint16_t scan_code;
	efi_char16 unicode_char;
};
struct efi_simple_text_input {
	efi_status (EFIAPI *reset)(struct efi_simple_text_input *self, uint8_t extended);
	efi_status (EFIAPI *read_key_stroke)(struct efi_simple_text_input *self, struct efi_input_key *key);
	void *wait_for_key;
};

/* 7.2: memory allocation */
enum efi_allocate_type { EFI_ALLOCATE_ANY_PAGES, EFI_ALLOCATE_MAX_ADDRESS, EFI_ALLOCATE_ADDRESS };
enum efi_memory_type {
	EFI_RESERVED_MEMORY, EFI_LOADER_CODE, EFI_LOADER_DATA, EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA, EFI_RUNTIME_SERVICES_CODE, EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY, EFI_UNUSABLE_MEMORY, EFI_ACPI_RECLAIM_MEMORY, EFI_ACPI_MEMORY_NVS,
	EFI_MEMORY_MAPPED_IO, EFI_MEMORY_MAPPED_IO_PORT_SPACE, EFI_PAL_CODE, EFI_PERSISTENT_MEMORY,
	EFI_UNACCEPTED_MEMORY,
};
#define EFI_PAGE_SIZE 4096

/* 7.2.3 GetMemoryMap: descriptors of *desc_size bytes each (larger than
 * this struct on some firmware: step by desc_size, never by sizeof). */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start, virtual_start, pages, attribute;
};
#define EFI_MEMORY_DESCRIPTOR_VERSION 1

/* 4.6 configuration table entries: a GUID and its table */
struct efi_configuration_table {
	struct efi_guid guid;
	void *table;
};
/* ACPI 2.0+ RSDP 8868e871-e4f1-11d3-bc22-0080c73c8881; ACPI 1.0 eb9d2d30-2d88-11d3-9a16-0090273fc14d */
#define EFI_ACPI_20_TABLE_GUID \
	{ 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_ACPI_10_TABLE_GUID \
	{ 0xeb9d2d30, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }
/* SMBIOS 3 f2fd1544-9794-4a2c-992e-e5bbcf20e394; SMBIOS 2 eb9d2d31-2d88-11d3-9a16-0090273fc14d */
#define EFI_SMBIOS3_TABLE_GUID \
	{ 0xf2fd1544, 0x9794, 0x4a2c, { 0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94 } }
#define EFI_SMBIOS_TABLE_GUID \
	{ 0xeb9d2d31, 0x2d88, 0x11d3, { 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } }

/* 7.3: OpenProtocol attributes */
#define EFI_OPEN_PROTOCOL_GET_PROTOCOL 0x00000002

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status (EFIAPI *allocate_pages)(enum efi_allocate_type type, enum efi_memory_type mtype,
					    uint64_t pages, uint64_t *addr);
	efi_status (EFIAPI *free_pages)(uint64_t addr, uint64_t pages);
	efi_status (EFIAPI *get_memory_map)(uint64_t *size, struct efi_memory_descriptor *map, uint64_t *key,
					    uint64_t *desc_size, uint32_t *desc_version);
	efi_status (EFIAPI *allocate_pool)(enum efi_memory_type mtype, uint64_t size, void **buf);
	efi_status (EFIAPI *free_pool)(void *buf);
	void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
	efi_status (EFIAPI *install_protocol_interface)(efi_handle *h, const struct efi_guid *proto,
							 uint32_t interface_type, void *iface);
	void *reinstall_protocol_interface;
	efi_status (EFIAPI *uninstall_protocol_interface)(efi_handle h, const struct efi_guid *proto, void *iface);
	efi_status (EFIAPI *handle_protocol)(efi_handle h, const struct efi_guid *proto, void **iface);
	void *reserved, *register_protocol_notify, *locate_handle, *locate_device_path,
		*install_configuration_table;
	/* 7.4: image services */
	efi_status (EFIAPI *load_image)(uint8_t boot_policy, efi_handle parent, void *device_path,
					const void *source, uint64_t source_size, efi_handle *image);
	efi_status (EFIAPI *start_image)(efi_handle image, uint64_t *exit_data_size, efi_char16 **exit_data);
	efi_status (EFIAPI *exit)(efi_handle image, efi_status status, uint64_t exit_data_size,
				  efi_char16 *exit_data);
	efi_status (EFIAPI *unload_image)(efi_handle image);
	efi_status (EFIAPI *exit_boot_services)(efi_handle image, uint64_t map_key);
	void *get_next_monotonic_count;
	efi_status (EFIAPI *stall)(uint64_t microseconds);
	efi_status (EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t data_size,
						 efi_char16 *data);
	void *connect_controller, *disconnect_controller;
	efi_status (EFIAPI *open_protocol)(efi_handle h, const struct efi_guid *proto, void **iface,
					   efi_handle agent, efi_handle controller, uint32_t attributes);
	void *close_protocol, *open_protocol_information, *protocols_per_handle, *locate_handle_buffer;
	efi_status (EFIAPI *locate_protocol)(const struct efi_guid *proto, void *registration, void **iface);
	/* the rest are not used */
};

/* 12.9: the Graphics Output Protocol */
#define EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID \
	{ 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
enum efi_gop_pixel_format {
	EFI_GOP_RGBX8 = 0,	/* PixelRedGreenBlueReserved8BitPerColor: red in byte 0 */
	EFI_GOP_BGRX8 = 1,	/* PixelBlueGreenRedReserved8BitPerColor: blue in byte 0 */
	EFI_GOP_BITMASK = 2,	/* PixelBitMask: the masks say */
	EFI_GOP_BLT_ONLY = 3,	/* no framebuffer */
};
struct efi_gop_mode_info {
	uint32_t version, width, height;
	enum efi_gop_pixel_format format;
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
	uint32_t pixels_per_scan_line;
};
struct efi_gop_mode {
	uint32_t max_mode, mode;
	struct efi_gop_mode_info *info;
	uint64_t size_of_info;
	uint64_t fb_base, fb_size;
};
struct efi_gop {
	efi_status (EFIAPI *query_mode)(struct efi_gop *self, uint32_t mode, uint64_t *size,
					struct efi_gop_mode_info **info);
	efi_status (EFIAPI *set_mode)(struct efi_gop *self, uint32_t mode);
	void *blt;
	struct efi_gop_mode *mode;
};
_Static_assert(offsetof(struct efi_gop_mode_info, pixels_per_scan_line) == 32, "PixelsPerScanLine");
_Static_assert(offsetof(struct efi_gop_mode, fb_base) == 24, "FrameBufferBase");
_Static_assert(offsetof(struct efi_gop, mode) == 24, "Mode");

/* 8.2: variable services (GetVariable: where the firmware sends ConOut) */
struct efi_runtime_services {
	struct efi_table_header hdr;
	void *get_time, *set_time, *get_wakeup_time, *set_wakeup_time, *set_virtual_address_map,
		*convert_pointer;
	efi_status (EFIAPI *get_variable)(const efi_char16 *name, const struct efi_guid *vendor,
					  uint32_t *attributes, uint64_t *data_size, void *data);
	void *get_next_variable_name, *set_variable, *get_next_high_monotonic_count;
	/* 8.5.1: never returns */
	void (EFIAPI *reset_system)(uint32_t type, efi_status status, uint64_t data_size, void *data);
};
#define EFI_RESET_SHUTDOWN 2

/* 3.3: 8BE4DF61-93CA-11d2-AA0D-00E098032B8C, the vendor of ConOut, ConIn... */
#define EFI_GLOBAL_VARIABLE_GUID \
	{ 0x8BE4DF61, 0x93CA, 0x11d2, { 0xAA, 0x0D, 0x00, 0xE0, 0x98, 0x03, 0x2B, 0x8C } }

/* 10.3: device path nodes: type, subtype, 16-bit length; a UART is
 * messaging (3) subtype 14; type 0x7F ends the path (subtype 0xFF) or an
 * instance of a multi-instance path (subtype 0x01). */
#define EFI_DP_MESSAGING 0x03
#define EFI_DP_MSG_UART 0x0E
#define EFI_DP_END 0x7F
#define EFI_DP_END_ENTIRE 0xFF

struct efi_system_table {
	struct efi_table_header hdr;
	efi_char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	struct efi_simple_text_input *con_in;
	efi_handle console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	struct efi_simple_text_output *std_err;
	struct efi_runtime_services *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;	/* in bytes */
	void *load_options;
	void *image_base;
	uint64_t image_size;
	enum efi_memory_type image_code_type, image_data_type;
	void *unload;
};

/* Offsets from the specification's tables (x86-64: 8-byte pointers). */
_Static_assert(sizeof(struct efi_table_header) == 24, "EFI_TABLE_HEADER");
_Static_assert(offsetof(struct efi_runtime_services, get_variable) == 72, "GetVariable");
_Static_assert(offsetof(struct efi_runtime_services, reset_system) == 104, "ResetSystem");
_Static_assert(offsetof(struct efi_system_table, con_out) == 64, "EFI_SYSTEM_TABLE.ConOut");
_Static_assert(offsetof(struct efi_system_table, boot_services) == 96, "EFI_SYSTEM_TABLE.BootServices");
_Static_assert(offsetof(struct efi_boot_services, allocate_pages) == 40, "AllocatePages");
_Static_assert(offsetof(struct efi_boot_services, allocate_pool) == 64, "AllocatePool");
_Static_assert(offsetof(struct efi_boot_services, install_protocol_interface) == 128, "InstallProtocolInterface");
_Static_assert(offsetof(struct efi_boot_services, uninstall_protocol_interface) == 144, "UninstallProtocolInterface");
_Static_assert(offsetof(struct efi_boot_services, handle_protocol) == 152, "HandleProtocol");
_Static_assert(offsetof(struct efi_boot_services, load_image) == 200, "LoadImage");
_Static_assert(offsetof(struct efi_boot_services, exit) == 216, "Exit");
_Static_assert(offsetof(struct efi_boot_services, get_memory_map) == 56, "GetMemoryMap");
_Static_assert(offsetof(struct efi_boot_services, exit_boot_services) == 232, "ExitBootServices");
_Static_assert(sizeof(struct efi_memory_descriptor) == 40, "EFI_MEMORY_DESCRIPTOR");
_Static_assert(sizeof(struct efi_configuration_table) == 24, "EFI_CONFIGURATION_TABLE");
_Static_assert(offsetof(struct efi_system_table, configuration_table) == 112, "ConfigurationTable");
_Static_assert(offsetof(struct efi_boot_services, stall) == 248, "Stall");
_Static_assert(offsetof(struct efi_boot_services, open_protocol) == 280, "OpenProtocol");
_Static_assert(offsetof(struct efi_boot_services, locate_protocol) == 320, "LocateProtocol");
_Static_assert(offsetof(struct efi_loaded_image, load_options_size) == 48, "LoadOptionsSize");
_Static_assert(offsetof(struct efi_loaded_image, load_options) == 56, "LoadOptions");
_Static_assert(offsetof(struct efi_loaded_image, image_base) == 64, "ImageBase");

#endif
