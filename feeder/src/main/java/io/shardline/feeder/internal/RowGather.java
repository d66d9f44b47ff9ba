package io.shardline.feeder.internal;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Copies chosen rows of decoded shards into a batch, column by column, with each buffer allocated once at
 * its final size: variable-width values and list elements are summed first, then copied with one memory copy
 * per value (Arrow's generic {@code copyFromSafe} grows buffers by doubling, and copies lists element by
 * element through its writers).
 *
 * <p>With {@code reuse}, a batch's buffers are kept for the next batch when they are large enough: for a
 * listener that has written a batch out by the time {@code putNext} returns, this saves allocating (and the
 * kernel zeroing fresh pages of) megabytes per batch. Every value, offset and validity bit of the rows copied
 * is rewritten, so nothing of the previous batch shows.
 */
public final class RowGather {

    private RowGather() {}

    /**
     * @param sources per output row, the row group it comes from
     * @param indexes per output row, its index in that row group
     */
    public static void gather(VectorSchemaRoot out, VectorSchemaRoot[] sources, int[] indexes, int n) {
        gather(out, sources, indexes, n, false);
    }

    public static void gather(VectorSchemaRoot out, VectorSchemaRoot[] sources, int[] indexes, int n, boolean reuse) {
        List<FieldVector> targets = out.getFieldVectors();
        for (int c = 0; c < targets.size(); c++) {
            FieldVector target = targets.get(c);
            if (target instanceof BaseVariableWidthVector var) {
                variableWidth(var, c, sources, indexes, n, reuse);
            } else if (target instanceof ListVector list && list.getDataVector() instanceof BaseFixedWidthVector
                    && !(list.getDataVector() instanceof BitVector)) {
                listOfFixedWidth(list, c, sources, indexes, n, reuse);
            } else if (target instanceof BaseFixedWidthVector fixed && !(fixed instanceof BitVector)) {
                if (!reuse || fixed.getValueCapacity() < n) {
                    fixed.allocateNew(n);
                }
                for (int i = 0; i < n; i++) {
                    fixed.copyFrom(indexes[i], i, sources[i].getVector(c));
                }
            } else {
                target.setInitialCapacity(n);
                target.allocateNew();
                for (int i = 0; i < n; i++) {
                    target.copyFromSafe(indexes[i], i, sources[i].getVector(c));
                }
            }
            target.setValueCount(n);
        }
        out.setRowCount(n);
    }

    private static void variableWidth(BaseVariableWidthVector target, int c, VectorSchemaRoot[] sources, int[] indexes, int n,
            boolean reuse) {
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            BaseVariableWidthVector s = (BaseVariableWidthVector) sources[i].getVector(c);
            bytes += s.isNull(indexes[i]) ? 0 : s.getValueLength(indexes[i]);
        }
        if (reuse && target.getValueCapacity() >= n && target.getDataBuffer().capacity() >= bytes) {
            target.setLastSet(-1); // rows are rewritten from 0; offset 0 stays 0
        } else {
            target.allocateNew(Math.max(bytes, 1), n);
        }
        for (int i = 0; i < n; i++) {
            target.copyFrom(indexes[i], i, sources[i].getVector(c));
        }
    }

    private static void listOfFixedWidth(ListVector target, int c, VectorSchemaRoot[] sources, int[] indexes, int n,
            boolean reuse) {
        long elements = 0;
        for (int i = 0; i < n; i++) {
            ListVector s = (ListVector) sources[i].getVector(c);
            if (!s.isNull(indexes[i])) {
                elements += s.getElementEndIndex(indexes[i]) - s.getElementStartIndex(indexes[i]);
            }
        }
        BaseFixedWidthVector child = (BaseFixedWidthVector) target.getDataVector();
        if (reuse && target.getValueCapacity() >= n && child.getValueCapacity() >= elements) {
            target.setLastSet(-1);
        } else {
            target.setInitialCapacity(n);
            target.allocateNew();
            child.allocateNew(Math.toIntExact(Math.max(elements, 1)));
        }
        int width = child.getTypeWidth();
        ArrowBuf childData = child.getDataBuffer();
        ArrowBuf childValidity = child.getValidityBuffer();
        // Elements that cannot be null (token ids, sensor values: the shard schemas' required elements) get their
        // validity bits set in bulk below, not one by one: a batch of 32 sequences of 2,048 tokens has 65,536.
        boolean required = !child.getField().isNullable();
        int at = 0;
        for (int i = 0; i < n; i++) {
            ListVector s = (ListVector) sources[i].getVector(c);
            int row = indexes[i];
            if (s.isNull(row)) {
                target.setNull(i);
                continue;
            }
            int from = s.getElementStartIndex(row);
            int count = s.getElementEndIndex(row) - from;
            target.startNewValue(i);
            BaseFixedWidthVector sourceChild = (BaseFixedWidthVector) s.getDataVector();
            childData.setBytes((long) at * width, sourceChild.getDataBuffer(), (long) from * width, (long) count * width);
            if (!required) {
                for (int e = 0; e < count; e++) {
                    BitVectorHelper.setValidityBit(childValidity, at + e, sourceChild.isNull(from + e) ? 0 : 1);
                }
            }
            target.endValue(i, count);
            at += count;
        }
        if (required && at > 0) {
            childValidity.setOne(0, (at + 7) / 8);
        }
        child.setValueCount(at);
    }
}
