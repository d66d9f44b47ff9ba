package io.shardline.preprocess.internal;

import java.time.Duration;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;

/** The time-to-live every dedup state of preprocessing uses: from the last write, expired entries never read. */
public final class StateTtl {

    private StateTtl() {}

    /** {@code descriptor} with a TTL of {@code ttl} of processing time; zero or negative: no TTL, kept forever. */
    public static <D extends StateDescriptor<?, ?>> D expireAfter(D descriptor, Duration ttl) {
        if (ttl.compareTo(Duration.ZERO) > 0) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).updateTtlOnCreateAndWrite().neverReturnExpired().build());
        }
        return descriptor;
    }
}
