# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile. 'make' builds everything, 'make check' runs every test
# layer, 'make demo' runs the tutorial topology demo, 'make deps' installs the
# Debian packages all of that needs (as root).

SUBDIRS := lib xdp-lb man
LAYERS := unit bpf net vm

.PHONY: all clean distclean install deps check demo bench fuzz \
	$(addprefix check-,$(LAYERS))

all: config.mk
	@for d in $(SUBDIRS); do $(MAKE) --no-print-directory -C $$d all || exit 1; done

config.mk: configure version.mk
	sh configure

deps:
	@sh lib/install-deps.sh

install: all
	@for d in $(SUBDIRS); do $(MAKE) --no-print-directory -C $$d install || exit 1; done

# Every layer runs even when an earlier one fails; the summary line at the
# end counts them all and the exit status is non-zero on any failure.
check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests check LAYERS="$(LAYERS)"

$(addprefix check-,$(LAYERS)): all
	@$(MAKE) --no-print-directory -C tests check LAYERS="$(@:check-%=%)"

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests net-helpers
	@bash tests/demo.sh

# The full packet fuzzer: a million packets (a short run is in make check).
fuzz: all
	@$(MAKE) --no-print-directory -C tests build/bpf/test_fuzz
	@cd tests && XDP_LB_FUZZ_PACKETS=$${XDP_LB_FUZZ_PACKETS:-1000000} \
		CMOCKA_MESSAGE_OUTPUT=TAP ./build/bpf/test_fuzz

bench: all
	@$(MAKE) --no-print-directory -C tests/bench bench

clean:
	@for d in $(SUBDIRS) tests; do [ -f config.mk ] && $(MAKE) --no-print-directory -C $$d clean; done; true

distclean: clean
	rm -f config.mk
