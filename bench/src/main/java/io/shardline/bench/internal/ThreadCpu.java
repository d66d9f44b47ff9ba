package io.shardline.bench.internal;

import java.lang.management.ManagementFactory;
import java.util.Map;

/** CPU time per thread group over one job, sampled often enough to catch threads that end with it. */
public final class ThreadCpu {
    private final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new java.util.HashMap<>();
    private final Map<Long, Long> last = new java.util.HashMap<>();
    private final Map<Long, String> names = new java.util.HashMap<>();

    public ThreadCpu() {
        for (long id : mx.getAllThreadIds()) {
            long c = mx.getThreadCpuTime(id);
            if (c >= 0) {
                start.put(id, c);
            }
        }
    }

    public void sample() {
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long c = mx.getThreadCpuTime(info.getThreadId());
            if (c >= 0) {
                last.put(info.getThreadId(), c);
                names.putIfAbsent(info.getThreadId(), info.getThreadName());
            }
        }
    }

    public void print(String job, double processCpuSecs) {
        Map<String, Double> groups = new java.util.TreeMap<>();
        last.forEach((id, c) -> {
            String group = names.get(id).replaceAll("\\(.*", "").replaceAll("[0-9]+", "N");
            groups.merge(group.length() > 60 ? group.substring(0, 60) : group, (c - start.getOrDefault(id, 0L)) / 1e9, Double::sum);
        });
        System.err.printf("  %s: %.2f CPU-s in the process; by thread group:%n", job, processCpuSecs);
        groups.entrySet().stream().filter(e -> e.getValue() > 0.05)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> System.err.printf("    %7.2f  %s%n", e.getValue(), e.getKey()));
    }
}
