using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Portal.Features.Datasets.Sources;

/// <summary>Reads the columns again from the source; classes of columns that keep their name are kept, new columns are Unclassified.</summary>
public static class ReadSchema
{
    public sealed record View(IReadOnlyList<ColumnView> Columns, long? RowEstimate);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/schema", EndpointAsync).WithName("ReadDatasetSchema")
            .WithSummary("Read the columns again from the source; known columns keep their class.");

    private static async Task<Results<Ok<View>, ProblemHttpResult>> EndpointAsync(
        Guid id, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, ct)).OkOrProblem();

    public static async Task<Outcome<View>> HandleAsync(DatasetServices services, Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var m = await ManagedDataset.FindAsync(db, caller, id, DatasetNeed.Manage, "read its schema", lockRow: true, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        if (d.Status == DatasetStatus.Withdrawn)
        {
            return DatasetRefusals.Withdrawn(d);
        }
        var schema = await SchemaReader.ReadAsync(services, d, ct);
        if (schema.Failure is { } unreadable)
        {
            return unreadable;
        }
        var old = d.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var columns = schema.Value!.Columns.Select(c => old.TryGetValue(c.Name, out var kept)
            ? new DatasetColumn { Name = c.Name, DataType = c.SourceType, Classification = kept.Classification, Description = kept.Description }
            : new DatasetColumn { Name = c.Name, DataType = c.SourceType }).ToList();
        var added = columns.Select(c => c.Name).Except(old.Keys).ToList();
        var removed = old.Keys.Except(columns.Select(c => c.Name)).ToList();
        d.Columns = columns;
        d.UpdatedAt = services.Time.GetUtcNow();
        services.Audit.Add(db, "dataset.schema_read", AuditOutcome.Success, caller.Actor, datasetId: id,
            details: new { columns = columns.Count, added, removed, rowEstimate = schema.Value.RowEstimate });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new View([.. columns.Select(DatasetProjection.Column)], schema.Value.RowEstimate);
    }
}
