# SPDX-License-Identifier: MIT
# HTTP transport: test clients (tests/http/) and the benchmark.
#
#   make bench-http    HTTP ingest vs file ingest (tools/bench_http.sh);
#                      not part of check.  BENCH_COLLECTORS=N BENCH_BATCHES=N

HTTP_TOOLS = $(B)/tests/http/hostile $(B)/tests/http/load \
             $(B)/tests/http/malformed
EXTRA     += $(HTTP_TOOLS)

.PHONY: bench-http

$(B)/tests/http/hostile: $(B)/tests/http/hostile.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

$(B)/tests/http/load: $(B)/tests/http/load.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcurl -lpthread

$(B)/tests/http/malformed: $(B)/tests/http/malformed.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcurl

bench-http: all
	$(Q)B=$(B) sh tools/bench_http.sh
