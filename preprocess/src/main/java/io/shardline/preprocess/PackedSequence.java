package io.shardline.preprocess;

import io.shardline.ingest.SourceRef;

/**
 * One row of the packed token table: a fixed-length run of token ids cut from the concatenated, tokenized
 * documents of one subtask, documents separated by the end-of-text token.
 *
 * @param id {@code <first document id>@<offset of the first token within that document>}
 * @param encoding the tokenizer's encoding ({@code cl100k_base}, ...)
 * @param tokens the token ids
 * @param documentIds every document with tokens in this row, in order
 * @param starts where the documents that start in this row came from: the row's lineage
 */
public record PackedSequence(String id, String encoding, int[] tokens, String[] documentIds, SourceRef[] starts) {}
