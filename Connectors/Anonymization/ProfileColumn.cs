using System.Text.Json.Serialization;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Anonymization;

public sealed record ProfileColumn
{
    public string Name { get; init; } = "";

    [JsonConverter(typeof(JsonStringEnumConverter<ColumnClass>))]
    public ColumnClass Class { get; init; } = ColumnClass.Other;

    /// <summary>Optional declared type: text sources (CSV) are converted to it, typed sources must match it.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<ColumnType>))]
    public ColumnType? Type { get; init; }

    public TransformSpec Transform { get; init; } = new();
}
