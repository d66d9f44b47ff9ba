package io.shardline.feeder.internal;

import io.shardline.format.ShardIntegrityException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Decodes the requested columns of a shard held in memory into Arrow vectors, straight from Parquet's column
 * readers (no row objects): each value is copied once, from the decompressed page into the vector.
 */
public final class ShardDecoder {

    private static final Configuration HADOOP = new Configuration(false);

    private ShardDecoder() {}

    /**
     * @param name the shard, for error messages
     * @param bytes the whole shard file, already checked against the manifest's checksum
     * @param columns requested columns, empty for all
     * @param expected the Arrow schema the stream serves; a shard whose columns differ is an error
     * @param allocator where the vectors live
     */
    public static DecodedShard decode(String name, byte[] bytes, List<String> columns, Schema expected, BufferAllocator allocator) {
        List<VectorSchemaRoot> groups = new ArrayList<>();
        try (ParquetFileReader reader = ParquetFileReader.open(new ByteArrayInputFile(bytes), HadoopReadOptions.builder(HADOOP).build())) {
            MessageType projection = ArrowColumns.project(reader.getFooter().getFileMetaData().getSchema(), columns);
            Schema schema = ArrowColumns.arrowSchema(projection);
            if (expected != null && !schema.equals(expected)) {
                throw new ShardIntegrityException("shard " + name + " has columns " + schema + ", the version's table has "
                        + expected + ": mixed schemas in one table cannot be served together");
            }
            reader.setRequestedSchema(projection);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            for (BlockMetaData block : reader.getRowGroups()) {
                PageReadStore pages = reader.readNextRowGroup();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                groups.add(root);
                int rows = Math.toIntExact(block.getRowCount());
                Map<String, Long> sizes = new HashMap<>();
                Map<String, Long> values = new HashMap<>();
                for (ColumnChunkMetaData c : block.getColumns()) {
                    sizes.merge(c.getPath().toArray()[0], c.getTotalUncompressedSize(), Long::sum);
                    values.merge(c.getPath().toArray()[0], c.getValueCount(), Long::sum);
                }
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new GroupRecordConverter(projection).getRootConverter(),
                        projection, createdBy);
                List<ColumnDescriptor> leaves = projection.getColumns();
                int leaf = 0; // a map has two leaf columns, key and value; every other field one
                for (int f = 0; f < projection.getFieldCount(); f++) {
                    Type t = projection.getType(f);
                    ColumnDescriptor column = leaves.get(leaf++);
                    FieldVector v = root.getVector(f);
                    preallocate(v, rows, sizes.getOrDefault(t.getName(), 0L));
                    ColumnReader r = store.getColumnReader(column);
                    if (v instanceof MapVector map) {
                        ColumnDescriptor valueColumn = leaves.get(leaf++);
                        readMap(r, store.getColumnReader(valueColumn), column, valueColumn, map, rows,
                                values.getOrDefault(t.getName(), 0L) / 2);
                    } else if (v instanceof ListVector list) {
                        readList(r, column, list, rows, values.getOrDefault(t.getName(), 0L));
                    } else {
                        readFlat(r, column, v, rows);
                    }
                    v.setValueCount(rows);
                }
                root.setRowCount(rows);
            }
            return new DecodedShard(groups);
        } catch (IOException | RuntimeException e) {
            groups.forEach(VectorSchemaRoot::close);
            if (e instanceof ShardIntegrityException || e instanceof IllegalArgumentException
                    || e instanceof org.apache.arrow.memory.OutOfMemoryException) {
                throw (RuntimeException) e;
            }
            throw new ShardIntegrityException("cannot decode shard " + name + ": " + e, e);
        }
    }

    private static void preallocate(FieldVector v, int rows, long bytes) {
        if (v instanceof BaseVariableWidthVector var) {
            var.allocateNew(Math.max(bytes, 1), rows);
        } else if (v instanceof ListVector list) {
            list.setInitialCapacity(rows);
            list.allocateNew();
        } else {
            v.setInitialCapacity(rows);
            v.allocateNew();
        }
    }

    private static void readFlat(ColumnReader r, ColumnDescriptor column, FieldVector v, int rows) {
        int maxDef = column.getMaxDefinitionLevel();
        for (int row = 0; row < rows; row++) {
            if (r.getCurrentDefinitionLevel() == maxDef) {
                set(r, v, row);
            } else {
                v.setNull(row);
            }
            r.consume();
        }
    }

    /** A list of required primitives: one entry per element, an empty list one entry below the maximum level. */
    private static void readList(ColumnReader r, ColumnDescriptor column, ListVector list, int rows, long values) {
        int maxDef = column.getMaxDefinitionLevel();
        FieldVector child = list.getDataVector();
        long read = 0;
        int element = 0;
        for (int row = 0; row < rows; row++) {
            if (read >= values) {
                throw new ShardIntegrityException("list column " + column + " ends before row " + row);
            }
            if (r.getCurrentDefinitionLevel() < maxDef - 1) {
                list.setNull(row);
                r.consume();
                read++;
                continue;
            }
            list.startNewValue(row);
            int count = 0;
            do {
                if (r.getCurrentDefinitionLevel() == maxDef) {
                    set(r, child, element + count);
                    count++;
                }
                r.consume();
                read++;
            } while (read < values && r.getCurrentRepetitionLevel() > 0);
            list.endValue(row, count);
            element += count;
        }
        child.setValueCount(element);
    }

    /**
     * A map of primitives: its key and value columns read side by side (they have the same levels, one entry per
     * key-value pair; an empty map one entry below the maximum level).
     */
    private static void readMap(ColumnReader keys, ColumnReader vals, ColumnDescriptor keyColumn, ColumnDescriptor valueColumn,
            MapVector map, int rows, long values) {
        int maxDef = keyColumn.getMaxDefinitionLevel();
        int valueMaxDef = valueColumn.getMaxDefinitionLevel();
        StructVector entries = (StructVector) map.getDataVector();
        FieldVector key = (FieldVector) entries.getChild(MapVector.KEY_NAME);
        FieldVector value = (FieldVector) entries.getChild(MapVector.VALUE_NAME);
        long read = 0;
        int entry = 0;
        for (int row = 0; row < rows; row++) {
            if (read >= values) {
                throw new ShardIntegrityException("map column " + keyColumn + " ends before row " + row);
            }
            if (keys.getCurrentDefinitionLevel() < maxDef - 1) {
                map.setNull(row);
                keys.consume();
                vals.consume();
                read++;
                continue;
            }
            map.startNewValue(row);
            int count = 0;
            do {
                if (keys.getCurrentDefinitionLevel() == maxDef) {
                    entries.setIndexDefined(entry + count);
                    set(keys, key, entry + count);
                    if (vals.getCurrentDefinitionLevel() == valueMaxDef) {
                        set(vals, value, entry + count);
                    } else {
                        value.setNull(entry + count);
                    }
                    count++;
                }
                keys.consume();
                vals.consume();
                read++;
            } while (read < values && keys.getCurrentRepetitionLevel() > 0);
            map.endValue(row, count);
            entry += count;
        }
        key.setValueCount(entry);
        value.setValueCount(entry);
        entries.setValueCount(entry);
    }

    private static void set(ColumnReader r, FieldVector v, int index) {
        if (v instanceof BaseVariableWidthVector var) {
            Binary b = r.getBinary();
            ByteBuffer buf = b.toByteBuffer();
            var.setSafe(index, buf, buf.position(), buf.remaining());
        } else if (v instanceof IntVector i) {
            i.setSafe(index, r.getInteger());
        } else if (v instanceof BigIntVector l) {
            l.setSafe(index, r.getLong());
        } else if (v instanceof TimeStampVector ts) {
            ts.setSafe(index, r.getLong());
        } else if (v instanceof Float4Vector f) {
            f.setSafe(index, r.getFloat());
        } else if (v instanceof Float8Vector d) {
            d.setSafe(index, r.getDouble());
        } else if (v instanceof BitVector b) {
            b.setSafe(index, r.getBoolean() ? 1 : 0);
        } else {
            throw new IllegalStateException("no decoder for " + v.getField());
        }
    }
}
