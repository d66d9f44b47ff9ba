package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A row a takedown removed from the dataset, as the manifest lists it: which request, which table and shard, the
 * row's key, and for rows of record tables the record's coordinates. Sensor readings also keep device and event
 * time: the sensor windows built from them are removed with them.
 *
 * @param removal the number of the {@link Removal} that asked for it
 * @param table the table the row was in
 * @param id the row's key: the record id, the sequence id of a token sequence, {@code device@window start} of a
 *     sensor window
 * @param source the record's Kafka coordinates; null for derived rows
 * @param shard the path of the shard it was removed from
 * @param device for sensor readings, the device; null otherwise
 * @param eventTime for sensor readings, the event time in epoch milliseconds; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RemovedRow(long removal, ShardTable table, String id, SourceCoordinate source, String shard, String device,
        Long eventTime) {

    public RemovedRow {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shard, "shard");
    }
}
