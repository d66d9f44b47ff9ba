package io.shardline.feeder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The batch gather gives what Arrow's own row copy gives, for every column type the feeder serves, nulls included. */
class RowGatherTest {

    static final Schema SCHEMA = new Schema(List.of(
            Field.nullable("label", ArrowType.Utf8.INSTANCE),
            Field.notNullable("image", ArrowType.Binary.INSTANCE),
            Field.nullable("width", new ArrowType.Int(32, true)),
            Field.notNullable("offset", new ArrowType.Int(64, true)),
            Field.nullable("flag", ArrowType.Bool.INSTANCE),
            new Field("tokens", FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(Field.notNullable("element", new ArrowType.Int(32, true)))),
            new Field("values", FieldType.notNullable(ArrowType.List.INSTANCE),
                    List.of(Field.notNullable("element", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))))));

    static VectorSchemaRoot source(BufferAllocator a, int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, a);
        root.allocateNew();
        for (int i = 0; i < rows; i++) {
            if (r.nextInt(4) == 0) {
                ((VarCharVector) root.getVector("label")).setNull(i);
            } else {
                ((VarCharVector) root.getVector("label")).setSafe(i, ("label-" + seed + "-" + i).getBytes(StandardCharsets.UTF_8));
            }
            byte[] image = new byte[r.nextInt(3000)];
            r.nextBytes(image);
            ((VarBinaryVector) root.getVector("image")).setSafe(i, image);
            if (r.nextInt(5) == 0) {
                ((IntVector) root.getVector("width")).setNull(i);
            } else {
                ((IntVector) root.getVector("width")).setSafe(i, r.nextInt());
            }
            ((BigIntVector) root.getVector("offset")).setSafe(i, r.nextLong());
            ((BitVector) root.getVector("flag")).setSafe(i, r.nextInt(2));
            ListVector tokens = (ListVector) root.getVector("tokens");
            if (r.nextInt(6) == 0) {
                tokens.setNull(i);
            } else {
                int start = tokens.startNewValue(i);
                int n = r.nextInt(50); // empty lists too
                for (int e = 0; e < n; e++) {
                    ((IntVector) tokens.getDataVector()).setSafe(start + e, r.nextInt(100_000));
                }
                tokens.endValue(i, n);
                tokens.getDataVector().setValueCount(start + n);
            }
            ListVector values = (ListVector) root.getVector("values");
            int start = values.startNewValue(i);
            int n = 1 + r.nextInt(20);
            for (int e = 0; e < n; e++) {
                ((Float4Vector) values.getDataVector()).setSafe(start + e, (float) r.nextGaussian());
            }
            values.endValue(i, n);
            values.getDataVector().setValueCount(start + n);
        }
        root.setRowCount(rows);
        return root;
    }

    @ParameterizedTest(name = "buffers reused: {0}")
    @ValueSource(booleans = {false, true})
    void gatherEqualsArrowsOwnRowCopy(boolean reuse) {
        try (BufferAllocator a = new RootAllocator(); VectorSchemaRoot s1 = source(a, 300, 1); VectorSchemaRoot s2 = source(a, 200, 2);
                VectorSchemaRoot fast = VectorSchemaRoot.create(SCHEMA, a); VectorSchemaRoot reference = VectorSchemaRoot.create(SCHEMA, a)) {
            SplittableRandom r = new SplittableRandom(3);
            // The batch vectors are kept across rounds, as a stream keeps them; smaller rounds after larger ones
            // refill buffers that still hold the previous batch's rows.
            for (int n : new int[] {164, 64, 114, 30, 200}) {
                VectorSchemaRoot[] sources = new VectorSchemaRoot[n];
                int[] indexes = new int[n];
                for (int i = 0; i < n; i++) {
                    sources[i] = r.nextBoolean() ? s1 : s2;
                    indexes[i] = r.nextInt(sources[i].getRowCount());
                }
                RowGather.gather(fast, sources, indexes, n, reuse);
                reference.allocateNew();
                for (int c = 0; c < SCHEMA.getFields().size(); c++) {
                    FieldVector v = reference.getVector(c);
                    for (int i = 0; i < n; i++) {
                        v.copyFromSafe(indexes[i], i, sources[i].getVector(c));
                    }
                    v.setValueCount(n);
                }
                reference.setRowCount(n);
                assertThat(fast.getRowCount()).isEqualTo(n);
                for (int c = 0; c < SCHEMA.getFields().size(); c++) {
                    for (int i = 0; i < n; i++) {
                        Object expected = reference.getVector(c).getObject(i);
                        Object actual = fast.getVector(c).getObject(i);
                        // byte[] compares by content here; Text and lists by their equals
                        assertThat(actual).as("%s row %s", SCHEMA.getFields().get(c).getName(), i).isEqualTo(expected);
                        assertThat(actual).isEqualTo(sources[i].getVector(c).getObject(indexes[i]));
                    }
                }
            }
        }
    }
}
