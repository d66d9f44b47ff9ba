package io.shardline.ingest;

import java.io.Serializable;

/**
 * The limits the decoder enforces, in bytes or counts. Built from {@link IngestOptions}; every field is one of
 * its options. A record over a limit becomes a dead letter, never an exception.
 */
public record DecoderLimits(
        int maxTextBytes,
        int maxImageBytes,
        int maxSensorBytes,
        int maxIdLength,
        int maxJsonNestingDepth,
        int maxJsonStringLength,
        int maxJsonNumberLength,
        int maxSensorChannels) implements Serializable {

    public DecoderLimits {
        require(maxTextBytes, "maxTextBytes");
        require(maxImageBytes, "maxImageBytes");
        require(maxSensorBytes, "maxSensorBytes");
        require(maxIdLength, "maxIdLength");
        require(maxJsonNestingDepth, "maxJsonNestingDepth");
        require(maxJsonStringLength, "maxJsonStringLength");
        require(maxJsonNumberLength, "maxJsonNumberLength");
        require(maxSensorChannels, "maxSensorChannels");
    }

    private static void require(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + v);
        }
    }
}
