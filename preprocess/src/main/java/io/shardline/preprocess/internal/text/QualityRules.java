package io.shardline.preprocess.internal.text;

import io.shardline.preprocess.FilterReason;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * The document quality heuristics of Gopher (Rae et al., 2021, appendix A), as NeMo Curator, DataTrove and
 * Dolma run them, on normalized text ({@link TextNormalizer}). A word is a maximal run of non-whitespace
 * characters; a line is what lies between line breaks, blank lines left out. Each rule is off when its
 * threshold is at the neutral value (0 for a minimum, no limit for a maximum).
 *
 * @param minChars fewest characters (code points)
 * @param maxChars most characters
 * @param minWords fewest words (Gopher: 50)
 * @param maxWords most words (Gopher: 100,000)
 * @param minMeanWordLength shortest mean word length, in characters (Gopher: 3)
 * @param maxMeanWordLength longest mean word length (Gopher: 10)
 * @param minAlphabeticWordFraction least fraction of words with at least one alphabetic character (Gopher: 0.8)
 * @param maxDuplicateLineFraction most fraction of lines that repeat an earlier line of the document (Gopher:
 *     0.3)
 * @param maxEllipsisLineFraction most fraction of lines ending in "..." or "…" (Gopher: 0.3)
 */
public record QualityRules(
        int minChars,
        int maxChars,
        int minWords,
        int maxWords,
        double minMeanWordLength,
        double maxMeanWordLength,
        double minAlphabeticWordFraction,
        double maxDuplicateLineFraction,
        double maxEllipsisLineFraction) implements Serializable {

    /** The rules switched off: every document passes. */
    public static final QualityRules NONE =
            new QualityRules(0, Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 0, Double.MAX_VALUE, 0, 1, 1);

    /** Gopher's thresholds, with no limit on characters. */
    public static final QualityRules GOPHER =
            new QualityRules(0, Integer.MAX_VALUE, 50, 100_000, 3, 10, 0.8, 0.3, 0.3);

    public QualityRules {
        if (minChars < 0 || maxChars < minChars || minWords < 0 || maxWords < minWords || minMeanWordLength < 0
                || maxMeanWordLength < minMeanWordLength || minAlphabeticWordFraction < 0 || minAlphabeticWordFraction > 1
                || maxDuplicateLineFraction < 0 || maxDuplicateLineFraction > 1 || maxEllipsisLineFraction < 0
                || maxEllipsisLineFraction > 1) {
            throw new IllegalArgumentException("inconsistent text quality thresholds: " + this);
        }
    }

    /** The counts the rules are evaluated on; public so that tests and the audit table can show them. */
    public record Stats(int chars, int words, long wordChars, int alphabeticWords, int lines, int duplicateLines,
            int ellipsisLines) {
        public double meanWordLength() {
            return words == 0 ? 0 : (double) wordChars / words;
        }
    }

    /** The first rule {@code text} fails, in the order of {@link FilterReason}, or null if it passes all. */
    public FilterReason check(String text) {
        return check(stats(text));
    }

    public FilterReason check(Stats s) {
        if (s.chars < minChars) {
            return FilterReason.TOO_FEW_CHARS;
        }
        if (s.chars > maxChars) {
            return FilterReason.TOO_MANY_CHARS;
        }
        if (s.words < minWords) {
            return FilterReason.TOO_FEW_WORDS;
        }
        if (s.words > maxWords) {
            return FilterReason.TOO_MANY_WORDS;
        }
        double mean = s.meanWordLength();
        if (s.words > 0 && (mean < minMeanWordLength || mean > maxMeanWordLength)) {
            return FilterReason.MEAN_WORD_LENGTH;
        }
        if (s.words > 0 && (double) s.alphabeticWords / s.words < minAlphabeticWordFraction) {
            return FilterReason.TOO_FEW_ALPHABETIC_WORDS;
        }
        if (s.lines > 0 && (double) s.duplicateLines / s.lines > maxDuplicateLineFraction) {
            return FilterReason.DUPLICATE_LINES;
        }
        if (s.lines > 0 && (double) s.ellipsisLines / s.lines > maxEllipsisLineFraction) {
            return FilterReason.ELLIPSIS_LINES;
        }
        return null;
    }

    /** One pass over the text for the word counts, one over its lines. */
    public static Stats stats(String text) {
        int n = text.length();
        int chars = 0;
        int words = 0;
        long wordChars = 0;
        int alphabeticWords = 0;
        boolean inWord = false;
        boolean wordHasLetter = false;
        for (int i = 0; i < n; ) {
            char ch = text.charAt(i);
            boolean space;
            boolean letter;
            if (ch < 0x80) {
                // ASCII without table lookups: the same answers as Character.isWhitespace and isAlphabetic.
                space = ch == ' ' || (ch >= 0x09 && ch <= 0x0d) || (ch >= 0x1c && ch <= 0x1f);
                letter = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
                i++;
            } else {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
                letter = Character.isAlphabetic(cp);
            }
            chars++;
            if (space) {
                if (inWord && wordHasLetter) {
                    alphabeticWords++;
                }
                inWord = false;
                continue;
            }
            if (!inWord) {
                words++;
                inWord = true;
                wordHasLetter = false;
            }
            wordChars++;
            wordHasLetter |= letter;
        }
        if (inWord && wordHasLetter) {
            alphabeticWords++;
        }
        int lines = 0;
        int duplicateLines = 0;
        int ellipsisLines = 0;
        Set<String> seen = null;
        String first = null;
        for (int start = 0; start <= n; ) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            String line = text.substring(start, end).strip();
            start = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            lines++;
            if (line.endsWith("...") || line.endsWith("\u2026")) {
                ellipsisLines++;
            }
            // Most documents are one line or a few: no set until a second line comes.
            if (first == null) {
                first = line;
            } else {
                if (seen == null) {
                    seen = new HashSet<>();
                    seen.add(first);
                }
                if (!seen.add(line)) {
                    duplicateLines++;
                }
            }
        }
        return new Stats(chars, words, wordChars, alphabeticWords, lines, duplicateLines, ellipsisLines);
    }
}
