package io.shardline.ingest;

import io.shardline.format.Modality;

/**
 * What the Kafka source emits for each record: exactly one of a sample of its modality or a dead letter.
 * Exists only between the source and {@link IngestRouter}, within one operator chain.
 *
 * @param modality the modality of the topic the record came from; null for a record of an unmapped topic
 */
public record Ingested(
        Modality modality, TextSample text, ImageSample image, SensorSample sensor, DeadLetter deadLetter) {

    public static Ingested of(TextSample s) {
        return new Ingested(Modality.TEXT, s, null, null, null);
    }

    public static Ingested of(ImageSample s) {
        return new Ingested(Modality.IMAGE, null, s, null, null);
    }

    public static Ingested of(SensorSample s) {
        return new Ingested(Modality.SENSOR, null, null, s, null);
    }

    public static Ingested of(Modality modality, DeadLetter d) {
        return new Ingested(modality, null, null, null, d);
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
