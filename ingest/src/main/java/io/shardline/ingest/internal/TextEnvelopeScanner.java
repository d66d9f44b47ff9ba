package io.shardline.ingest.internal;

import io.shardline.ingest.DeadLetterReason;
import io.shardline.ingest.DecoderLimits;
import io.shardline.ingest.EnvelopeDecoder.Rejected;
import io.shardline.ingest.EnvelopeDecoder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict, single-pass scanner for the text envelope ({@code {"id", "source", "event_time", "text", ...}}),
 * the hottest path of the pipeline. It checks the whole document against RFC 8259 (no comments, no
 * trailing commas, no leading zeros, no control characters in strings), validates UTF-8 inside strings as it
 * goes (outside strings only ASCII is legal anyway), enforces the parser limits of {@link DecoderLimits}, and
 * copies the text value's bytes straight out of the input when it has no escapes. It accepts exactly what the
 * general decoder accepts; {@code TextEnvelopeScannerTest} compares the two on a corpus of edge cases.
 *
 * <p>Not thread-safe: one instance per decoder, reused for every record.
 */
public final class TextEnvelopeScanner {

    private final DecoderLimits limits;

    // The input and position of the current scan.
    private byte[] b;
    private int pos;
    // Scratch space for strings with escapes.
    private byte[] scratch = new byte[256];
    private int scratchLen;

    // Results of the last scan.
    public String id;
    public String source;
    public long eventTime;
    public boolean hasEventTime;
    public byte[] text;

    public TextEnvelopeScanner(DecoderLimits limits) {
        this.limits = limits;
    }

    /** Scans one envelope; on return the result fields hold the envelope's values (null where absent). */
    public void scan(byte[] input) {
        b = input;
        pos = 0;
        id = null;
        source = null;
        text = null;
        hasEventTime = false;
        java.util.List<String> others = null;
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            pos = 3; // a UTF-8 byte order mark, which JSON parsers skip
        }
        skipWhitespace();
        expect('{', "the value must be a JSON object");
        skipWhitespace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipWhitespace();
                expect('"', "expected a field name");
                String name = readName();
                skipWhitespace();
                expect(':', "expected ':' after field name '" + name + "'");
                skipWhitespace();
                switch (name) {
                    case EnvelopeDecoder.FIELD_ID -> {
                        requireFirst(id == null, name);
                        id = readStringValue(name);
                        if (id.isEmpty() || id.length() > limits.maxIdLength()) {
                            throw new Rejected(DeadLetterReason.INVALID_VALUE,
                                    "id must have 1 to " + limits.maxIdLength() + " characters, has " + id.length());
                        }
                    }
                    case EnvelopeDecoder.FIELD_SOURCE -> {
                        requireFirst(source == null, name);
                        source = readStringValue(name);
                    }
                    case EnvelopeDecoder.FIELD_TEXT -> {
                        requireFirst(text == null, name);
                        text = readTextValue();
                    }
                    case EnvelopeDecoder.FIELD_EVENT_TIME -> {
                        requireFirst(!hasEventTime, name);
                        eventTime = readTimeValue();
                        hasEventTime = true;
                    }
                    default -> {
                        if (others == null) {
                            others = new java.util.ArrayList<>(4);
                        }
                        requireFirst(!others.contains(name), name);
                        others.add(name);
                        skipValue(1);
                    }
                }
                skipWhitespace();
                int c = next("the JSON object is not closed");
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw malformed("expected ',' or '}' at byte " + (pos - 1));
                }
            }
        }
        skipWhitespace();
        if (pos != b.length) {
            throw malformed("content after the end of the JSON object");
        }
    }

    // ---- values ----

    private String readStringValue(String name) {
        if (peek() != '"') {
            throw wrongType(name, "a string");
        }
        pos++;
        return scanToString(limits.maxJsonStringLength(), true);
    }

    private byte[] readTextValue() {
        if (peek() != '"') {
            throw wrongType(EnvelopeDecoder.FIELD_TEXT, "a string");
        }
        pos++;
        int start = pos;
        if (scanString(limits.maxJsonStringLength(), true)) {
            return Arrays.copyOf(scratch, scratchLen);
        }
        return Arrays.copyOfRange(b, start, pos - 1);
    }

    private long readTimeValue() {
        int c = peek();
        if (c == '"') {
            return EnvelopeDecoder.parseTime(readStringValue(EnvelopeDecoder.FIELD_EVENT_TIME));
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos;
            boolean integral = scanNumber();
            if (!integral) {
                throw new Rejected(DeadLetterReason.WRONG_TYPE,
                        "'event_time' must be epoch milliseconds or an ISO-8601 instant, was a fraction");
            }
            boolean negative = b[start] == '-';
            long v = 0;
            for (int i = negative ? start + 1 : start; i < pos; i++) {
                int d = b[i] - '0';
                if (v > (Long.MAX_VALUE - d) / 10) {
                    throw new Rejected(DeadLetterReason.INVALID_VALUE, "'event_time' is out of range");
                }
                v = v * 10 + d;
            }
            if (negative && v != 0) {
                throw new Rejected(DeadLetterReason.INVALID_VALUE, "'event_time' must not be negative");
            }
            return v;
        }
        skipValue(1);
        throw new Rejected(DeadLetterReason.WRONG_TYPE, "'event_time' must be epoch milliseconds or an ISO-8601 instant");
    }

    /** Skips any JSON value, checking it; {@code depth} is the nesting depth of the enclosing container. */
    private void skipValue(int depth) {
        int c = peek();
        switch (c) {
            case '"' -> {
                pos++;
                scanString(Long.MAX_VALUE, false); // a skipped value: parsers check no length they never read
            }
            case '{', '[' -> {
                if (depth + 1 > limits.maxJsonNestingDepth()) {
                    throw new Rejected(DeadLetterReason.JSON_LIMIT_EXCEEDED,
                            "nesting deeper than " + limits.maxJsonNestingDepth());
                }
                pos++;
                skipContainer(c == '{' ? '}' : ']', depth + 1);
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    scanNumber();
                } else {
                    throw malformed("unexpected character at byte " + pos);
                }
            }
        }
    }

    private void skipContainer(char close, int depth) {
        skipWhitespace();
        if (peek() == close) {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            if (close == '}') {
                expect('"', "expected a field name");
                scanString(nameLimit(), false);
                skipWhitespace();
                expect(':', "expected ':'");
                skipWhitespace();
            }
            skipValue(depth);
            skipWhitespace();
            int c = next("an array or object is not closed");
            if (c == close) {
                return;
            }
            if (c != ',') {
                throw malformed("expected ',' or '" + close + "' at byte " + (pos - 1));
            }
        }
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= b.length || b[pos] != word.charAt(i)) {
                throw malformed("unexpected character at byte " + pos);
            }
            pos++;
        }
    }

    /**
     * Checks a number at {@code pos} against the JSON grammar and the length limit.
     *
     * @return whether it is an integer (no fraction, no exponent)
     */
    private boolean scanNumber() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int intStart = pos;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        int intDigits = pos - intStart;
        if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
            throw malformed("invalid number at byte " + start);
        }
        boolean integral = true;
        int digits = intDigits;
        if (pos < b.length && b[pos] == '.') {
            integral = false;
            pos++;
            int f = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            if (pos == f) {
                throw malformed("invalid number at byte " + start);
            }
            digits += pos - f;
        }
        if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
            integral = false;
            pos++;
            if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            int e = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            if (pos == e) {
                throw malformed("invalid number at byte " + start);
            }
            digits += pos - e;
        }
        // Like the general decoder's parser, a number's length is its count of digits (integer, fraction and
        // exponent parts), signs and the point left out.
        if (digits > limits.maxJsonNumberLength()) {
            throw new Rejected(DeadLetterReason.JSON_LIMIT_EXCEEDED,
                    "a number of " + digits + " digits exceeds the limit of " + limits.maxJsonNumberLength());
        }
        return integral;
    }

    /**
     * Scans a string whose opening quote was consumed, up to and past its closing quote: checks control
     * characters, escapes and UTF-8, and the length limit.
     *
     * @return true if it had escapes, its decoded UTF-8 then being in {@code scratch[0, scratchLen)}
     */
    private boolean scanString(long maxChars, boolean strictUnicode) {
        int start = pos;
        long chars = 0;
        boolean escaped = false;
        scratchLen = 0;
        final byte[] in = b;
        while (true) {
            // Eight plain bytes at a time: no quote, no backslash, no control character, nothing above ASCII.
            // Locals, not fields, in this loop: it is the hottest of the pipeline.
            int p = pos;
            final int last = in.length - 8;
            while (p <= last && plainAscii((long) LONGS.get(in, p))) {
                p += 8;
            }
            if (escaped) {
                append(in, pos, p - pos);
            }
            chars += p - pos;
            pos = p;
            if (pos >= in.length) {
                throw malformed("a string is not closed");
            }
            int c = b[pos] & 0xff;
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\') {
                if (!escaped) {
                    escaped = true;
                    append(b, start, pos - start);
                }
                pos++;
                chars += unescape(strictUnicode);
                continue;
            }
            if (c < 0x20) {
                throw malformed("unescaped control character in a string at byte " + pos);
            }
            int len = c < 0x80 ? 1 : sequenceLength(c);
            if (len > 1 && !Utf8.isValid(b, pos, Math.min(b.length, pos + len))) {
                throw new Rejected(DeadLetterReason.INVALID_UTF8, "the value is not valid UTF-8");
            }
            if (escaped) {
                append(b, pos, len);
            }
            pos += len;
            chars += len == 4 ? 2 : 1;
        }
        if (chars > maxChars) {
            throw new Rejected(DeadLetterReason.JSON_LIMIT_EXCEEDED,
                    "a string of " + chars + " characters exceeds the limit of " + maxChars);
        }
        return escaped;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** True if none of the eight bytes is '"', '\\', below 0x20 or above 0x7f (SWAR: no branch per byte). */
    private static boolean plainAscii(long x) {
        long quote = x ^ (ONES * '"');
        long backslash = x ^ (ONES * '\\');
        long special = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | (x - ONES * 0x20) | x;
        return (special & HIGHS) == 0;
    }

    private static int sequenceLength(int lead) {
        if (lead >= 0xc2 && lead <= 0xdf) {
            return 2;
        }
        if (lead >= 0xe0 && lead <= 0xef) {
            return 3;
        }
        if (lead >= 0xf0 && lead <= 0xf4) {
            return 4;
        }
        throw new Rejected(DeadLetterReason.INVALID_UTF8, "the value is not valid UTF-8");
    }

    /** Field names get the same cap as the general decoder's parser gives them. */
    private long nameLimit() {
        return Math.min(limits.maxJsonStringLength(), 50_000);
    }

    /**
     * Decodes the escape at {@code pos} (just after the backslash) into scratch; returns its UTF-16 length.
     * An unpaired surrogate escape is legal JSON; it is refused only in a value that must become UTF-8 text
     * ({@code strictUnicode}), and replaced by U+FFFD elsewhere.
     */
    private int unescape(boolean strictUnicode) {
        int c = next("a string is not closed");
        switch (c) {
            case '"', '\\', '/' -> append((byte) c);
            case 'b' -> append((byte) '\b');
            case 'f' -> append((byte) '\f');
            case 'n' -> append((byte) '\n');
            case 'r' -> append((byte) '\r');
            case 't' -> append((byte) '\t');
            case 'u' -> {
                int cp = hex4();
                if (Character.isHighSurrogate((char) cp) && pos + 6 <= b.length && b[pos] == '\\' && b[pos + 1] == 'u') {
                    int save = pos;
                    pos += 2;
                    int low = hex4();
                    if (Character.isLowSurrogate((char) low)) {
                        appendCodePoint(Character.toCodePoint((char) cp, (char) low));
                        return 2;
                    }
                    pos = save; // not a pair: the next escape is read on its own
                }
                if (Character.isSurrogate((char) cp)) {
                    if (strictUnicode) {
                        throw malformed("a \\u escape holds an unpaired surrogate");
                    }
                    appendCodePoint(0xfffd);
                } else {
                    appendCodePoint(cp);
                }
            }
            default -> throw malformed("invalid escape '\\" + (char) c + "' at byte " + (pos - 1));
        }
        return 1;
    }

    private int hex4() {
        if (pos + 4 > b.length) {
            throw malformed("a \\u escape is cut short");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos++], 16);
            if (d < 0) {
                throw malformed("invalid \\u escape");
            }
            v = v << 4 | d;
        }
        return v;
    }

    private void appendCodePoint(int cp) {
        if (cp < 0x80) {
            append((byte) cp);
        } else if (cp < 0x800) {
            append((byte) (0xc0 | cp >> 6));
            append((byte) (0x80 | cp & 0x3f));
        } else if (cp < 0x10000) {
            append((byte) (0xe0 | cp >> 12));
            append((byte) (0x80 | cp >> 6 & 0x3f));
            append((byte) (0x80 | cp & 0x3f));
        } else {
            append((byte) (0xf0 | cp >> 18));
            append((byte) (0x80 | cp >> 12 & 0x3f));
            append((byte) (0x80 | cp >> 6 & 0x3f));
            append((byte) (0x80 | cp & 0x3f));
        }
    }

    private void append(byte v) {
        if (scratchLen == scratch.length) {
            scratch = Arrays.copyOf(scratch, scratch.length * 2);
        }
        scratch[scratchLen++] = v;
    }

    private void append(byte[] src, int from, int len) {
        if (scratchLen + len > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, scratchLen + len));
        }
        System.arraycopy(src, from, scratch, scratchLen, len);
        scratchLen += len;
    }

    // ---- structure ----

    private String readName() {
        return scanToString(nameLimit(), false);
    }

    /** Scans the string whose opening quote was consumed and decodes it to a String. */
    private String scanToString(long maxChars, boolean strictUnicode) {
        int start = pos;
        if (scanString(maxChars, strictUnicode)) {
            return new String(scratch, 0, scratchLen, StandardCharsets.UTF_8);
        }
        return new String(b, start, pos - 1 - start, StandardCharsets.UTF_8);
    }

    private void skipWhitespace() {
        while (pos < b.length) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        if (pos >= b.length) {
            throw malformed("the document ends too early");
        }
        return b[pos] & 0xff;
    }

    private int next(String whatIfEnd) {
        if (pos >= b.length) {
            throw malformed(whatIfEnd);
        }
        return b[pos++] & 0xff;
    }

    private void expect(char c, String message) {
        if (pos >= b.length || b[pos] != c) {
            throw malformed(message);
        }
        pos++;
    }

    private static void requireFirst(boolean first, String name) {
        if (!first) {
            throw new Rejected(DeadLetterReason.MALFORMED_JSON, "duplicate field '" + name + "'");
        }
    }

    private static Rejected wrongType(String name, String expected) {
        return new Rejected(DeadLetterReason.WRONG_TYPE, "field '" + name + "' must be " + expected);
    }

    private static Rejected malformed(String message) {
        return new Rejected(DeadLetterReason.MALFORMED_JSON, message);
    }
}
