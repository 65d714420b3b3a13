using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Connectors.Anonymization;
using Portal.Data;
using Portal.Features.Access;
using Portal.Features.Audit;
using Portal.Features.Exports;
using Portal.Features.Notifications;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Policy;

namespace Portal.Features.Datasets;

/// <summary>
/// The owner's side of datasets, for the API and the pages alike: register a source, read its schema, classify
/// columns, set use conditions, stewards and catalogue shares, activate, withdraw and preview. Every method decides on
/// its own whether the caller may act, and writes the change with its audit event in one SaveChanges.
///
/// Who may do what (read from the database inside the operation, like the VO services):
/// - the owner: everything;
/// - a steward (a co-owner the owner named): read, refresh the schema, classify, set DUO conditions, terms, profile
///   and default k, preview. Not: change stewards, share or unshare, activate or withdraw — those change who sees
///   the data or whether it exists, and stay with the one accountable person;
/// - a live admin of a VO may take a dataset out of that VO's catalogue (their catalogue, their call);
/// - anyone else gets 404 for a dataset they may not see, so that existence does not leak.
/// Share, steward and status changes reach the policy engine through the database triggers every instance listens
/// to (PolicySync); this instance also applies them at once after the commit, so a withdrawal is in force before
/// the owner's request returns.
/// </summary>
public sealed partial class DatasetService(
    IDbContextFactory<PortalDb> dbs, AuditLog audit, NotificationService notifications, TimeProvider time,
    DatasetSources sources, DatasetCredentials credentials, PseudonymKeys keys, PolicyEngine engine, ILogger<DatasetService> logger)
{
    public const int NameMax = 200;
    public const int DescriptionMax = 8000;
    public const int TermsMax = 20000;
    public const int DataUseMax = 1000;
    public const int ProfileMax = 200_000;
    public const int MaxK = 1000;

    private enum Need
    {
        /// <summary>Owner or steward.</summary>
        Manage,

        /// <summary>The owner only.</summary>
        Own,
    }

    private sealed record Managed(User Me, Dataset Dataset, bool IsOwner);

    /// <summary>The caller and the dataset they manage (tracked, row-locked when inside a transaction), or why not.</summary>
    private static async Task<Outcome<Managed>> ManagedAsync(PortalDb db, Caller caller, Guid id, Need need, string action, bool lockRow, CancellationToken ct)
    {
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        if (lockRow)
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM datasets WHERE id = {id} FOR UPDATE", ct);
        }
        var dataset = await db.Datasets.Include(d => d.Stewards).Include(d => d.Owner).SingleOrDefaultAsync(d => d.Id == id, ct);
        var myId = me.Value!.Id;
        if (dataset is null || (dataset.OwnerId != myId && dataset.Stewards.All(s => s.UserId != myId)))
        {
            return NoSuchDataset;
        }
        var isOwner = dataset.OwnerId == myId;
        if (need == Need.Own && !isOwner)
        {
            return Failure.Forbidden($"Only the owner of \"{dataset.Name}\" may {action}; stewards may classify, set conditions and preview.");
        }
        return new Managed(me.Value, dataset, isOwner);
    }

    private static readonly Failure NoSuchDataset = Failure.NotFound("No such dataset.");

    private static Failure? Length(string? value, int max, string field) =>
        value is not null && value.Length > max ? Failure.Invalid(field, $"{field} is too long: at most {max} characters.") : null;

    private static Failure Withdrawn(Dataset d) => Failure.Conflict("status", $"\"{d.Name}\" is withdrawn; it can no longer be changed.");

    /// <summary>The dataset's DUO conditions as text, e.g. "DS:HIV NCU IRB".</summary>
    public static string DuoText(DataUseConditions c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var primary = c.Primary == "DS" ? string.Join(' ', c.Diseases.Select(d => "DS:" + d)) : c.Primary;
        return string.Join(' ', new[] { primary }.Concat(c.Modifiers).Where(p => p.Length > 0));
    }

    /// <summary>Parses DUO text with the policy library, so that whatever the owner saves the engine understands.</summary>
    private static Outcome<DataUseConditions> ParseDuo(string text)
    {
        if (text.Length > DataUseMax)
        {
            return Failure.Invalid("dataUse", $"dataUse is too long: at most {DataUseMax} characters.");
        }
        try
        {
            var parsed = Policy.Duo.DataUseConditions.Parse(text);
            return new DataUseConditions
            {
                Primary = parsed.Primary.ToString(),
                Diseases = [.. parsed.Diseases],
                Modifiers = [.. Enum.GetValues<Policy.Duo.DuoModifiers>()
                    .Where(m => m != Policy.Duo.DuoModifiers.None && parsed.Has(m) && System.Numerics.BitOperations.PopCount((uint)m) == 1)
                    .Select(m => m.ToString())],
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return Failure.Invalid("dataUse", $"dataUse: {e.Message} Use GA4GH DUO codes such as \"GRU\", \"HMB NCU\" or \"DS:HIV IRB\".");
        }
    }

    /// <summary>Validates a profile with the connector library and against the dataset's columns.</summary>
    private static Failure? CheckProfile(string json, Dataset d)
    {
        if (json.Length > ProfileMax)
        {
            return Failure.Invalid("anonymizationProfile", $"anonymizationProfile is too long: at most {ProfileMax} characters.");
        }
        AnonymizationProfile profile;
        try
        {
            profile = AnonymizationProfile.Parse(json);
        }
        catch (ProfileValidationException e)
        {
            return Failure.Invalid("anonymizationProfile", "The anonymization profile is not valid: " + string.Join("; ", e.Errors.Count > 0 ? e.Errors : [e.Message]));
        }
        if (d.Columns.Count > 0)
        {
            var unknown = profile.Columns.Select(c => c.Name).Concat(profile.Consent.Select(c => c.Column))
                .Where(n => d.Columns.All(c => c.Name != n)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                return Failure.Invalid("anonymizationProfile",
                    $"The anonymization profile names columns the dataset does not have: {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
            }
        }
        return null;
    }

    private static async Task SaveAsync(PortalDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new DatasetNameTakenException(e);
        }
    }

    /// <summary>
    /// One change to a dataset the caller may manage: the row locked for a transaction that holds the change, its audit
    /// event and its notifications, all or nothing; once committed, e-mail delivery is woken and (when the engine reads
    /// what changed) this instance's policy engine is updated before the caller hears back.
    /// </summary>
    private async Task<Outcome<T>> ChangeAsync<T>(Caller caller, Guid id, Need need, string action, bool propagate,
        Func<PortalDb, Managed, Task<Outcome<T>>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var m = await ManagedAsync(db, caller, id, need, action, lockRow: true, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var outcome = await change(db, m.Value!);
        if (outcome.Failure is not null)
        {
            return outcome;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        if (propagate)
        {
            await PropagateAsync(id, ct);
        }
        return outcome;
    }

    /// <summary>In force on this instance now; the trigger's NOTIFY brings every other instance along.</summary>
    private async Task PropagateAsync(Guid datasetId, CancellationToken ct)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            await PolicyLoader.ApplyAsync(db, engine, $"dataset:{datasetId}", ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The NOTIFY path still applies it; log rather than fail a change that is committed.
            logger.LogWarning("Could not apply dataset {DatasetId} to the local policy engine at once: {Message}", datasetId, e.Message);
        }
    }

    private static DatasetView View(Dataset d, Guid me, bool manage, IReadOnlyList<ShareView>? shares = null)
    {
        var role = d.OwnerId == me ? "Owner" : d.Stewards.Any(s => s.UserId == me) ? "Steward" : null;
        DatasetManageView? details = null;
        if (manage)
        {
            var c = d.Connector;
            details = new DatasetManageView(
                new SourceView(c.Kind.ToString(), c.Host, c.Port, c.Database, c.Schema, c.Relation, c.Username, c.ProtectedPassword is not null,
                    c.FilePath is null ? null : Path.GetFileName(c.FilePath)),
                [.. d.Columns.Select(x => new ColumnView(x.Name, x.DataType, x.Classification.ToString(), x.Description))],
                d.AnonymizationProfile, d.ProfileVersion,
                [.. d.Stewards.OrderBy(s => s.User?.DisplayName).Select(s => new StewardView(s.UserId, s.User?.DisplayName ?? "", s.AddedAt))],
                shares ?? []);
        }
        return new DatasetView(d.Id, d.Name, d.Description, d.Status.ToString(), DuoText(d.DataUse), d.TermsOfUse, d.TermsVersion, d.DefaultK,
            d.OwnerId, d.Owner?.DisplayName ?? "", d.CreatedAt, d.UpdatedAt, d.WithdrawnAt, d.WithdrawalReason, role, details);
    }

    private static async Task<List<ShareView>> SharesAsync(PortalDb db, Guid id, CancellationToken ct) =>
        await db.DatasetShares.AsNoTracking().Where(s => s.DatasetId == id).OrderBy(s => s.Vo!.Name)
            .Select(s => new ShareView(s.VoId, s.Vo!.Name, s.SharedAt)).ToListAsync(ct);

    /// <summary>Metadata: the full view for owner and stewards; the public part for live members of a VO an active dataset is shared into.</summary>
    public async Task<Outcome<DatasetView>> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var myId = me.Value!.Id;
        var d = await db.Datasets.AsNoTracking().Include(x => x.Owner).Include(x => x.Stewards).ThenInclude(s => s.User)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (d is null)
        {
            return NoSuchDataset;
        }
        if (d.OwnerId == myId || d.Stewards.Any(s => s.UserId == myId))
        {
            return View(d, myId, manage: true, await SharesAsync(db, id, ct));
        }
        var live = db.Memberships.Where(Membership.ActiveAt(time.GetUtcNow()));
        var visible = d.Status == DatasetStatus.Active && await db.DatasetShares.AnyAsync(s => s.DatasetId == id && s.Vo!.ArchivedAt == null
            && live.Any(m => m.VoId == s.VoId && m.UserId == myId), ct);
        return visible ? View(d, myId, manage: false) : NoSuchDataset;
    }

    /// <summary>The caller's own and stewarded datasets, by name.</summary>
    public async Task<Outcome<PageOf<MyDatasetRow>>> ListMineAsync(Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var myId = me.Value!.Id;
        var mine = db.Datasets.AsNoTracking().Where(d => d.OwnerId == myId || d.Stewards.Any(s => s.UserId == myId));
        var total = await mine.CountAsync(ct);
        var page = await mine.OrderBy(d => d.Name).ThenBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var rows = page.Select(d => new MyDatasetRow(d.Id, d.Name, d.Status.ToString(), d.OwnerId == myId ? "Owner" : "Steward", DuoText(d.DataUse),
            d.Columns.Count, d.Columns.Count(c => c.Classification == Portal.Data.Entities.ColumnClass.Unclassified), d.UpdatedAt)).ToList();
        return new PageOf<MyDatasetRow>(rows, paging.Page, paging.PageSize, total);
    }

    /// <summary>Name, description, DUO conditions, terms (a change bumps TermsVersion), profile (bumps ProfileVersion), default k.</summary>
    public async Task<Outcome<DatasetView>> SetConditionsAsync(Caller caller, Guid id, DatasetConditionsInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var m = await ManagedAsync(db, caller, id, Need.Manage, "change its conditions", lockRow: true, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        if (d.Status == DatasetStatus.Withdrawn)
        {
            return Withdrawn(d);
        }
        var name = input.Name?.Trim();
        if (name is { Length: 0 })
        {
            return Failure.Invalid("name", "name may not be empty.");
        }
        if ((Length(name, NameMax, "name") ?? Length(input.Description, DescriptionMax, "description") ?? Length(input.TermsOfUse, TermsMax, "termsOfUse")) is { } tooLong)
        {
            return tooLong;
        }
        if (input.DefaultK is < 1 or > MaxK)
        {
            return Failure.Invalid("defaultK", $"defaultK must be between 1 and {MaxK}.");
        }
        DataUseConditions? dataUse = null;
        if (input.DataUse is not null)
        {
            var parsed = ParseDuo(input.DataUse);
            if (parsed.Failure is { } badDuo)
            {
                return badDuo;
            }
            dataUse = parsed.Value;
        }
        if (input.AnonymizationProfile is not null && CheckProfile(input.AnonymizationProfile, d) is { } badProfile)
        {
            return badProfile;
        }

        var changes = new Dictionary<string, object?>();
        if (name is not null && name != d.Name)
        {
            changes["name"] = new { from = d.Name, to = name };
            d.Name = name;
        }
        if (input.Description is not null && input.Description.Trim() != d.Description)
        {
            d.Description = input.Description.Trim();
            changes["description"] = true;
        }
        if (dataUse is not null && DuoText(dataUse) != DuoText(d.DataUse))
        {
            changes["dataUse"] = new { from = DuoText(d.DataUse), to = DuoText(dataUse) };
            d.DataUse = dataUse;
        }
        if (input.TermsOfUse is not null && input.TermsOfUse.Trim() != d.TermsOfUse)
        {
            d.TermsOfUse = input.TermsOfUse.Trim();
            d.TermsVersion++;
            changes["termsVersion"] = d.TermsVersion;
        }
        List<Guid> movedGrants = [];
        if (input.AnonymizationProfile is not null && !SameJson(input.AnonymizationProfile, d.AnonymizationProfile))
        {
            d.AnonymizationProfile = input.AnonymizationProfile;
            d.ProfileVersion++;
            changes["profileVersion"] = d.ProfileVersion;
            movedGrants = await MoveGrantsToProfileAsync(db, d, ct);
            changes["grantsOnNewProfile"] = movedGrants.Count;
        }
        if (input.DefaultK is { } k && k != d.DefaultK)
        {
            changes["defaultK"] = new { from = d.DefaultK, to = k };
            d.DefaultK = k;
        }
        if (changes.Count > 0)
        {
            d.UpdatedAt = time.GetUtcNow();
            audit.Add(db, "dataset.conditions_changed", AuditOutcome.Success, caller.Actor, datasetId: id, details: changes);
            try
            {
                await SaveAsync(db, ct);
            }
            catch (DatasetNameTakenException)
            {
                return NameTaken(name!);
            }
            await tx.CommitAsync(ct);
            notifications.WakeDelivery();
            if (changes.ContainsKey("dataUse"))
            {
                await PropagateAsync(id, ct);
            }
            await ApplyGrantsAsync(movedGrants, ct);
        }
        return View(d, m.Value.Me.Id, manage: true, await SharesAsync(db, id, ct));
    }

    /// <summary>
    /// A new profile applies to every export from now on, like every other decision of the owner: the live and upcoming
    /// grants move to its version, so that the engine's obligations name the profile the connector will apply, and the
    /// people they cover are told (earlier downloads are what they were).
    /// </summary>
    private async Task<List<Guid>> MoveGrantsToProfileAsync(PortalDb db, Dataset d, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var live = await db.Grants.Where(g => g.DatasetId == d.Id && g.RevokedAt == null && g.ValidUntil > now).ToListAsync(ct);
        foreach (var grant in live)
        {
            grant.ProfileVersion = d.ProfileVersion;
        }
        var covered = (await GrantRules.CoverageAsync(db, live, now, ct)).Select(c => c.UserId).Distinct();
        foreach (var user in covered)
        {
            notifications.Notify(db, Recipient.User(user), "dataset.profile_changed", $"{d.Name}: anonymization changed",
                $"The owner changed how \"{d.Name}\" is anonymized (profile version {d.ProfileVersion}). Your next exports use it; earlier downloads are unchanged.",
                GrantLinks.MyGrants);
        }
        return live.Select(g => g.Id).ToList();
    }

    /// <summary>Grants changed by a dataset change: in force on this instance before the answer, as the NOTIFY brings the others.</summary>
    private async Task ApplyGrantsAsync(List<Guid> grantIds, CancellationToken ct)
    {
        if (grantIds.Count == 0)
        {
            return;
        }
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            foreach (var grantId in grantIds)
            {
                await PolicyLoader.ApplyAsync(db, engine, $"grant:{grantId}", ct);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning("Could not apply {Count} grants to the local policy engine at once: {Message}", grantIds.Count, e.Message);
        }
    }

    private static Failure NameTaken(string name) => Failure.Conflict("name", $"You already have a dataset named \"{name}\"; choose another name.");

    private static bool SameJson(string a, string? b)
    {
        if (b is null)
        {
            return false;
        }
        try
        {
            using var x = System.Text.Json.JsonDocument.Parse(a);
            using var y = System.Text.Json.JsonDocument.Parse(b);
            return System.Text.Json.JsonElement.DeepEquals(x.RootElement, y.RootElement);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Sets the class of the named columns; every name must be a column of the dataset and every class known.</summary>
    public Task<Outcome<DatasetView>> ClassifyAsync(Caller caller, Guid id, IReadOnlyDictionary<string, string>? columns, CancellationToken ct) =>
        ChangeAsync<DatasetView>(caller, id, Need.Manage, "classify its columns", propagate: false, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return Withdrawn(d);
            }
            if (columns is null || columns.Count == 0)
            {
                return Failure.Invalid("columns", "columns must map at least one column name to a class.");
            }
            var changed = new Dictionary<string, string>();
            foreach (var (name, text) in columns)
            {
                var column = d.Columns.FirstOrDefault(c => c.Name == name);
                if (column is null)
                {
                    return Failure.Invalid($"columns.{name}", $"\"{name}\" is not a column of this dataset.");
                }
                if (!Enum.TryParse<Portal.Data.Entities.ColumnClass>(text, ignoreCase: true, out var cls) || int.TryParse(text, out _))
                {
                    return Failure.Invalid($"columns.{name}", $"\"{text}\" is not a class; use one of {string.Join(", ", Enum.GetNames<Portal.Data.Entities.ColumnClass>())}.");
                }
                if (column.Classification != cls)
                {
                    changed[name] = $"{column.Classification} → {cls}";
                    column.Classification = cls;
                }
            }
            if (changed.Count > 0)
            {
                d.UpdatedAt = time.GetUtcNow();
                audit.Add(db, "dataset.columns_classified", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { columns = changed });
            }
            return View(d, m.Me.Id, manage: true, await SharesAsync(db, id, ct));
        }, ct);
}

internal sealed class DatasetNameTakenException(Exception inner) : Exception("dataset name taken", inner);
