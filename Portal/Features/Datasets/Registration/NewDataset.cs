using Portal.Features.Datasets.Sources;

namespace Portal.Features.Datasets.Registration;

/// <summary>
/// What every registration does once its source is described: the caller becomes the owner of a draft whose columns
/// are read from the source (all Unclassified), audited in the same SaveChanges.
/// </summary>
internal static class NewDataset
{
    public static async Task<Outcome<DatasetView>> RegisterAsync(DatasetServices services, Caller caller, string? rawName, string? description,
        ConnectorSettings connector, CancellationToken ct)
    {
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var name = rawName?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Failure.Invalid("dataset.name.required", "name", "name is required.");
        }
        if ((DatasetRefusals.TooLong(name, DatasetRules.NameMax, "name") ?? DatasetRefusals.TooLong(description, DatasetRules.DescriptionMax, "description")) is { } tooLong)
        {
            return tooLong;
        }
        var now = services.Time.GetUtcNow();
        var dataset = new Dataset
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = me.Value!.Id,
            Name = name,
            Description = description?.Trim() ?? "",
            Status = DatasetStatus.Draft,
            Connector = connector,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var schema = await SchemaReader.ReadAsync(services.Sources, dataset, ct);
        if (schema.Failure is { } unreadable)
        {
            return unreadable;
        }
        dataset.Columns = [.. schema.Value!.Columns.Select(c => new DatasetColumn { Name = c.Name, DataType = c.SourceType })];
        db.Datasets.Add(dataset);
        services.Audit.Add(db, "dataset.registered", AuditOutcome.Success, caller.Actor, datasetId: dataset.Id,
            details: new { dataset.Name, kind = connector.Kind.ToString(), connector.Host, connector.Database, connector.Schema, connector.Relation, columns = dataset.Columns.Count, rowEstimate = schema.Value.RowEstimate });
        if (await ManagedDataset.SaveNamedAsync(db, name, ct) is { } taken)
        {
            return taken;
        }
        dataset.Owner = me.Value;
        return DatasetProjection.View(dataset, me.Value.Id, manage: true);
    }
}
