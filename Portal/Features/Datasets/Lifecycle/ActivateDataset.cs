using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Datasets.Lifecycle;

/// <summary>Draft → Active: every column classified and a valid anonymization profile. Owner only.</summary>
public static class ActivateDataset
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/activate", EndpointAsync).WithName("ActivateDataset")
            .WithSummary("Owner: draft → active, once every column is classified and the profile is valid.");

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOrProblem();

    public static Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Guid id, CancellationToken ct) =>
        ManagedDataset.ChangeAsync<DatasetView>(services, caller, id, DatasetNeed.Own, "activate it", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            if (Ready(d) is { } notReady)
            {
                return notReady;
            }
            d.Status = DatasetStatus.Active;
            d.UpdatedAt = services.Time.GetUtcNow();
            services.Audit.Add(db, "dataset.activated", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { d.ProfileVersion, d.TermsVersion });
            return await DatasetProjection.ManagedViewAsync(db, m, ct);
        }, ct);

    private static Failure? Ready(Dataset d)
    {
        if (d.Status != DatasetStatus.Draft)
        {
            return Failure.Conflict("dataset.activate.not_draft", "status",
                $"\"{d.Name}\" is {d.Status.ToString().ToLowerInvariant()}; only a draft can be activated.");
        }
        if (d.Columns.Count == 0)
        {
            return Failure.Conflict("dataset.activate.no_columns", "columns", "The dataset has no columns yet: read its schema first.");
        }
        var unclassified = d.Columns.Where(c => c.Classification == ColumnClass.Unclassified).Select(c => c.Name).ToList();
        if (unclassified.Count > 0)
        {
            return Failure.Conflict("dataset.activate.unclassified", "columns", $"Classify every column first; still unclassified: {string.Join(", ", unclassified)}.");
        }
        if (d.AnonymizationProfile is null)
        {
            return DatasetRefusals.ProfileMissing;
        }
        // A profile that no longer fits the columns (a schema was read again since) blocks activation: a conflict, not bad input.
        return DatasetRules.CheckProfile(d.AnonymizationProfile, d, complete: true) is { } badProfile ? badProfile with { Kind = FailureKind.Conflict } : null;
    }
}
