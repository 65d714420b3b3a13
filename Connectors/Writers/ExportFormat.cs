namespace Portal.Connectors.Writers;

public enum ExportFormat
{
    Csv,
    JsonLines,
    Parquet,
}

/// <summary>A delivered column: its name and the type its values have after the transform.</summary>
public sealed record OutputColumn(string Name, Rows.ColumnType Type);
