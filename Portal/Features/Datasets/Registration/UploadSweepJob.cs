using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Hosting;

namespace Portal.Features.Datasets.Registration;

/// <summary>
/// Removes uploads no dataset refers to: what a crash leaves behind between storing a file and registering its
/// dataset (a refused registration deletes its file at once). Only files under the generated upload names are
/// considered, and only after <see cref="MinimumAge"/>, far longer than any upload takes to be registered, so a file
/// being registered on another instance right now is never touched. Once per cluster (ClusterSingleton).
/// </summary>
public sealed partial class UploadSweepJob(
    IDbContextFactory<PortalDb> dbs, DatasetUploads uploads, ClusterSingleton cluster, TimeProvider time, ILogger<UploadSweepJob> logger) : BackgroundService
{
    public const string WorkName = "upload-sweep";

    public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(24);

    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    [GeneratedRegex("^[0-9a-f]{32}\\.(csv|parquet)$", RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedName();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
                await cluster.TryRunAsync(WorkName, async token => await SweepAsync(token), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Upload sweep failed this round");
            }
        }
    }

    /// <summary>One sweep now; the names of the files it removed.</summary>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken ct)
    {
        if (uploads.Folder is not { } folder || !Directory.Exists(folder))
        {
            return [];
        }
        var cutoff = time.GetUtcNow().UtcDateTime - MinimumAge;
        var candidates = new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => GeneratedName().IsMatch(f.Name) && f.LastWriteTimeUtc < cutoff && f.LinkTarget is null)
            .Select(f => f.Name)
            .ToList();
        if (candidates.Count == 0)
        {
            return [];
        }
        HashSet<string> referenced;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            referenced = (await db.Datasets.AsNoTracking()
                .Where(d => d.Connector.FilePath != null && candidates.Contains(d.Connector.FilePath))
                .Select(d => d.Connector.FilePath!)
                .ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        }
        var removed = new List<string>();
        foreach (var name in candidates.Where(n => !referenced.Contains(n)))
        {
            try
            {
                File.Delete(Path.Combine(folder, name));
                removed.Add(name);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not remove the unregistered upload {File}", name);
            }
        }
        if (removed.Count > 0)
        {
            logger.LogInformation("Removed {Count} uploads no dataset refers to: {Files}", removed.Count, removed);
        }
        return removed;
    }
}
