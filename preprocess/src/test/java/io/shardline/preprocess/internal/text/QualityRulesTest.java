package io.shardline.preprocess.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.preprocess.FilterReason;
import org.junit.jupiter.api.Test;

class QualityRulesTest {

    static final QualityRules GOPHER = QualityRules.GOPHER;

    static String words(int n, String word) {
        return (word + " ").repeat(n).strip();
    }

    @Test
    void ordinaryProsePasses() {
        String prose = "The committee met on Tuesday to discuss the budget for the coming year. Several members raised"
                + " concerns about the rising cost of maintenance, while others argued that the new equipment would"
                + " pay for itself within three years. After a long debate, the proposal was approved with a small"
                + " amendment that limits spending on consultants.";
        assertThat(GOPHER.check(prose)).isNull();
    }

    @Test
    void countsWordsCharactersAndLines() {
        QualityRules.Stats s = QualityRules.stats("one two\n\nthree 4...\nfour 4...\none two");
        assertThat(s.words()).isEqualTo(8);
        assertThat(s.chars()).isEqualTo(37);
        assertThat(s.alphabeticWords()).isEqualTo(6);
        assertThat(s.lines()).isEqualTo(4);
        assertThat(s.duplicateLines()).isEqualTo(1);
        assertThat(s.ellipsisLines()).isEqualTo(2);
        assertThat(s.meanWordLength()).isEqualTo(29.0 / 8);
    }

    @Test
    void eachRuleRejectsWhatItShould() {
        assertThat(GOPHER.check(words(49, "house"))).isEqualTo(FilterReason.TOO_FEW_WORDS);
        assertThat(GOPHER.check(words(100_001, "house"))).isEqualTo(FilterReason.TOO_MANY_WORDS);
        assertThat(GOPHER.check(words(60, "a b"))).isEqualTo(FilterReason.MEAN_WORD_LENGTH);
        assertThat(GOPHER.check(words(60, "antidisestablishmentarianism"))).isEqualTo(FilterReason.MEAN_WORD_LENGTH);
        assertThat(GOPHER.check(words(30, "house") + " " + words(30, "12345"))).isEqualTo(FilterReason.TOO_FEW_ALPHABETIC_WORDS);
        String repeated = (words(10, "house") + "\n").repeat(6);
        assertThat(GOPHER.check(repeated)).isEqualTo(FilterReason.DUPLICATE_LINES);
        StringBuilder ellipses = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            ellipses.append(words(10, "house")).append(' ').append(i).append(i % 2 == 0 ? "..." : "\u2026").append('\n');
        }
        assertThat(GOPHER.check(ellipses.toString())).isEqualTo(FilterReason.ELLIPSIS_LINES);
        QualityRules chars = new QualityRules(100, 200, 0, Integer.MAX_VALUE, 0, 1000, 0, 1, 1);
        assertThat(chars.check("x".repeat(99))).isEqualTo(FilterReason.TOO_FEW_CHARS);
        assertThat(chars.check("x".repeat(201))).isEqualTo(FilterReason.TOO_MANY_CHARS);
        assertThat(chars.check("x".repeat(150))).isNull();
    }

    @Test
    void thresholdsAreInclusive() {
        // Exactly 30% duplicate lines and 30% ellipsis lines pass; Gopher drops only above.
        StringBuilder doc = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            doc.append(words(8, "garden")).append(' ').append("line").append(i).append('\n');
        }
        for (int i = 0; i < 3; i++) {
            doc.append(words(8, "garden")).append(" line0\n");
        }
        assertThat(QualityRules.stats(doc.toString()).duplicateLines()).isEqualTo(3);
        assertThat(GOPHER.check(doc.toString())).isNull();
    }

    @Test
    void noneLetsEverythingThrough() {
        assertThat(QualityRules.NONE.check("")).isNull();
        assertThat(QualityRules.NONE.check("... \n...\n...")).isNull();
    }

    @Test
    void contradictoryThresholdsAreRefused() {
        assertThatThrownBy(() -> new QualityRules(10, 5, 0, 1, 0, 1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QualityRules(0, 5, 0, 1, 0, 1, 1.5, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
