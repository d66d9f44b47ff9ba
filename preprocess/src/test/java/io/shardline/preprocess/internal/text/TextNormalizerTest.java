package io.shardline.preprocess.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void composesToNfc() {
        String decomposed = "Cafe\u0301 na\u0131\u0308ve"; // e + combining acute
        String out = TextNormalizer.normalize(decomposed);
        assertThat(out).startsWith("Caf\u00e9 ");
        assertThat(Normalizer.isNormalized(out, Normalizer.Form.NFC)).isTrue();
    }

    @Test
    void removesControlAndInvisibleCharacters() {
        assertThat(TextNormalizer.normalize("a\u0000b\u0007c\u001bd\u007fe\u200bf\ufeffg\u00adh")).isEqualTo("abcdefgh");
    }

    @Test
    void aControlCharacterRemovedBetweenBaseAndMarkStillGivesNfc() {
        String out = TextNormalizer.normalize("e\u0000\u0301");
        assertThat(out).isEqualTo("\u00e9");
    }

    @Test
    void normalizesWhitespaceButKeepsLinesAndParagraphs() {
        String in = "  Title\u00a0\u00a0of\tthe  page  \r\n\r\n\r\n\r\nFirst\u2003paragraph.\rSecond line \u2028Third\n\n";
        assertThat(TextNormalizer.normalize(in)).isEqualTo("Title of the page\n\nFirst paragraph.\nSecond line\nThird");
    }

    @Test
    void isIdempotent() {
        String[] samples = {"", " ", "\n\n", "a  b\n\n\nc", "x\u0000\u0301y", "Ω\u2126 ﬁ", "\ud83d\ude00 emoji \ud83d\udc4d\ud83c\udffd"};
        for (String s : samples) {
            String once = TextNormalizer.normalize(s);
            assertThat(TextNormalizer.normalize(once)).as("normalize(normalize(%s))", s).isEqualTo(once);
        }
    }

    @Test
    void keepsEmojiAndCompatibilityCharactersAsTheyAre() {
        // NFC, not NFKC: the ligature and the emoji with a skin-tone modifier stay; Ohm sign composes to Omega (NFC).
        assertThat(TextNormalizer.normalize("\ufb01 \ud83d\udc4d\ud83c\udffd \u2126")).isEqualTo("\ufb01 \ud83d\udc4d\ud83c\udffd \u03a9");
    }
}
