using System.Text;
using System.Text.Json;
using Portal.Connectors;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Connectors.Sources;
using Portal.Features.Sites.Link;

namespace Portal.Features.Datasets.Sources;

/// <summary>Reads a dataset's columns from its source: the connection test of a registration, and a schema refresh.</summary>
public static class SchemaReader
{
    /// <summary>Rows read to judge a file's body and to suggest classes: a few, never stored.</summary>
    public const int SampleRows = 20;

    /// <summary>A schema is a few kilobytes; a site answering more is refused.</summary>
    private const int SchemaMaxBytes = 1 << 20;

    /// <summary>Columns and row estimate from the source itself; an unreachable or malformed source is bad input, named by its code.</summary>
    public static async Task<Outcome<SourceSchema>> ReadAsync(DatasetServices services, Dataset dataset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Connector.Kind == ConnectorKind.Agent)
        {
            return await AtSiteAsync(services.Sites, dataset, ct);
        }
        var field = dataset.Connector.Kind == ConnectorKind.PostgreSql ? "relation" : "file";
        try
        {
            var source = services.Sources.Open(dataset);
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

    /// <summary>The site's agent describes its dataset; the portal learns names and types, never a value.</summary>
    private static async Task<Outcome<SourceSchema>> AtSiteAsync(SiteOrders sites, Dataset dataset, CancellationToken ct)
    {
        var c = dataset.Connector;
        var answer = await sites.AskAsync(new SiteOrderDraft(c.AgentId ?? Guid.Empty, OrderKind.Describe, c.SiteDataset!, dataset.Id), SchemaMaxBytes, ct);
        if (answer.Failure is { } failed)
        {
            return failed with { Field = "siteDataset" };
        }
        SourceSchema schema;
        try
        {
            schema = SiteSchemaJson.FromJson(Encoding.UTF8.GetString(answer.Value!.Body)).ToSourceSchema($"site:{c.SiteDataset}");
        }
        catch (JsonException)
        {
            return new Failure(FailureKind.Unavailable, "site.delivery.malformed", "The site's description of the dataset cannot be read.", "siteDataset");
        }
        return schema.Columns.Count == 0 ? Failure.Invalid("dataset.source.no_columns", "siteDataset", "The site's dataset has no columns.") : schema;
    }
}
