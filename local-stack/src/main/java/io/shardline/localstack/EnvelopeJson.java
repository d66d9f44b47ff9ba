package io.shardline.localstack;

import java.nio.charset.StandardCharsets;

/**
 * A JSON envelope written field by field, under the decoder's field names ({@code EnvelopeDecoder.FIELD_*}),
 * and the broken forms of one that sample data needs. Values are written as given: the generator's texts need
 * no escaping, and a malformed record is made by writing what a valid one would not hold.
 */
final class EnvelopeJson {

    private final StringBuilder b = new StringBuilder(256).append('{');

    /** {@code "field":"value"} */
    EnvelopeJson string(String field, String value) {
        return raw(field, "\"" + value + "\"");
    }

    /** {@code "field":value}, the value as JSON text: a number, an array, an object, or anything at all. */
    EnvelopeJson raw(String field, Object json) {
        if (b.length() > 1) {
            b.append(',');
        }
        b.append('"').append(field).append("\":").append(json);
        return this;
    }

    /** The object, closed. */
    byte[] bytes() {
        return (b + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The object as written so far, never closed: malformed JSON. */
    byte[] unclosed() {
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
