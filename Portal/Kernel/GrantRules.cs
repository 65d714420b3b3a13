using Portal.Data;
using Portal.Kernel.Access;

namespace Portal.Kernel;

/// <summary>
/// TRANSITIONAL: the old name of the access rules, kept while other features still call it. The rules now live in
/// <c>Portal/Kernel/Access</c> (CallerResolution, DatasetManagers, TextRules, PurposeRules, PeriodRules, ColumnRules,
/// GrantCoverage, GrantStatus); call those. Remove this file once nothing names GrantRules.
/// </summary>
public static class GrantRules
{
    public static Task<Outcome<User>> CallerAsync(PortalDb db, Caller caller, CancellationToken ct) => caller.ResolveAsync(db, ct);

    public static Task<bool> IsManagerAsync(PortalDb db, Guid datasetId, Guid userId, CancellationToken ct) =>
        DatasetManagers.IsManagerAsync(db, datasetId, userId, ct);

    public static Outcome<string> Reason(string? value, string told) => TextRules.Reason(value, told);

    public static Task<List<Coverage>> CoverageAsync(PortalDb db, IReadOnlyCollection<Grant> grants, DateTimeOffset now, CancellationToken ct) =>
        GrantCoverage.CoverageAsync(db, grants, now, ct);

    public static string Status(Grant g, DateTimeOffset now) => GrantStatus.Of(g, now);
}
