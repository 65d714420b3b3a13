using Portal.Connectors;
using Portal.Connectors.Sources;

namespace Portal.Features.Datasets.Sources;

/// <summary>Reads a dataset's columns from its source: the connection test of a registration, and a schema refresh.</summary>
public static class SchemaReader
{
    /// <summary>Rows read to judge a file's body and to suggest classes: a few, never stored.</summary>
    public const int SampleRows = 20;

    /// <summary>Columns and row estimate from the source itself; an unreachable or malformed source is bad input, named by its code.</summary>
    public static async Task<Outcome<SourceSchema>> ReadAsync(DatasetSources sources, Dataset dataset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(dataset);
        var field = dataset.Connector.Kind == ConnectorKind.PostgreSql ? "relation" : "file";
        try
        {
            var source = sources.Open(dataset);
            var schema = await source.DescribeAsync(ct);
            if (schema.Columns.Count == 0)
            {
                return Failure.Invalid("dataset.source.no_columns", field, "The source has no columns.");
            }
            if (dataset.Connector.Kind != ConnectorKind.PostgreSql)
            {
                // A file's header can look fine over a broken body: read a few rows so that a malformed file is refused now.
                await SourceSampler.ReadAsync(source, SampleRows, ct);
            }
            return schema;
        }
        catch (ConnectorException e)
        {
            return Failure.Invalid(e.Code, e.Code == "source.postgres.unreachable" ? "host" : field, $"The source cannot be read: {e.Message}");
        }
        catch (DatasetSourceException e)
        {
            return Failure.Invalid(e.Code, field, $"The source cannot be read: {e.Message}");
        }
    }
}
