using Portal.Features.Datasets.Sources;

namespace Portal.Features.Datasets.Registration;

/// <summary>
/// What every registration does once its source is described: the caller becomes the owner of a draft whose columns
/// are read from the source (all Unclassified), audited in the same SaveChanges.
/// </summary>
internal static class NewDataset
{
    public static readonly Failure SourceUnreachable = Failure.Invalid("dataset.source.unreachable", "host",
        "Could not connect or authenticate to the source with these settings.");

    public static async Task<Outcome<DatasetView>> RegisterAsync(DatasetServices services, Caller caller, string? rawName, string? description,
        ConnectorSettings connector, CancellationToken ct)
    {
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var me = await RegistrationGate.MayRegisterAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var name = rawName?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Failure.Invalid("dataset.name.required", "name", "name is required.");
        }
        if ((DatasetRefusals.NameCharacters(name) ?? DatasetRefusals.TooLong(name, DatasetRules.NameMax, "name") ?? DatasetRefusals.TooLong(description, DatasetRules.DescriptionMax, "description")) is { } tooLong)
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
        if (connector.Kind == ConnectorKind.PostgreSql && services.Gate.TakeConnectionTest(me.Value!.Id) is { } tooMany)
        {
            return tooMany;
        }
        var schema = await SchemaReader.ReadAsync(services, dataset, ct);
        if (schema.Failure is { Code: "source.postgres.unreachable" } unreachable)
        {
            // Which of socket, TLS, role or password failed would answer "is anything listening there" and "is this
            // the password": the caller learns only that it failed, the audit keeps why.
            services.Audit.Add(db, "dataset.source.test_failed", AuditOutcome.Failure, caller.Actor, reason: unreachable.Code,
                details: new { connector.Host, connector.Port, connector.Database, connector.Username, detail = unreachable.Message });
            await db.SaveChangesAsync(ct);
            return SourceUnreachable;
        }
        if (schema.Failure is { } unreadable)
        {
            return unreadable;
        }
        dataset.Columns = [.. schema.Value!.Columns.Select(c => new DatasetColumn { Name = c.Name, DataType = c.SourceType })];
        db.Datasets.Add(dataset);
        services.Audit.Add(db, "dataset.registered", AuditOutcome.Success, caller.Actor, datasetId: dataset.Id,
            details: new { dataset.Name, kind = connector.Kind.ToString(), connector.Host, connector.Database, connector.Schema, connector.Relation, connector.AgentId, connector.SiteDataset, columns = dataset.Columns.Count, rowEstimate = schema.Value.RowEstimate });
        if (await ManagedDataset.SaveNamedAsync(db, name, ct) is { } taken)
        {
            return taken;
        }
        dataset.Owner = me.Value;
        return DatasetProjection.View(dataset, me.Value.Id, manage: true);
    }
}
