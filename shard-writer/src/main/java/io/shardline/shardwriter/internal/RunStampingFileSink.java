package io.shardline.shardwriter.internal;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.SupportsConcurrentExecutionAttempts;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.InitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.connector.file.sink.writer.FileWriterBucketState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Flink's {@link FileSink}, unchanged, whose shards say which run wrote them and which checkpoint commits them
 * ({@link io.shardline.format.ShardRun} in the footer lineage). Everything is the file sink's own: its writer,
 * state and serializers, committer and operators, so savepoints of either restore into the other. The writer
 * is only watched: the run comes from the writer's init context (job id, restored checkpoint), and after each
 * snapshot of checkpoint {@code n} the shards written next are committed by {@code n + 1} or later.
 */
public final class RunStampingFileSink<T> implements Sink<T>, SupportsWriterState<T, FileWriterBucketState>,
        SupportsWriterState.WithCompatibleState, SupportsCommitter<FileSinkCommittable>,
        SupportsPreCommitTopology<FileSinkCommittable, FileSinkCommittable>, SupportsConcurrentExecutionAttempts {

    private static final long serialVersionUID = 1L;

    private final FileSink<T> files;
    /** The same instance the file sink's writer factory holds: per subtask after deserialization. */
    private final ShardParquetBuilder<T> shards;

    public RunStampingFileSink(FileSink<T> files, ShardParquetBuilder<T> shards) {
        this.files = files;
        this.shards = shards;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        RunStamp run = stamp(context);
        return new Writer<>(files.createWriter(context), run);
    }

    @Override
    public StatefulSinkWriter<T, FileWriterBucketState> restoreWriter(WriterInitContext context,
            Collection<FileWriterBucketState> recoveredState) throws IOException {
        RunStamp run = stamp(context);
        return new Writer<>(files.restoreWriter(context, recoveredState), run);
    }

    private RunStamp stamp(InitContext context) {
        RunStamp run = new RunStamp(context.getJobInfo().getJobId().toHexString(),
                context.getRestoredCheckpointId().orElse(0L));
        shards.stampWith(run);
        return run;
    }

    @Override
    public SimpleVersionedSerializer<FileWriterBucketState> getWriterStateSerializer() {
        return files.getWriterStateSerializer();
    }

    @Override
    public Collection<String> getCompatibleWriterStateNames() {
        return files.getCompatibleWriterStateNames();
    }

    @Override
    public Committer<FileSinkCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return files.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<FileSinkCommittable> getCommittableSerializer() {
        return files.getCommittableSerializer();
    }

    @Override
    public DataStream<CommittableMessage<FileSinkCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<FileSinkCommittable>> committables) {
        return files.addPreCommitTopology(committables);
    }

    @Override
    public SimpleVersionedSerializer<FileSinkCommittable> getWriteResultSerializer() {
        return files.getWriteResultSerializer();
    }

    /** The file sink's writer, telling the run stamp of every snapshot it takes. */
    private static final class Writer<T> implements StatefulSinkWriter<T, FileWriterBucketState>,
            CommittingSinkWriter<T, FileSinkCommittable> {

        private final StatefulSinkWriter<T, FileWriterBucketState> files;
        private final RunStamp run;

        Writer(StatefulSinkWriter<T, FileWriterBucketState> files, RunStamp run) {
            this.files = files;
            this.run = run;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            files.write(element, context);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            files.writeWatermark(watermark);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            files.flush(endOfInput);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Collection<FileSinkCommittable> prepareCommit() throws IOException, InterruptedException {
            // Shards closed now are committed by the checkpoint being taken: the stamp moves on after its snapshot.
            return ((CommittingSinkWriter<T, FileSinkCommittable>) files).prepareCommit();
        }

        @Override
        public List<FileWriterBucketState> snapshotState(long checkpointId) throws IOException {
            List<FileWriterBucketState> state = files.snapshotState(checkpointId);
            run.snapshotTaken(checkpointId);
            return state;
        }

        @Override
        public void close() throws Exception {
            files.close();
        }
    }
}
