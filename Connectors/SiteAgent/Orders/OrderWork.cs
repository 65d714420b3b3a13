using System.Text.Json;
using Portal.Connectors.Anonymization;
using Portal.Connectors.SiteAgent.SitePolicy;
using Portal.Connectors.Sites;
using Portal.Connectors.Sites.Protocol;
using Portal.Connectors.Writers;

namespace Portal.Connectors.SiteAgent.Orders;

/// <summary>
/// What an accepted order does at the site: DESCRIBE reads the schema, PREVIEW and EXPORT run the export pipeline
/// with the per-grant key derived here. Everything goes to <paramref name="output"/> as it is produced.
/// </summary>
public sealed class OrderWork(SiteConfig config, SiteSources sources, PseudonymSecret secret, DailyRows rows)
{
    /// <exception cref="OrderFailedException">The work could not be done, or was stopped (cancellation, the daily cap).</exception>
    public async Task<WorkResult> RunAsync(Order order, AnonymizationProfile? profile, ChunkStream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(output);
        var dataset = config.Datasets[order.SiteDataset];
        try
        {
            var source = sources.Open(dataset);
            if (order.Kind == OrderKind.Describe)
            {
                var schema = SiteSchemaJson.From(await source.DescribeAsync(cancellationToken).ConfigureAwait(false)).ToJson();
                await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(schema), cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                var manifest = JsonSerializer.Serialize(new { kind = "describe", bytesWritten = output.BytesSent, sha256 = output.Sha256Hex(), complete = true });
                return new WorkResult(manifest, 0);
            }
            return await ExportAsync(order, profile!, dataset, source, output, cancellationToken).ConfigureAwait(false);
        }
        catch (ExportException e)
        {
            var code = Capped(e) ? SiteCodes.DailyRowsExceeded : e.Code;
            throw new OrderFailedException(code, Capped(e) ? "the grant's rows for today are spent; the export was cut" : e.Message, e.Manifest.ToJson(), e.Manifest.RowsWritten);
        }
        catch (ConnectorException e)
        {
            throw new OrderFailedException(e.Code, e.Message, null);
        }
        catch (OperationCanceledException)
        {
            throw new OrderFailedException(SiteCodes.Cancelled, "the order was cancelled", null);
        }
    }

    private async Task<WorkResult> ExportAsync(Order order, AnonymizationProfile profile, DatasetPolicy dataset, Sources.ExportSource source, ChunkStream output, CancellationToken cancellationToken)
    {
        var preview = order.Kind == OrderKind.Preview;
        var format = preview ? ExportFormat.JsonLines : ParseFormat(order.Format);
        var request = new ExportRequest
        {
            Profile = profile,
            Purpose = order.Purpose,
            GrantKey = secret.ForGrant(order.GrantId),
            GrantId = order.GrantId,
            Columns = order.Columns.Count == 0 ? null : order.Columns.ToArray(),
            K = order.K,
            Format = format,
            Gzip = !preview && order.Gzip,
        };
        var cap = dataset.MaxRowsPerDayPerGrant;
        // Rows can be counted as they pass only in uncompressed text; otherwise the manifest's count is checked at the end.
        var countable = format is ExportFormat.Csv or ExportFormat.JsonLines && !request.Gzip;
        Stream target = output;
        RowCapStream? capped = null;
        if (cap is { } c && countable)
        {
            target = capped = new RowCapStream(output, format == ExportFormat.Csv, n => rows.TryTake(order.GrantId, n, c));
        }
        var limited = preview ? new PreviewLimitStream(target, Math.Max(0, order.RowLimit)) : null;
        var manifest = await ExportPipeline.RunAsync(source, request, limited ?? target, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var sent = limited?.Lines ?? manifest.RowsWritten;
        if (capped is null)
        {
            var before = rows.SentToday(order.GrantId);
            rows.AddToday(order.GrantId, sent);
            if (cap is { } limit && before + sent > limit)
            {
                throw new OrderFailedException(SiteCodes.DailyRowsExceeded,
                    $"the export holds {sent} rows and the grant had {Math.Max(0, limit - before)} left for today; it is not complete", manifest.ToJson(), sent);
            }
        }
        return new WorkResult(manifest.ToJson(), sent);
    }

    private static ExportFormat ParseFormat(string format) => format.ToLowerInvariant() switch
    {
        "" or "csv" => ExportFormat.Csv,
        // The proto says jsonl; the enum's own name is accepted too.
        "jsonl" or "jsonlines" => ExportFormat.JsonLines,
        "parquet" => ExportFormat.Parquet,
        _ => throw new ConnectorException("site.order.format_unknown", $"the export format '{format}' is not csv, jsonl or parquet"),
    };

    private static bool Capped(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is DailyCapReachedException)
            {
                return true;
            }
        }
        return false;
    }
}

/// <param name="ManifestJson">The manifest the agent signs in its Closing.</param>
/// <param name="Rows">Rows that left the site.</param>
public sealed record WorkResult(string ManifestJson, long Rows);

/// <summary>An accepted order that ended without its Closing: answered with Failed{code, message, manifest}.</summary>
#pragma warning disable CA1032 // Always made with a code.
/// <param name="rows">Rows written before the end (at most: some may not have left); the site log keeps them against the daily cap.</param>
public sealed class OrderFailedException(string code, string message, string? manifestJson, long rows = 0) : Exception(message)
#pragma warning restore CA1032
{
    public string Code { get; } = code;
    public string? ManifestJson { get; } = manifestJson;
    public long Rows { get; } = rows;
}
