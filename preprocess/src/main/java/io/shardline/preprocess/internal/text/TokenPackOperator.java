package io.shardline.preprocess.internal.text;

import io.shardline.format.Modality;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.PackedSequence;
import io.shardline.preprocess.Tokenizer;
import io.shardline.preprocess.internal.PreprocessMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Tokenizes each document ({@link Tokenizer}) and packs the tokens into rows of the token table
 * ({@link SequencePacker}). The row being filled is operator state, so rows continue across checkpoints and
 * restarts exactly; at the end of a bounded input the last row is emitted short. A plain operator rather than
 * a function because it needs both operator state and the end-of-input signal.
 *
 * <p>Metrics under {@code shardline}, label {@code modality=text}: {@code tokens_out} and
 * {@code sequences_out}.
 */
public final class TokenPackOperator extends AbstractStreamOperator<PackedSequence>
        implements OneInputStreamOperator<TextSample, PackedSequence>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final String encoding;
    private final int sequenceLength;

    private transient Tokenizer tokenizer;
    private transient SequencePacker packer;
    private transient ListState<PackedSequence> partial;
    private transient List<PackedSequence> leftOver;
    private transient Counter tokensOut;
    private transient Counter sequencesOut;

    public TokenPackOperator(String encoding, int sequenceLength) {
        this.encoding = encoding;
        this.sequenceLength = sequenceLength;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        tokenizer = Tokenizer.create(encoding);
        packer = new SequencePacker(tokenizer.name(), sequenceLength);
        leftOver = new ArrayList<>();
        partial = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("partial-sequence",
                PackedSequenceSerializer.INSTANCE));
        for (PackedSequence p : partial.get()) {
            PackedSequence extra = packer.restore(p);
            if (extra != null) {
                leftOver.add(extra);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        var group = getMetricGroup().addGroup(PreprocessMetrics.GROUP)
                .addGroup(PreprocessMetrics.MODALITY_LABEL, Modality.TEXT.id());
        tokensOut = group.counter("tokens_out");
        sequencesOut = group.counter("sequences_out");
    }

    @Override
    public void processElement(StreamRecord<TextSample> element) {
        emitLeftOver();
        TextSample doc = element.getValue();
        int[] ids = tokenizer.encodeDocument(doc.text());
        tokensOut.inc(ids.length);
        packer.add(doc.id(), doc.ref(), ids, this::emit);
    }

    @Override
    public void endInput() {
        emitLeftOver();
        packer.flush(this::emit);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<PackedSequence> state = new ArrayList<>(leftOver);
        PackedSequence p = packer.partial();
        if (p != null) {
            state.add(p);
        }
        partial.update(state);
    }

    private void emitLeftOver() {
        for (PackedSequence p : leftOver) {
            emit(p);
        }
        leftOver.clear();
    }

    private void emit(PackedSequence row) {
        sequencesOut.inc();
        output.collect(new StreamRecord<>(row));
    }
}
