using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;

namespace Portal.Connectors.Sites;

/// <summary>
/// The answer to a DESCRIBE order: a site dataset's columns and an estimate of its rows, as JSON. Both ends use this
/// record, so the shape is written down once: the agent makes it with <see cref="From(SourceSchema)"/> and
/// <see cref="ToJson"/>, the portal reads it with <see cref="FromJson"/>.
/// </summary>
public sealed record SiteSchemaJson
{
    public IReadOnlyList<SiteSchemaColumn> Columns { get; init; } = [];

    /// <summary>PostgreSQL's estimate (null if the table was never analyzed); null for files.</summary>
    public long? RowEstimate { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter<ColumnType>() },
    };

    public static SiteSchemaJson From(SourceSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new SiteSchemaJson
        {
            Columns = schema.Columns.Select(c => new SiteSchemaColumn(c.Name, c.Type, c.SourceType, c.Nullable)).ToArray(),
            RowEstimate = schema.RowEstimate,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="JsonException">Not a schema.</exception>
    public static SiteSchemaJson FromJson(string json) =>
        JsonSerializer.Deserialize<SiteSchemaJson>(json, Json) ?? throw new JsonException("the schema is null");

    /// <summary>The schema as the connectors use it, named after the source the portal knows it by.</summary>
    public SourceSchema ToSourceSchema(string source) =>
        new(source, Columns.Select(c => new SourceColumn(c.Name, c.Type, c.SourceType, c.Nullable ?? true)).ToArray(), RowEstimate);
}

/// <param name="Type">The pipeline type (a <see cref="ColumnType"/> name).</param>
/// <param name="SourceType">The source's own type name, for display.</param>
/// <param name="Nullable">Null when the source cannot tell.</param>
public sealed record SiteSchemaColumn(string Name, ColumnType Type, string SourceType, bool? Nullable);
