# SPDX-License-Identifier: MIT
# The fault battery's tools (docs/testing.md), built by `make all`:
#   $(B)/fault/plshim.so  LD_PRELOAD shim: power loss, I/O errors, flag guard
#   $(B)/fault/tvfault    inputs and store verifiers for tests/cli/fault_*.sh
# The shim is built without sanitizers whatever SAN says: it is preloaded
# into sanitized and plain programs alike.

FAULT_SHIM = $(B)/fault/plshim.so
FAULT_TOOL = $(B)/fault/tvfault
EXTRA     += $(FAULT_SHIM) $(FAULT_TOOL)

$(FAULT_SHIM): tests/fault/plshim.c
	@mkdir -p $(dir $@)
	@echo "  SHLIB   $@"
	$(Q)$(CC) -std=c17 -O2 -g -Wall -Wextra $(WERROR) -fPIC -shared \
		-o $@ $< -ldl -lpthread

$(FAULT_TOOL): $(B)/tests/fault/tvfault.o $(B)/collector/device.o \
    $(B)/aggregator/server.o $(B)/aggregator/audit.o \
    $(B)/aggregator/ingest.o $(B)/common/util.o \
    $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The figures the battery's tests left in $(B)/figures (docs/testing.md).
.PHONY: figures
figures:
	@echo "== figures ($(B)) =="
	@cat $(B)/figures/*.txt 2>/dev/null || echo "(none: run make check)"
