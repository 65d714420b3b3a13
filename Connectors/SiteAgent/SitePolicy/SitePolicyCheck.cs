using Portal.Connectors.Anonymization;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.Sites.Protocol;

namespace Portal.Connectors.SiteAgent.SitePolicy;

/// <summary>
/// The owner's rules, applied to an order that is genuine: which datasets are exposed, and for orders that let rows
/// out (PREVIEW, EXPORT) the minimum k, the columns that never leave, the purposes and VOs allowed and the daily row
/// cap per grant. A DESCRIBE sends names and types only, so only the first rule applies to it.
/// </summary>
public sealed class SitePolicyCheck(SiteConfig config, DailyRows rows)
{
    /// <returns>Null when the order is within the policy.</returns>
    public OrderRefusal? Check(Order order, AnonymizationProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!config.Datasets.TryGetValue(order.SiteDataset, out var dataset))
        {
            return new OrderRefusal(SiteCodes.DatasetNotExposed, $"the site exposes no dataset named '{order.SiteDataset}'");
        }
        if (order.Kind == OrderKind.Describe)
        {
            return null;
        }
        // The export delivers the larger of the order's and the profile's k; the profile is the one the portal signed for.
        var k = Math.Max(order.K, profile?.K ?? 0);
        if (k < dataset.MinK)
        {
            return new OrderRefusal(SiteCodes.KBelowFloor, $"the order asks for k = {k}; the site requires at least {dataset.MinK} for '{order.SiteDataset}'");
        }
        if (ForbiddenColumn(order, profile, dataset) is { } column)
        {
            return new OrderRefusal(SiteCodes.ColumnForbidden, $"column '{column}' of '{order.SiteDataset}' never leaves the site");
        }
        if (!PurposeAllowed(order.Purpose, dataset.Purposes))
        {
            return new OrderRefusal(SiteCodes.PurposeNotAllowed, $"the purpose '{order.Purpose}' is not one the site allows for '{order.SiteDataset}'");
        }
        if (dataset.Vos is { } vos && !order.VoIds.Any(v => vos.Contains(v, StringComparer.OrdinalIgnoreCase)))
        {
            return new OrderRefusal(SiteCodes.VoNotAllowed, $"'{order.SiteDataset}' is not delivered through the order's VOs");
        }
        if (dataset.MaxRowsPerDayPerGrant is { } cap && rows.SentToday(order.GrantId) >= cap)
        {
            return new OrderRefusal(SiteCodes.DailyRowsExceeded, $"grant {order.GrantId} has received its {cap} rows of '{order.SiteDataset}' for today (UTC)");
        }
        return null;
    }

    /// <summary>A column the order would let out that the site forbids: the order's columns, or else every column the profile keeps.</summary>
    public static string? ForbiddenColumn(Order order, AnonymizationProfile? profile, DatasetPolicy dataset)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(dataset);
        IEnumerable<string> leaving = order.Columns.Count > 0
            ? order.Columns
            : profile?.Columns.Where(c => c.Transform.Type != TransformTypes.Drop).Select(c => c.Name) ?? [];
        return leaving.FirstOrDefault(c => dataset.NeverLeave.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Exact purpose codes, and "DS:*" for every disease-specific purpose; no list allows any.</summary>
    public static bool PurposeAllowed(string purpose, IReadOnlyList<string>? allowed) =>
        allowed is null || allowed.Any(a => a.EndsWith(":*", StringComparison.Ordinal)
            ? purpose.StartsWith(a[..^1], StringComparison.Ordinal) && purpose.Length > a.Length - 1
            : string.Equals(a, purpose, StringComparison.Ordinal));
}
