package io.shardline.testkit;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * An identity map that throws on subtask 0 during its first {@code failingAttempts} attempts, once it has
 * seen at least {@code afterRecords} records and at least one checkpoint of the current attempt has
 * completed: so each failure happens mid-stream, after some shards were committed.
 */
public final class FailingMapper<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    /** Failures thrown in this JVM (the MiniCluster runs here), for tests to check that faults happened. */
    public static final java.util.concurrent.atomic.AtomicInteger FAILURES = new java.util.concurrent.atomic.AtomicInteger();

    private final int failingAttempts;
    private final long afterRecords;
    private transient long seen;
    private transient boolean checkpointed;
    private transient boolean armed;

    public FailingMapper(int failingAttempts, long afterRecords) {
        this.failingAttempts = failingAttempts;
        this.afterRecords = afterRecords;
    }

    @Override
    public void open(OpenContext ctx) {
        var info = getRuntimeContext().getTaskInfo();
        armed = info.getIndexOfThisSubtask() == 0 && info.getAttemptNumber() < failingAttempts;
    }

    @Override
    public T map(T value) {
        if (armed && ++seen >= afterRecords && checkpointed) {
            FAILURES.incrementAndGet();
            throw new InjectedFailure("injected failure on attempt " + getRuntimeContext().getTaskInfo().getAttemptNumber()
                    + " after " + seen + " records");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }

    /** The exception this mapper throws, so tests can tell it from real failures. */
    public static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
