using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Connectors;
using Portal.Connectors.Sources;
using Portal.Features.Datasets.Sources;

namespace Portal.Features.Datasets.Columns;

/// <summary>
/// A suggested class per column, from its name and a few rows read from the source (read-only, never stored, never
/// returned: only the pattern found is named).
/// </summary>
public static class SuggestClasses
{
    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}/suggestions", EndpointAsync).WithName("SuggestColumnClasses")
            .WithSummary("Suggested classes from column names and a few sample rows.");

    private static async Task<Results<Ok<IReadOnlyList<ColumnSuggestion>>, ProblemHttpResult>> EndpointAsync(
        Guid id, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOrProblem();

    public static async Task<Outcome<IReadOnlyList<ColumnSuggestion>>> HandleAsync(DatasetServices services, Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var m = await ManagedDataset.FindAsync(db, caller, id, DatasetNeed.Manage, "see classification suggestions", lockRow: false, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        IReadOnlyList<string> names;
        IReadOnlyList<string?[]> rows;
        try
        {
            // Behind a site agent no value comes to the portal, not even a sample: names alone are judged here.
            (names, rows) = d.Connector.Kind == ConnectorKind.Agent
                ? ([], [])
                : await SourceSampler.ReadAsync(services.Sources.Open(d), SchemaReader.SampleRows, ct);
        }
        catch (Exception e) when (e is ConnectorException or DatasetSourceException)
        {
            return new Failure(FailureKind.Conflict, "dataset.source.unreachable", $"The source cannot be read now, so only names could be judged: {e.Message}");
        }
        var suggestions = d.Columns.Select(c =>
        {
            var index = names.ToList().IndexOf(c.Name);
            IReadOnlyList<string?> values = index < 0 ? [] : [.. rows.Select(r => r[index])];
            return ColumnSuggestions.Suggest(c, values);
        }).ToList();
        services.Audit.Add(db, "dataset.suggestions_read", AuditOutcome.Success, caller.Actor, datasetId: id,
            details: new { sampledRows = rows.Count, suggested = suggestions.Count(s => s.Suggested is not null) });
        await db.SaveChangesAsync(ct);
        return suggestions;
    }
}
