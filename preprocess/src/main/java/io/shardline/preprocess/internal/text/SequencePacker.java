package io.shardline.preprocess.internal.text;

import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.PackedSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Packs tokenized documents into rows of exactly {@code length} tokens, in arrival order: each document's
 * tokens followed by the end-of-text token, documents running on from one row into the next (no padding,
 * nothing dropped). The row being filled is the packer's only state ({@link #partial}); it goes into every
 * checkpoint, so a restart continues the same rows. Not thread-safe.
 */
final class SequencePacker {

    private final String encoding;
    private final int length;

    private final int[] tokens;
    private int fill;
    private String rowId;
    private final List<String> documentIds = new ArrayList<>();
    private final List<SourceRef> starts = new ArrayList<>();

    SequencePacker(String encoding, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("sequence length must be at least 1, was " + length);
        }
        this.encoding = encoding;
        this.length = length;
        this.tokens = new int[length];
    }

    /** Adds one document ({@code documentTokens} already ending in the end-of-text token); emits full rows. */
    void add(String documentId, SourceRef ref, int[] documentTokens, Consumer<PackedSequence> out) {
        int pos = 0;
        while (pos < documentTokens.length) {
            if (fill == 0) {
                rowId = documentId + "@" + pos;
            }
            if (pos == 0 || fill == 0) {
                documentIds.add(documentId);
            }
            if (pos == 0) {
                starts.add(ref);
            }
            int n = Math.min(length - fill, documentTokens.length - pos);
            System.arraycopy(documentTokens, pos, tokens, fill, n);
            fill += n;
            pos += n;
            if (fill == length) {
                out.accept(take());
            }
        }
    }

    /** The row being filled, for a checkpoint; null if empty. */
    PackedSequence partial() {
        return fill == 0 ? null : row();
    }

    /**
     * Continues from a checkpointed partial row. A second one (two subtasks' state merged after a rescale)
     * cannot be continued: it is returned to be emitted as it is, short.
     */
    PackedSequence restore(PackedSequence p) {
        if (fill != 0) {
            return p;
        }
        System.arraycopy(p.tokens(), 0, tokens, 0, p.tokens().length);
        fill = p.tokens().length;
        rowId = p.id();
        documentIds.addAll(Arrays.asList(p.documentIds()));
        starts.addAll(Arrays.asList(p.starts()));
        return null;
    }

    /** Emits the row being filled, short, if it holds anything: the end of a bounded input. */
    void flush(Consumer<PackedSequence> out) {
        if (fill > 0) {
            out.accept(take());
        }
    }

    private PackedSequence row() {
        return new PackedSequence(rowId, encoding, Arrays.copyOf(tokens, fill), documentIds.toArray(new String[0]),
                starts.toArray(new SourceRef[0]));
    }

    private PackedSequence take() {
        PackedSequence r = row();
        fill = 0;
        rowId = null;
        documentIds.clear();
        starts.clear();
        return r;
    }
}
