package io.shardline.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads the rows of a shard in file order, some columns only: the other columns' pages are never read. For tools
 * that look at keys and provenance (takedowns, lineage) without the samples' payloads.
 */
public final class ShardScan {

    /** Receives each row: its index in the shard, and the requested columns' values. */
    @FunctionalInterface
    public interface Row {
        void accept(long index, Group values) throws IOException;
    }

    private ShardScan() {}

    /**
     * @param columns top-level columns to read; null for all of them
     */
    public static void rows(DatasetStore store, ShardEntry shard, List<String> columns, Row row) {
        Path path = store.resolve(shard.path());
        try (ParquetFileReader reader = new ParquetFileReader(store.inputFile(path), ParquetReadOptions.builder().build())) {
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            MessageType read = columns == null ? fileSchema : project(fileSchema, columns);
            reader.setRequestedSchema(read);
            ColumnIOFactory io = new ColumnIOFactory();
            long index = 0;
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = io.getColumnIO(read, fileSchema).getRecordReader(pages, new GroupRecordConverter(read));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    row.accept(index++, records.read());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + path, e);
        }
    }

    private static MessageType project(MessageType schema, List<String> columns) {
        List<Type> fields = new ArrayList<>();
        for (String c : columns) {
            fields.add(schema.getType(c));
        }
        return new MessageType(schema.getName(), fields);
    }
}
