package io.shardline.feeder.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The Arrow form of a shard's columns. Served: primitive columns (strings, bytes, 32/64-bit integers,
 * timestamps, floats, doubles, booleans), required or optional; lists of required primitives in the standard
 * three-level LIST layout; and maps of a primitive key to a primitive value (the sensor table's readings), as
 * Arrow maps ({@code entries} of {@code key} and {@code value}, as pyarrow reads a Parquet map).
 */
public final class ArrowColumns {

    private ArrowColumns() {}

    /** The requested columns of a Parquet schema, in the requested order (all when none are named). */
    public static MessageType project(MessageType schema, List<String> columns) {
        if (columns.isEmpty()) {
            return schema;
        }
        List<Type> fields = new ArrayList<>();
        for (String c : columns) {
            if (!schema.containsField(c)) {
                throw new IllegalArgumentException("no column '" + c + "' in " + schema.getName() + "; its columns are "
                        + schema.getFields().stream().map(Type::getName).toList());
            }
            fields.add(schema.getType(c));
        }
        return new MessageType(schema.getName(), fields);
    }

    public static Schema arrowSchema(MessageType projection) {
        List<Field> fields = new ArrayList<>();
        for (Type t : projection.getFields()) {
            fields.add(field(t));
        }
        return new Schema(fields);
    }

    private static Field field(Type t) {
        boolean nullable = t.isRepetition(Type.Repetition.OPTIONAL);
        if (t.isPrimitive()) {
            return new Field(t.getName(), new FieldType(nullable, primitive(t.asPrimitiveType()), null), null);
        }
        if (t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            MapEntry entry = mapEntry(t.asGroupType());
            Field key = new Field(MapVector.KEY_NAME, new FieldType(false, primitive(entry.key()), null), null);
            Field value = new Field(MapVector.VALUE_NAME, new FieldType(entry.value().isRepetition(Type.Repetition.OPTIONAL),
                    primitive(entry.value()), null), null);
            Field entries = new Field(MapVector.DATA_VECTOR_NAME, new FieldType(false, ArrowType.Struct.INSTANCE, null),
                    List.of(key, value));
            return new Field(t.getName(), new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
        }
        PrimitiveType element = listElement(t.asGroupType());
        Field child = new Field("element", new FieldType(false, primitive(element), null), null);
        return new Field(t.getName(), new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(child));
    }

    /** The key and value of a MAP's repeated {@code key_value} group. */
    public record MapEntry(PrimitiveType key, PrimitiveType value) {}

    /** The key and value of a MAP of primitives (required keys, as the format demands), or an error naming the column. */
    public static MapEntry mapEntry(GroupType g) {
        if (g.getFieldCount() == 1) {
            Type repeated = g.getType(0);
            if (repeated.isRepetition(Type.Repetition.REPEATED) && !repeated.isPrimitive()
                    && repeated.asGroupType().getFieldCount() == 2) {
                Type key = repeated.asGroupType().getType(0);
                Type value = repeated.asGroupType().getType(1);
                if (key.isPrimitive() && key.isRepetition(Type.Repetition.REQUIRED) && value.isPrimitive()) {
                    return new MapEntry(key.asPrimitiveType(), value.asPrimitiveType());
                }
            }
        }
        throw new IllegalArgumentException("column '" + g.getName() + "' (" + g + ") cannot be served: only maps of a"
                + " primitive key to a primitive value are; leave it out of the requested columns");
    }

    /** The element of a three-level LIST of required primitives, or an error naming the column. */
    public static PrimitiveType listElement(GroupType g) {
        if (g.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && g.getFieldCount() == 1) {
            Type repeated = g.getType(0);
            if (repeated.isRepetition(Type.Repetition.REPEATED) && !repeated.isPrimitive()
                    && repeated.asGroupType().getFieldCount() == 1) {
                Type element = repeated.asGroupType().getType(0);
                if (element.isPrimitive() && element.isRepetition(Type.Repetition.REQUIRED)) {
                    return element.asPrimitiveType();
                }
            }
        }
        throw new IllegalArgumentException("column '" + g.getName() + "' (" + g + ") cannot be served: only primitive"
                + " columns, lists of required primitives and maps of primitives are; leave it out of the requested columns");
    }

    private static ArrowType primitive(PrimitiveType p) {
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        return switch (p.getPrimitiveTypeName()) {
            case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation ? ArrowType.Utf8.INSTANCE : ArrowType.Binary.INSTANCE;
            case INT32 -> new ArrowType.Int(32, true);
            case INT64 -> logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                    && ts.getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS
                    ? new ArrowType.Timestamp(TimeUnit.MILLISECOND, ts.isAdjustedToUTC() ? "UTC" : null)
                    : new ArrowType.Int(64, true);
            case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            default -> throw new IllegalArgumentException("column '" + p.getName() + "' of Parquet type "
                    + p.getPrimitiveTypeName() + " cannot be served");
        };
    }
}
