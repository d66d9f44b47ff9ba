package io.shardline.preprocess.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.PackedSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SequencePackerTest {

    static final int EOT = -1;

    static int[] doc(int start, int n) {
        int[] t = IntStream.range(start, start + n).toArray();
        int[] withEot = Arrays.copyOf(t, n + 1);
        withEot[n] = EOT;
        return withEot;
    }

    static SourceRef ref(int offset) {
        return new SourceRef("raw.text", 0, offset, 0);
    }

    @Test
    void rowsAreFullAndDocumentsRunOn() {
        SequencePacker p = new SequencePacker("test", 4);
        List<PackedSequence> out = new ArrayList<>();
        p.add("a", ref(0), doc(10, 2), out::add); // 10 11 EOT
        p.add("b", ref(1), doc(20, 6), out::add); // 20..25 EOT
        p.flush(out::add);
        assertThat(out).extracting(s -> Arrays.toString(s.tokens()))
                .containsExactly("[10, 11, -1, 20]", "[21, 22, 23, 24]", "[25, -1]");
        assertThat(out).extracting(PackedSequence::id).containsExactly("a@0", "b@1", "b@5");
        assertThat(out.get(0).documentIds()).containsExactly("a", "b");
        assertThat(out.get(1).documentIds()).containsExactly("b");
        // Each document counts once in lineage: in the row where it starts.
        assertThat(out.get(0).starts()).extracting(SourceRef::offset).containsExactly(0L, 1L);
        assertThat(out.get(1).starts()).isEmpty();
        assertThat(out.get(2).starts()).isEmpty();
    }

    @Test
    void checkpointAndRestoreContinueTheSameRows() {
        SplittableRandom r = new SplittableRandom(3);
        List<int[]> docs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            docs.add(doc(i * 1000, 1 + r.nextInt(40)));
        }
        List<PackedSequence> straight = new ArrayList<>();
        SequencePacker a = new SequencePacker("test", 16);
        for (int i = 0; i < docs.size(); i++) {
            a.add("d" + i, ref(i), docs.get(i), straight::add);
        }
        a.flush(straight::add);

        // The same documents with a "restart" after every 17th: a new packer from the checkpointed partial row.
        List<PackedSequence> restarted = new ArrayList<>();
        SequencePacker b = new SequencePacker("test", 16);
        for (int i = 0; i < docs.size(); i++) {
            b.add("d" + i, ref(i), docs.get(i), restarted::add);
            if (i % 17 == 0) {
                PackedSequence partial = b.partial();
                b = new SequencePacker("test", 16);
                if (partial != null) {
                    assertThat(b.restore(partial)).isNull();
                }
            }
        }
        b.flush(restarted::add);

        assertThat(restarted).hasSameSizeAs(straight);
        for (int i = 0; i < straight.size(); i++) {
            assertThat(restarted.get(i).id()).isEqualTo(straight.get(i).id());
            assertThat(restarted.get(i).tokens()).isEqualTo(straight.get(i).tokens());
            assertThat(restarted.get(i).documentIds()).isEqualTo(straight.get(i).documentIds());
        }
        // Nothing lost, nothing twice: the rows concatenate to the documents.
        int[] all = straight.stream().flatMapToInt(s -> Arrays.stream(s.tokens())).toArray();
        int[] expected = docs.stream().flatMapToInt(Arrays::stream).toArray();
        assertThat(all).isEqualTo(expected);
        assertThat(straight.subList(0, straight.size() - 1)).allSatisfy(s -> assertThat(s.tokens()).hasSize(16));
    }

    @Test
    void aSecondRestoredPartialIsHandedBack() {
        SequencePacker p = new SequencePacker("test", 8);
        PackedSequence one = new PackedSequence("a@0", "test", new int[] {1, 2}, new String[] {"a"}, new SourceRef[] {ref(0)});
        PackedSequence two = new PackedSequence("b@0", "test", new int[] {3}, new String[] {"b"}, new SourceRef[] {ref(1)});
        assertThat(p.restore(one)).isNull();
        assertThat(p.restore(two)).isSameAs(two);
        assertThat(p.partial().tokens()).containsExactly(1, 2);
    }
}
