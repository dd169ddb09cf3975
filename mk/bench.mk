# SPDX-License-Identifier: MIT
# Benchmarks against baselines (issue 8; docs/performance.md).
#
#   make bench            the whole table at its default scale (< 15 min on
#                         2 cores): writes docs/performance.md
#   make bench-national   a 10^6-record, 32-indicator campaign ingested and
#                         released on this machine (about an hour on 2 cores)
#   BENCH_SCALE=N         multiply the default record counts by N (make bench)
#
# $(B)/bench/tvbench is the benchmark program (tests/bench/*.c): group
# micro-benchmarks, plans with K indicators, a synthetic campaign generator,
# capture latency, and the two baselines (SQLite, ODK-style RSA+AES), which
# need libsqlite3 and OpenSSL (tools/deps.d/bench.list).  Not built by `all`.

BENCH_SRC  = $(wildcard tests/bench/*.c)
BENCH_PROG = $(B)/bench/tvbench
# The collector code that captures a visit (for `tvbench capture`).
BENCH_COL  = collector/capture.c collector/history.c collector/device.c \
	     collector/visit.c

.PHONY: bench bench-national bench-build

$(BENCH_PROG): $(BENCH_SRC:%.c=$(B)/%.o) $(BENCH_COL:%.c=$(B)/%.o) \
    $(COM_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lsqlite3 -lcrypto

bench-build: all $(BENCH_PROG)

bench: deps
	$(Q)$(MAKE) --no-print-directory bench-build
	$(Q)B=$(B) sh tools/bench.sh
	$(Q)$(MAKE) --no-print-directory bench-form

bench-national: deps
	$(Q)$(MAKE) --no-print-directory bench-build
	$(Q)B=$(B) BENCH_NATIONAL=1 sh tools/bench.sh
