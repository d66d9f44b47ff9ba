package io.shardline.preprocess.text;

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
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false; // a space seen since the last visible character of this line
        int pendingNewlines = 0; // line breaks seen since the last visible character
        boolean started = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\r') {
                if (i < text.length() && text.charAt(i) == '\n') {
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
            if (started) {
                if (pendingNewlines > 0) {
                    out.append(pendingNewlines == 1 ? "\n" : "\n\n");
                } else if (pendingSpace) {
                    out.append(' ');
                }
            }
            pendingNewlines = 0;
            pendingSpace = false;
            started = true;
            out.appendCodePoint(cp);
        }
        String cleaned = out.toString();
        return Normalizer.isNormalized(cleaned, Normalizer.Form.NFC) ? cleaned : Normalizer.normalize(cleaned, Normalizer.Form.NFC);
    }
}
