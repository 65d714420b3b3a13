using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Exports.Download;

/// <summary>
/// Why the caller's last file of a dataset holds the rows it holds: the funnel its manifest recorded (rows read →
/// without consent for the purpose → in classes smaller than k, suppressed → delivered). Read from the caller's own
/// "export.completed" audit event, which carries the manifest: the figures are the ones the connector counted.
/// </summary>
public static class LastDownload
{
    public sealed record Funnel(
        DateTimeOffset At, string Purpose, long RowsRead, long WithoutConsent, long Suppressed, long Delivered, int K,
        long ClassesSuppressed, IReadOnlyList<string> QuasiIdentifiers, double? HighestRisk)
    {
        /// <summary>The share of the rows that could be delivered (those with consent) that were: 0..1.</summary>
        public double DeliveredShareOfConsenting => RowsRead - WithoutConsent <= 0 ? 0 : (double)Delivered / (RowsRead - WithoutConsent);
    }

    public static async Task<Funnel?> HandleAsync(ExportServices services, Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return null;
        }
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var completed = await db.AuditEvents.AsNoTracking()
            .Where(e => e.ActorUserId == me && e.DatasetId == datasetId && e.Type == "export.completed")
            .OrderByDescending(e => e.Id)
            .Select(e => new { e.OccurredAt, e.Details })
            .FirstOrDefaultAsync(ct);
        return completed?.Details is { } details ? Read(completed.OccurredAt, details.RootElement) : null;
    }

    private static Funnel Read(DateTimeOffset at, JsonElement m)
    {
        long Long(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        var quasi = m.TryGetProperty("quasiIdentifiers", out var q) && q.ValueKind == JsonValueKind.Array
            ? q.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : [];
        double? risk = m.TryGetProperty("risk", out var r) && r.ValueKind == JsonValueKind.Object
            && r.TryGetProperty("highestProsecutorRisk", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetDouble() : null;
        var purpose = m.TryGetProperty("purpose", out var p) ? p.GetString() ?? "" : "";
        return new Funnel(at, purpose, Long("rowsRead"), Long("rowsFilteredByConsent"), Long("rowsSuppressed"), Long("rowsWritten"),
            (int)Long("k"), Long("equivalenceClassesSuppressed"), quasi, risk);
    }
}
