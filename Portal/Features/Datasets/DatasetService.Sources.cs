using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;
using Portal.Features.Audit;
using Portal.Features.Exports;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;

namespace Portal.Features.Datasets;

public sealed partial class DatasetService
{
    private const int IdentifierMax = 63;
    private const int SuggestionSampleRows = 20;

    /// <summary>A table or view on an allow-listed PostgreSQL host. The schema is read before anything is stored.</summary>
    public async Task<Outcome<DatasetView>> RegisterPostgresAsync(Caller caller, RegisterPostgresInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var host = input.Host?.Trim() ?? "";
        if (host.Length == 0)
        {
            return Failure.Invalid("host", "host is required.");
        }
        if (!sources.IsHostAllowed(host))
        {
            return Failure.Invalid("host", $"The host '{host}' is not on this portal's allow-list of source databases (Connectors:AllowedHosts); ask its operator to add it.");
        }
        if (input.Port is < 1 or > 65535)
        {
            return Failure.Invalid("port", "port must be between 1 and 65535.");
        }
        foreach (var (field, value, required) in new[] { ("database", input.Database, true), ("schema", input.Schema, false), ("relation", input.Relation, true), ("username", input.Username, true) })
        {
            if (required && string.IsNullOrWhiteSpace(value))
            {
                return Failure.Invalid(field, $"{field} is required.");
            }
            if (value is { Length: > IdentifierMax })
            {
                return Failure.Invalid(field, $"{field} is too long: PostgreSQL names have at most {IdentifierMax} characters.");
            }
        }
        if (input.Password is { Length: > 1000 })
        {
            return Failure.Invalid("password", "password is too long.");
        }
        var connector = new ConnectorSettings
        {
            Kind = ConnectorKind.PostgreSql,
            Host = host,
            Port = input.Port ?? 5432,
            Database = input.Database!.Trim(),
            Schema = string.IsNullOrWhiteSpace(input.Schema) ? "public" : input.Schema.Trim(),
            Relation = input.Relation!.Trim(),
            Username = input.Username!.Trim(),
            ProtectedPassword = string.IsNullOrEmpty(input.Password) ? null : credentials.Protect(input.Password),
        };
        return await RegisterAsync(caller, input.Name, input.Description, connector, ct);
    }

    /// <summary>An uploaded file, already stored (streamed) by <see cref="DatasetUploads"/> under its generated name.</summary>
    public async Task<Outcome<DatasetView>> RegisterFileAsync(Caller caller, string? name, string? description, ConnectorKind kind, string storedName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (kind == ConnectorKind.PostgreSql)
        {
            return Failure.Invalid("format", "format must be csv or parquet.");
        }
        return await RegisterAsync(caller, name, description, new ConnectorSettings { Kind = kind, FilePath = storedName }, ct);
    }

    private async Task<Outcome<DatasetView>> RegisterAsync(Caller caller, string? rawName, string? description, ConnectorSettings connector, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var name = rawName?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Failure.Invalid("name", "name is required.");
        }
        if ((Length(name, NameMax, "name") ?? Length(description, DescriptionMax, "description")) is { } tooLong)
        {
            return tooLong;
        }
        var now = time.GetUtcNow();
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
        var schema = await ReadSchemaAsync(dataset, ct);
        if (schema.Failure is { } unreadable)
        {
            return unreadable;
        }
        dataset.Columns = [.. schema.Value!.Columns.Select(c => new DatasetColumn { Name = c.Name, DataType = c.SourceType })];
        db.Datasets.Add(dataset);
        audit.Add(db, "dataset.registered", AuditOutcome.Success, caller.Actor, datasetId: dataset.Id,
            details: new { dataset.Name, kind = connector.Kind.ToString(), connector.Host, connector.Database, connector.Schema, connector.Relation, columns = dataset.Columns.Count, rowEstimate = schema.Value.RowEstimate });
        try
        {
            await SaveAsync(db, ct);
        }
        catch (DatasetNameTakenException)
        {
            return NameTaken(name);
        }
        dataset.Owner = me.Value;
        return View(dataset, me.Value.Id, manage: true);
    }

    /// <summary>Columns and row estimate from the source itself; an unreachable or malformed source is bad input, named.</summary>
    private async Task<Outcome<SourceSchema>> ReadSchemaAsync(Dataset dataset, CancellationToken ct)
    {
        var field = dataset.Connector.Kind == ConnectorKind.PostgreSql ? "relation" : "file";
        try
        {
            var source = sources.Open(dataset);
            var schema = await source.DescribeAsync(ct);
            if (schema.Columns.Count == 0)
            {
                return Failure.Invalid(field, "The source has no columns.");
            }
            if (dataset.Connector.Kind != ConnectorKind.PostgreSql)
            {
                // A file's header can look fine over a broken body: read a few rows so that a malformed file is refused now.
                await SourceSampler.ReadAsync(source, SuggestionSampleRows, ct);
            }
            return schema;
        }
        catch (Exception e) when (e is ConnectorException or DatasetSourceException)
        {
            if (dataset.Connector.Kind == ConnectorKind.PostgreSql && e.Message.StartsWith("cannot connect", StringComparison.Ordinal))
            {
                field = "host";
            }
            return Failure.Invalid(field, $"The source cannot be read: {e.Message}");
        }
    }

    /// <summary>Reads the columns again; classes of columns that keep their name are kept, new columns are Unclassified.</summary>
    public async Task<Outcome<SchemaView>> RefreshSchemaAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var m = await ManagedAsync(db, caller, id, Need.Manage, "read its schema", lockRow: true, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        if (d.Status == DatasetStatus.Withdrawn)
        {
            return Withdrawn(d);
        }
        var schema = await ReadSchemaAsync(d, ct);
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
        d.UpdatedAt = time.GetUtcNow();
        audit.Add(db, "dataset.schema_read", AuditOutcome.Success, caller.Actor, datasetId: id,
            details: new { columns = columns.Count, added, removed, rowEstimate = schema.Value.RowEstimate });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SchemaView([.. columns.Select(c => new ColumnView(c.Name, c.DataType, c.Classification.ToString(), c.Description))], schema.Value.RowEstimate);
    }

    /// <summary>
    /// A suggested class per column, from its name and a few rows read from the source (read-only, never stored,
    /// never returned: only the pattern found is named).
    /// </summary>
    public async Task<Outcome<IReadOnlyList<ColumnSuggestion>>> SuggestAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var m = await ManagedAsync(db, caller, id, Need.Manage, "see classification suggestions", lockRow: false, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        IReadOnlyList<string> names;
        IReadOnlyList<string?[]> rows;
        try
        {
            (names, rows) = await SourceSampler.ReadAsync(sources.Open(d), SuggestionSampleRows, ct);
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
        audit.Add(db, "dataset.suggestions_read", AuditOutcome.Success, caller.Actor, datasetId: id,
            details: new { sampledRows = rows.Count, suggested = suggestions.Count(s => s.Suggested is not null) });
        await db.SaveChangesAsync(ct);
        return suggestions;
    }

    /// <summary>
    /// The first <paramref name="rows"/> rows exactly as <paramref name="grantId"/> would deliver them: the export
    /// pipeline with that grant's columns, k, purpose (consent filter) and pseudonym key, and the manifest of the run.
    /// The whole export runs (k-anonymity needs every class), but only the first rows are kept; nothing leaves to a
    /// researcher, so it is audited as "dataset.previewed", never as an export.
    /// </summary>
    public async Task<Outcome<PreviewView>> PreviewAsync(Caller caller, Guid id, Guid? grantId, int? rows, string? purpose, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var take = rows ?? 20;
        if (take is < 1 or > SourceSampler.MaxRows)
        {
            return Failure.Invalid("rows", $"rows must be between 1 and {SourceSampler.MaxRows}.");
        }
        if (grantId is null)
        {
            return Failure.Invalid("grantId", "grantId is required: the preview shows what that grant delivers.");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var m = await ManagedAsync(db, caller, id, Need.Manage, "preview it", lockRow: false, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        var grant = await db.Grants.AsNoTracking().SingleOrDefaultAsync(g => g.Id == grantId && g.DatasetId == id, ct);
        if (grant is null)
        {
            return Failure.Invalid("grantId", "No grant of this dataset has that id.");
        }
        var chosen = purpose is null ? grant.Purposes.FirstOrDefault() : grant.Purposes.FirstOrDefault(p => string.Equals(p.ToString(), purpose, StringComparison.OrdinalIgnoreCase));
        if (chosen is null)
        {
            return Failure.Invalid("purpose", $"The grant covers {string.Join(", ", grant.Purposes.Select(p => p.ToString()))}; choose one of them.");
        }
        if (d.AnonymizationProfile is null)
        {
            return Failure.Conflict("anonymizationProfile", "Set an anonymization profile first: nothing can be previewed without one.");
        }
        if (!keys.IsConfigured)
        {
            return new Failure(FailureKind.Conflict, "dataset.preview.no_master_secret", "The portal has no pseudonym master secret; ask its operator.");
        }
        var purposeText = chosen.ToString();
        var capture = new PreviewCapture(take);
        ExportManifest manifest;
        try
        {
            var request = new ExportRequest
            {
                Profile = AnonymizationProfile.Parse(d.AnonymizationProfile),
                Purpose = purposeText,
                PurposeText = "preview by the dataset's owner or steward",
                GrantKey = keys.ForGrant(grant.Id),
                GrantId = grant.Id.ToString("D"),
                Columns = grant.Columns,
                K = grant.K,
                Format = ExportFormat.JsonLines,
                Clock = time,
            };
            manifest = await ExportPipeline.RunAsync(sources.Open(d), request, capture, ct);
        }
        catch (Exception e) when (e is ExportException or ProfileValidationException or DatasetSourceException)
        {
            audit.Add(db, "dataset.preview_failed", AuditOutcome.Failure, caller.Actor, datasetId: id, grantId: grant.Id, details: new { error = e.Message });
            await db.SaveChangesAsync(CancellationToken.None);
            return new Failure(FailureKind.Conflict, "dataset.preview.failed", $"The preview failed: {e.Message}");
        }
        var manifestJson = JsonDocument.Parse(manifest.ToJson());
        audit.Add(db, "dataset.previewed", AuditOutcome.Success, caller.Actor, datasetId: id, grantId: grant.Id,
            details: new { purpose = purposeText, rows = capture.Lines.Count, rowsWritten = manifest.RowsWritten, sha256 = manifest.Sha256, profileVersion = d.ProfileVersion });
        await db.SaveChangesAsync(ct);
        var objects = capture.Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return new PreviewView(grant.Id, purposeText, [.. manifest.Columns.Where(c => c.Transform != "drop").Select(c => c.Name)], objects, manifestJson.RootElement.Clone());
    }
}

public sealed record SchemaView(IReadOnlyList<ColumnView> Columns, long? RowEstimate);
