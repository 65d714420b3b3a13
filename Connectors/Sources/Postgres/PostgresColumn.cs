using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources.Postgres;

/// <summary>How one PostgreSQL column is read: the getter by its catalog type, or as text for types the pipeline does not model.</summary>
internal enum PostgresReadKind
{
    Int16,
    Int32,
    Int64,
    Float4,
    Float8,
    Boolean,
    Date,
    Timestamp,
    Text,
    CastToText,
}

internal static class PostgresTypes
{
    public static (ColumnType Type, PostgresReadKind Read) Map(string typeName) => typeName switch
    {
        "int2" => (ColumnType.Integer, PostgresReadKind.Int16),
        "int4" => (ColumnType.Integer, PostgresReadKind.Int32),
        "int8" => (ColumnType.Integer, PostgresReadKind.Int64),
        "float4" => (ColumnType.Real, PostgresReadKind.Float4),
        "float8" => (ColumnType.Real, PostgresReadKind.Float8),
        "bool" => (ColumnType.Boolean, PostgresReadKind.Boolean),
        "date" => (ColumnType.Date, PostgresReadKind.Date),
        "timestamp" or "timestamptz" => (ColumnType.Timestamp, PostgresReadKind.Timestamp),
        "text" or "varchar" or "bpchar" or "name" => (ColumnType.Text, PostgresReadKind.Text),
        _ => (ColumnType.Text, PostgresReadKind.CastToText),
    };
}
