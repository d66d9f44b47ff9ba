package io.shardline.preprocess.internal.text;

import java.text.Normalizer;

/**
 * Canonical form of a document before any rule looks at it:
 *
 * <ol>
 *   <li>Unicode NFC, so that the same text always has the same code points (and the same dedup hash);
 *   <li>control characters removed (Unicode category Cc, except line breaks and tabs), and the invisible
 *       characters that only break word matching: zero-width space U+200B, byte order mark U+FEFF, soft
 *       hyphen U+00AD;
 *   <li>whitespace normalized: {@code \r\n} and {@code \r} become {@code \n}; every other Unicode space
 *       (tab, no-break space, em space, ...) becomes one ASCII space; runs of spaces collapse to one; lines
 *       lose leading and trailing spaces; more than one blank line in a row collapses to one; the document
 *       loses leading and trailing blank lines.
 * </ol>
 *
 * Line structure is kept on purpose: the line-based quality rules need it, and paragraphs matter to the
 * models trained on the text. Pure function, thread-safe.
 */
public final class TextNormalizer {

    private TextNormalizer() {}

    public static String normalize(String text) {
        // Cleaning first, composition last: removing a control character can put a combining mark next to a
        // new base character, and the result must still be NFC.
        int n = text.length();
        StringBuilder out = new StringBuilder(n);
        boolean pendingSpace = false; // a space seen since the last visible character of this line
        int pendingNewlines = 0; // line breaks seen since the last visible character
        boolean started = false;
        boolean ascii = true;
        for (int i = 0; i < n; ) {
            char ch = text.charAt(i);
            if (ch > 0x20 && ch < 0x7f) {
                // A run of visible ASCII, the bulk of most text: copied in one go.
                int end = i + 1;
                while (end < n && (ch = text.charAt(end)) > 0x20 && ch < 0x7f) {
                    end++;
                }
                separate(out, started, pendingNewlines, pendingSpace);
                out.append(text, i, end);
                pendingNewlines = 0;
                pendingSpace = false;
                started = true;
                i = end;
                continue;
            }
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\r') {
                if (i < n && text.charAt(i) == '\n') {
                    i++;
                }
                cp = '\n';
            }
            if (cp == '\n' || cp == '\u2028' || cp == '\u2029' || cp == 0x0b || cp == 0x0c || cp == 0x85) {
                pendingNewlines++;
                pendingSpace = false;
                continue;
            }
            if (cp == '\t' || Character.isSpaceChar(cp)) {
                pendingSpace = true;
                continue;
            }
            if (Character.getType(cp) == Character.CONTROL || cp == 0x200b || cp == 0xfeff || cp == 0x00ad) {
                continue;
            }
            separate(out, started, pendingNewlines, pendingSpace);
            pendingNewlines = 0;
            pendingSpace = false;
            started = true;
            ascii = false;
            out.appendCodePoint(cp);
        }
        // Nothing changed: keep the original string (the operator then keeps the record's bytes as well).
        String cleaned = out.length() == n && text.contentEquals(out) ? text : out.toString();
        if (ascii || Normalizer.isNormalized(cleaned, Normalizer.Form.NFC)) {
            return cleaned;
        }
        return Normalizer.normalize(cleaned, Normalizer.Form.NFC);
    }

    /** What goes between two visible characters: a line break, a paragraph break, a space or nothing. */
    private static void separate(StringBuilder out, boolean started, int newlines, boolean space) {
        if (!started) {
            return;
        }
        if (newlines > 0) {
            out.append(newlines == 1 ? "\n" : "\n\n");
        } else if (space) {
            out.append(' ');
        }
    }
}
