using System.Text.Json;

namespace Portal.Connectors.SiteAgent.SiteLog;

/// <summary>One export the two records disagree about.</summary>
public sealed record ReconcileFinding(string OrderId, string Finding);

/// <summary>
/// The site's record of its exports against the portal's: every export that sent data has a site-log end
/// (order.completed, order.failed or order.cancelled) and a portal audit event (export.completed or export.aborted
/// naming the order in details.site). An order on one side only is named, and so is a completed export whose SHA-256
/// differs. The portal's side is its audit export as JSON Lines (`GET /api/audit/export?format=jsonl`), read by
/// whoever may read it; this agent's orders are picked out by their agent id.
/// </summary>
public static class SiteLogReconcile
{
    private static readonly string[] Ends = ["order.completed", "order.failed", "order.cancelled"];

    public static IReadOnlyList<ReconcileFinding> Compare(IEnumerable<SiteLogEntry> siteLog, IEnumerable<string> auditLines, string agentId)
    {
        ArgumentNullException.ThrowIfNull(siteLog);
        ArgumentNullException.ThrowIfNull(auditLines);
        var site = siteLog.Where(e => e.Kind == "export" && e.OrderId is not null && Ends.Contains(e.Event))
            .GroupBy(e => e.OrderId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var portal = new Dictionary<string, (string Type, string? Sha256, long Id)>(StringComparer.Ordinal);
        foreach (var line in auditLines.Where(l => l.Length > 0))
        {
            using var row = JsonDocument.Parse(line);
            var type = row.RootElement.GetProperty("type").GetString();
            if (type is not ("export.completed" or "export.aborted")
                || !row.RootElement.TryGetProperty("details", out var detailsText) || detailsText.ValueKind != JsonValueKind.String)
            {
                continue;
            }
            using var details = JsonDocument.Parse(detailsText.GetString()!);
            if (!details.RootElement.TryGetProperty("site", out var s) || s.ValueKind != JsonValueKind.Object
                || !string.Equals(s.GetProperty("agentId").GetString(), agentId, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var sha = details.RootElement.TryGetProperty("sha256", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            portal[s.GetProperty("orderId").GetString()!] = (type, sha, row.RootElement.GetProperty("id").GetInt64());
        }
        var findings = new List<ReconcileFinding>();
        foreach (var (orderId, entry) in site.OrderBy(p => p.Value.Seq))
        {
            if (!portal.TryGetValue(orderId, out var audited))
            {
                findings.Add(new(orderId, $"missing from the portal's audit: the site's {entry.Event} (seq {entry.Seq}, {entry.Time:O}, dataset {entry.Dataset}, grant {entry.GrantId}, rows {entry.Rows}, sha256 {entry.Sha256})"));
            }
            else if (entry.Event == "order.completed" && audited.Type == "export.completed" && !string.Equals(entry.Sha256, audited.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new(orderId, $"different bytes: the site sent sha256 {entry.Sha256}, the portal's audit event {audited.Id} says {audited.Sha256}"));
            }
        }
        foreach (var (orderId, audited) in portal.OrderBy(p => p.Value.Id).Where(p => !site.ContainsKey(p.Key)))
        {
            findings.Add(new(orderId, $"missing from the site log: the portal's {audited.Type} (audit event {audited.Id})"));
        }
        return findings;
    }
}
