using Portal.Connectors.Rows;

namespace Portal.Connectors.Sources;

/// <param name="Name">The column's name exactly as the source spells it.</param>
/// <param name="Type">The pipeline type its values arrive as.</param>
/// <param name="SourceType">The source's own type name (e.g. PostgreSQL's "character varying(20)"), for display.</param>
public sealed record SourceColumn(string Name, ColumnType Type, string SourceType, bool Nullable);

/// <param name="RowEstimate">PostgreSQL: pg_class.reltuples (null if never analyzed); files: null.</param>
public sealed record SourceSchema(string Source, IReadOnlyList<SourceColumn> Columns, long? RowEstimate)
{
    public SourceColumn? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);
}
