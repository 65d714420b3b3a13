using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Datasets.Columns;

/// <summary>Sets the class of the named columns; every name must be a column of the dataset and every class known.</summary>
public static class ClassifyColumns
{
    public sealed record Input(IReadOnlyDictionary<string, string>? Columns);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPut("/{id:guid}/columns", EndpointAsync).WithName("ClassifyDatasetColumns")
            .WithSummary("Set columns' classes: { \"columns\": { \"mrn\": \"DirectIdentifier\" } }.");

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(null), ct)).OkOrProblem();

    public static Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Guid id, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ManagedDataset.ChangeAsync<DatasetView>(services, caller, id, DatasetNeed.Manage, "classify its columns", propagate: false, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return DatasetRefusals.Withdrawn(d);
            }
            if (input.Columns is not { Count: > 0 } columns)
            {
                return Failure.Invalid("dataset.columns.required", "columns", "columns must map at least one column name to a class.");
            }
            var parsed = ColumnClasses.Parse(d, columns);
            if (parsed.Failure is { } invalid)
            {
                return invalid;
            }
            // The profile and the classes are one contract: a change that contradicts the stored profile is refused
            // (change both at once through PUT …/conditions with "columns").
            if (d.AnonymizationProfile is not null
                && DatasetRules.CheckProfile(d.AnonymizationProfile, d, parsed.Value) is { } contradiction)
            {
                return contradiction with { Kind = FailureKind.Conflict, Code = "dataset.columns.contradict_profile" };
            }
            var changed = ColumnClasses.Apply(d, parsed.Value!);
            if (changed.Count > 0)
            {
                d.UpdatedAt = services.Time.GetUtcNow();
                services.Audit.Add(db, "dataset.columns_classified", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { columns = changed });
            }
            return await DatasetProjection.ManagedViewAsync(db, m, ct);
        }, ct);
    }
}
