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
            var changed = new Dictionary<string, string>();
            foreach (var (name, text) in columns)
            {
                var column = d.Columns.FirstOrDefault(c => c.Name == name);
                if (column is null)
                {
                    return Failure.Invalid("dataset.column.unknown", $"columns.{name}", $"\"{name}\" is not a column of this dataset.");
                }
                if (!Enum.TryParse<ColumnClass>(text, ignoreCase: true, out var cls) || int.TryParse(text, out _))
                {
                    return Failure.Invalid("dataset.column.class_unknown", $"columns.{name}",
                        $"\"{text}\" is not a class; use one of {string.Join(", ", Enum.GetNames<ColumnClass>())}.");
                }
                if (column.Classification != cls)
                {
                    changed[name] = $"{column.Classification} → {cls}";
                    column.Classification = cls;
                }
            }
            if (changed.Count > 0)
            {
                d.UpdatedAt = services.Time.GetUtcNow();
                services.Audit.Add(db, "dataset.columns_classified", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { columns = changed });
            }
            return await DatasetProjection.ManagedViewAsync(db, m, ct);
        }, ct);
    }
}
