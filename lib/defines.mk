# SPDX-License-Identifier: GPL-2.0
# Included by every sub-Makefile: configuration, flags, install locations.

TOP_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

ifeq ($(wildcard $(TOP_DIR)/config.mk),)
$(error config.mk is missing: run ./configure first (or 'make' at the top level))
endif
include $(TOP_DIR)/config.mk
include $(TOP_DIR)/version.mk

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BPF_DIR_MNT ?= /sys/fs/bpf

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror
DEFINES := -DXDP_LB_VERSION=\"$(XDP_LB_VERSION)\" -DBPF_DIR_MNT=\"$(BPF_DIR_MNT)\" \
	-DLIBBPF_VERSION_STR=\"$(LIBBPF_VERSION)\" -DLIBXDP_VERSION_STR=\"$(LIBXDP_VERSION)\"
CPPFLAGS += -I$(TOP_DIR)/headers -I$(TOP_DIR)/lib $(DEFINES) \
	$(LIBBPF_CFLAGS) $(LIBXDP_CFLAGS)
LDLIBS += $(LIBXDP_LDLIBS) $(LIBBPF_LDLIBS) $(LIBELF_LDLIBS) $(ZLIB_LDLIBS)

# BTF (-g) is required: libxdp needs it to run the program under its
# dispatcher, and libbpf needs it for map-in-map definitions.
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -Wno-unused-value \
	-Wno-pointer-sign -Wno-compare-distinct-pointer-types \
	-fno-stack-protector $(ARCH_INCLUDES) -I$(TOP_DIR)/headers

LIB_A := $(TOP_DIR)/lib/libxdplb.a

# Every compile writes what it read to $@.d (system headers included: -MD,
# not -MMD), every link to $@.ld.d. Make uses them to rebuild after a header
# changes; tests/deps/check-packages.py checks that each file read outside the
# tree comes from a package lib/install-deps.sh installs.
DEPFLAGS = -MD -MP -MF $@.d
LINK_DEPFLAGS = -Wl,--dependency-file=$@.ld.d

ifeq ($(V),1)
Q =
QUIET_CC =
QUIET_CLANG =
QUIET_LINK =
QUIET_GEN =
QUIET_AR =
else
Q = @
QUIET_CC = @echo '    CC       '$@;
QUIET_CLANG = @echo '    CLANG    '$@;
QUIET_LINK = @echo '    LINK     '$@;
QUIET_GEN = @echo '    GEN      '$@;
QUIET_AR = @echo '    AR       '$@;
endif
