# SPDX-License-Identifier: MIT
# Test-only tools (tests/tools/*.c), one program each, linked with the library.
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOLS    = $(TOOL_SRC:tests/tools/%.c=$(B)/testtools/%)
EXTRA   += $(TOOLS)

$(B)/testtools/%: $(B)/tests/tools/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
