using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources;
using Portal.Connectors.Sources.Files;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// The owner's offline check of a profile (`Portal anonymize …`): the same pipeline, from a local CSV or
/// Parquet file to a local file, with a key derived for <c>grantId</c> (default "offline-preview").
/// </summary>
public static class OfflineAnonymizer
{
    /// <summary>As the portal's `anonymize` command calls it: consent checked against the profile's first purpose(s).</summary>
    public static Task<ExportManifest> RunAsync(
        string profilePath,
        string inputPath,
        string outputPath,
        int? k,
        string? grantId,
        byte[] masterSecret,
        CancellationToken cancellationToken) =>
        RunAsync(profilePath, inputPath, outputPath, k, grantId, masterSecret, purpose: null, cancellationToken);

    /// <param name="inputPath">A .csv or .parquet file; it may only be read from its own folder (no symlink escape).</param>
    /// <param name="outputPath">.csv, .jsonl or .parquet, optionally followed by .gz; an incomplete export deletes it.</param>
    /// <param name="k">Overrides upwards the profile's k.</param>
    /// <param name="purpose">The purpose to check consent against; null = the first purpose of each consent rule must hold (all consent columns true).</param>
    public static async Task<ExportManifest> RunAsync(
        string profilePath,
        string inputPath,
        string outputPath,
        int? k,
        string? grantId,
        byte[] masterSecret,
        string? purpose,
        CancellationToken cancellationToken)
    {
        var profile = await AnonymizationProfile.LoadAsync(profilePath, cancellationToken).ConfigureAwait(false);
        var fullInput = Path.GetFullPath(inputPath);
        var roots = new FileRoots([Path.GetDirectoryName(fullInput)!]);
        ExportSource source = fullInput.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? new ParquetSource(roots, fullInput)
            : new CsvSource(roots, fullInput);
        var gzip = outputPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var bare = gzip ? outputPath[..^3] : outputPath;
        var format = Path.GetExtension(bare).ToUpperInvariant() switch
        {
            ".PARQUET" => ExportFormat.Parquet,
            ".JSONL" or ".NDJSON" => ExportFormat.JsonLines,
            _ => ExportFormat.Csv,
        };
        var grant = string.IsNullOrEmpty(grantId) ? "offline-preview" : grantId;
        var request = new ExportRequest
        {
            Profile = profile,
            Purpose = purpose ?? (profile.Consent.Count > 0 ? profile.Consent[0].Purposes[0] : null) ?? "GRU",
            GrantKey = KeyDerivation.ForGrant(masterSecret, grant),
            GrantId = grant,
            K = k ?? 1,
            Format = format,
            Gzip = gzip,
            Columns = null,
        };
        if (purpose is null && profile.Consent.Count > 1)
        {
            // Offline without a purpose: demand every consent, the strictest reading.
            request = request with { Profile = profile with { Consent = profile.Consent.Select(r => r with { Purposes = [.. r.Purposes, "*offline*"] }).ToArray() }, Purpose = "*offline*" };
        }
        var stream = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                return await ExportPipeline.RunAsync(source, request, stream, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ExportException)
        {
            File.Delete(outputPath);
            throw;
        }
    }
}
