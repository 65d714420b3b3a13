using Portal.Data;
using Portal.Kernel.Access;

namespace Portal.Kernel;

/// <summary>
/// TRANSITIONAL: the old name of the access rules, kept while other features still call it. The rules now live in
/// <c>Portal/Kernel/Access</c> (CallerResolution, DatasetManagers, TextRules, PurposeRules, PeriodRules, ColumnRules,
/// GrantCoverage, GrantStatus); call those. Remove this file once nothing names GrantRules.
/// (ApplyToPolicyAsync moved into the Access feature: AccessServices.ApplyToPolicyAsync, or PolicyLoader.ApplyAsync.)
/// </summary>
public static class GrantRules
{
    public const int DescriptionMax = TextRules.DescriptionMax;
    public const int EthicsMax = TextRules.EthicsMax;
    public const int ReasonMax = TextRules.ReasonMax;
    public const int DiseaseMax = PurposeRules.DiseaseMax;
    public const int ColumnsMax = ColumnRules.ColumnsMax;

    public static readonly TimeSpan MaxPeriod = PeriodRules.MaxPeriod;
    public static readonly TimeSpan StartTolerance = PeriodRules.StartTolerance;

    public static Task<Outcome<User>> CallerAsync(PortalDb db, Caller caller, CancellationToken ct) => caller.ResolveAsync(db, ct);

    public static Task<bool> IsManagerAsync(PortalDb db, Guid datasetId, Guid userId, CancellationToken ct) =>
        DatasetManagers.IsManagerAsync(db, datasetId, userId, ct);

    public static Task<Outcome<(User Me, Dataset Dataset)>> ManagerAsync(
        PortalDb db, Caller caller, Guid datasetId, string action, CancellationToken ct, string? notFound = null) =>
        DatasetManagers.ManagerAsync(db, caller, datasetId, action, ct,
            notFound is null ? null : Failure.NotFound(DatasetManagers.DatasetNotFound.Code, notFound));

    public static Task<bool> InCatalogueOfAsync(PortalDb db, Dataset dataset, Guid userId, CancellationToken ct) =>
        DatasetManagers.InCatalogueOfAsync(db, dataset, userId, ct);

    public static Task LockDatasetAsync(PortalDb db, Guid datasetId, CancellationToken ct) => DatasetManagers.LockAsync(db, datasetId, ct);

    public static string Status(Grant g, DateTimeOffset now) => GrantStatus.Of(g, now);

    public static Outcome<string> Reason(string? value, string told) => TextRules.Reason(value, told);

    public static Failure? Length(string? value, int max, string field) => TextRules.TooLong(value, max, field);

    public static Outcome<Purpose> Purpose(string? text, bool commercial, string field) => PurposeRules.Parse(text, commercial, field);

    public static Outcome<List<string>?> Columns(Dataset dataset, IReadOnlyList<string>? columns, string field) => ColumnRules.Check(dataset, columns, field);

    public static Failure? Period(DateTimeOffset from, DateTimeOffset? until, DateTimeOffset now, string fromField, string untilField, bool fromMayBePast = false) =>
        PeriodRules.Check(from, until, now, fromField, untilField, fromMayBePast);

    public static Task<List<Coverage>> CoverageAsync(PortalDb db, IReadOnlyCollection<Grant> grants, DateTimeOffset now, CancellationToken ct) =>
        GrantCoverage.CoverageAsync(db, grants, now, ct);
}
