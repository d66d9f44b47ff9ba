package io.shardline.preprocess;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Locale;

/**
 * Byte-pair encoding with the tiktoken encodings ({@code r50k_base}, {@code p50k_base}, {@code cl100k_base},
 * {@code o200k_base}), through JTokkit, a maintained Java implementation that produces the same ids as
 * OpenAI's tiktoken. Documents are encoded as ordinary text: a literal {@code <|endoftext|>} inside a
 * document is tokenized as the characters it is, never as the special token, so no document can forge a
 * document boundary. Creating one loads the encoding's vocabulary: make one per operator instance, not per
 * record.
 */
public final class Tokenizer {

    /** The names {@link #create} accepts. */
    public static final String ENCODINGS = "r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base";

    private final String name;
    private final Encoding encoding;
    private final int endOfText;

    private Tokenizer(String name, Encoding encoding, int endOfText) {
        this.name = name;
        this.encoding = encoding;
        this.endOfText = endOfText;
    }

    /** The encoding an option names, checked without loading its vocabulary. */
    public static EncodingType encodingType(String encodingName) {
        return EncodingType.fromName(encodingName.trim().toLowerCase(Locale.ROOT)).orElseThrow(() -> new IllegalArgumentException(
                "unknown tokenizer encoding '" + encodingName + "', expected one of " + ENCODINGS));
    }

    public static Tokenizer create(String encodingName) {
        EncodingType type = encodingType(encodingName);
        // The <|endoftext|> id of each encoding, as tiktoken defines it.
        int eot = switch (type) {
            case R50K_BASE, P50K_BASE, P50K_EDIT -> 50256;
            case CL100K_BASE -> 100257;
            case O200K_BASE -> 199999;
        };
        return new Tokenizer(type.getName(), Encodings.newLazyEncodingRegistry().getEncoding(type), eot);
    }

    public String name() {
        return name;
    }

    public int endOfText() {
        return endOfText;
    }

    /** The document's token ids followed by the end-of-text token. */
    public int[] encodeDocument(String text) {
        IntArrayList ids = encoding.encodeOrdinary(text); // a fresh list: appending to it is safe
        ids.add(endOfText);
        return ids.toArray();
    }

    public String decode(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return encoding.decode(list);
    }
}
