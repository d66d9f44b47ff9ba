package io.shardline.bench.internal;

import java.lang.management.ManagementFactory;

/** CPU time of this whole process: every thread, the job's, the embedded broker's serving it and Flink's runtime. */
public final class ProcessCpu {

    private ProcessCpu() {}

    public static long nanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
