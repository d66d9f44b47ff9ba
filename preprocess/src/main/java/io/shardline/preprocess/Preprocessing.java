package io.shardline.preprocess;

import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.TextSample;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The preprocessing stage between ingest and the shard writer, one method per modality. The pipeline calls
 * these for every run; each returns the stream its shard sink consumes.
 *
 * <p>This release ships no per-modality transforms yet: each method passes its stream on as it is, adding no
 * operator (so the pass-through path costs nothing). Transforms added here must keep the exactly-once
 * contract: deterministic per record, state only in Flink managed state, and every dropped record counted
 * by reason.
 */
public final class Preprocessing {

    private Preprocessing() {}

    public static DataStream<TextSample> text(DataStream<TextSample> in, ReadableConfig conf) {
        return in;
    }

    public static DataStream<ImageSample> image(DataStream<ImageSample> in, ReadableConfig conf) {
        return in;
    }

    public static DataStream<SensorSample> sensor(DataStream<SensorSample> in, ReadableConfig conf) {
        return in;
    }
}
