package io.shardline.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    @Test
    void endOfTextIsTheEncodingsSpecialToken() {
        for (String name : new String[] {"r50k_base", "p50k_base", "cl100k_base", "o200k_base"}) {
            Tokenizer t = Tokenizer.create(name);
            assertThat(t.decode(new int[] {t.endOfText()})).as(name).isEqualTo("<|endoftext|>");
        }
    }

    @Test
    void encodesKnownIdsAndRoundTrips() {
        Tokenizer t = Tokenizer.create("cl100k_base");
        int[] ids = t.encodeDocument("hello world");
        // tiktoken's cl100k_base: "hello" 15339, " world" 1917; then <|endoftext|>.
        assertThat(ids).containsExactly(15339, 1917, 100257);
        String text = "Caf\u00e9 na\u00efve \u65e5\u672c\u8a9e \ud83d\ude00 and tabs\tand\nlines.";
        int[] doc = t.encodeDocument(text);
        assertThat(t.decode(Arrays.copyOf(doc, doc.length - 1))).isEqualTo(text);
    }

    @Test
    void aLiteralEndOfTextInADocumentIsOrdinaryText() {
        Tokenizer t = Tokenizer.create("cl100k_base");
        int[] ids = t.encodeDocument("a <|endoftext|> b");
        assertThat(Arrays.copyOf(ids, ids.length - 1)).doesNotContain(t.endOfText());
        assertThat(ids[ids.length - 1]).isEqualTo(t.endOfText());
    }

    @Test
    void unknownEncodingsAreNamed() {
        assertThatThrownBy(() -> Tokenizer.create("gpt9_base")).hasMessageContaining("cl100k_base");
    }
}
