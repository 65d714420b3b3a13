using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Datasets.Conditions;

/// <summary>
/// Name, description, DUO conditions, terms (a change bumps TermsVersion), anonymization profile (bumps
/// ProfileVersion and moves the live grants to it, see <see cref="ProfileChange"/>), default k. All at once or nothing.
/// </summary>
public static class SetConditions
{
    /// <summary>What to change; null fields stay as they are.</summary>
    public sealed record Input(string? Name = null, string? Description = null, string? DataUse = null,
        string? TermsOfUse = null, string? AnonymizationProfile = null, int? DefaultK = null,
        IReadOnlyDictionary<string, string>? Columns = null);

    /// <summary>The checked input: DUO conditions and column classes parsed.</summary>
    private sealed record Checked(DataUseConditions? DataUse, Dictionary<string, ColumnClass>? Classes);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPut("/{id:guid}/conditions", EndpointAsync).WithName("SetDatasetConditions")
            .WithSummary("Name, description, DUO data use, terms of use (bumps termsVersion), anonymization profile (bumps profileVersion), default k.");

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Guid id, Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, id, input ?? new Input(), ct)).OkOrProblem();

    public static async Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Guid id, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var m = await ManagedDataset.FindAsync(db, caller, id, DatasetNeed.Manage, "change its conditions", lockRow: true, ct);
        if (m.Failure is { } denied)
        {
            return denied;
        }
        var d = m.Value!.Dataset;
        var checkedInput = Check(input, d);
        if (checkedInput.Succeeded && !m.Value.IsOwner && LowersK(input, d) is { } what)
        {
            return DatasetRefusals.OwnerOnly(d, what);
        }
        if (checkedInput.Failure is { } invalid)
        {
            return invalid;
        }
        var (changes, movedGrants) = await ApplyAsync(services, db, d, input with { Name = input.Name?.Trim() }, checkedInput.Value!, ct);
        if (changes.Count > 0)
        {
            d.UpdatedAt = services.Time.GetUtcNow();
            services.Audit.Add(db, "dataset.conditions_changed", AuditOutcome.Success, caller.Actor, datasetId: id, details: changes);
            if (await ManagedDataset.SaveNamedAsync(db, d.Name, ct) is { } taken)
            {
                return taken;
            }
            await tx.CommitAsync(ct);
            services.Notifications.WakeDelivery();
            // The engine reads the DUO conditions of the dataset and the profile version of its grants.
            var changed = changes.ContainsKey("dataUse") ? new List<string> { $"dataset:{id}" } : [];
            changed.AddRange(movedGrants.Select(g => $"grant:{g}"));
            await PolicyNow.ApplyAsync(services, changed, ct);
        }
        return await DatasetProjection.ManagedViewAsync(db, m.Value, ct);
    }

    /// <summary>Every field checked before anything changes; the parsed DUO conditions when given.</summary>
    private static Outcome<Checked> Check(Input input, Dataset d)
    {
        if (d.Status == DatasetStatus.Withdrawn)
        {
            return DatasetRefusals.Withdrawn(d);
        }
        var name = input.Name?.Trim();
        if (name is { Length: 0 })
        {
            return Failure.Invalid("dataset.name.required", "name", "name may not be empty.");
        }
        if ((DatasetRefusals.NameCharacters(name) ?? DatasetRefusals.TooLong(name, DatasetRules.NameMax, "name")
             ?? DatasetRefusals.TooLong(input.Description, DatasetRules.DescriptionMax, "description")
             ?? DatasetRefusals.TooLong(input.TermsOfUse, DatasetRules.TermsMax, "termsOfUse")) is { } tooLong)
        {
            return tooLong;
        }
        if (input.DefaultK is < 1 or > DatasetRules.MaxK)
        {
            return Failure.Invalid("dataset.default_k.out_of_range", "defaultK", $"defaultK must be between 1 and {DatasetRules.MaxK}.");
        }
        DataUseConditions? dataUse = null;
        if (input.DataUse is not null)
        {
            var parsed = DatasetRules.ParseDuo(input.DataUse);
            if (parsed.Failure is { } badDuo)
            {
                return badDuo;
            }
            dataUse = parsed.Value;
        }
        Dictionary<string, ColumnClass>? classes = null;
        if (input.Columns is not null)
        {
            var parsed = Columns.ColumnClasses.Parse(d, input.Columns);
            if (parsed.Failure is { } badClass)
            {
                return badClass;
            }
            classes = parsed.Value;
        }
        // The profile and the classes are one contract, checked together whichever of them changes.
        var profile = input.AnonymizationProfile ?? (classes is not null ? d.AnonymizationProfile : null);
        if (profile is not null && DatasetRules.CheckProfile(profile, d, classes) is { } badProfile)
        {
            return input.AnonymizationProfile is null ? badProfile with { Kind = FailureKind.Conflict, Code = "dataset.columns.contradict_profile" } : badProfile;
        }
        return new Checked(dataUse, classes);
    }

    /// <summary>
    /// The owner's k is a floor: a steward may raise the default k or the profile's k but not lower either, so a
    /// steward cannot make exports identifying (k = 1). What would be lowered, or null. Runs after the profile is validated.
    /// </summary>
    private static string? LowersK(Input input, Dataset d)
    {
        if (input.DefaultK is { } k && k < d.DefaultK)
        {
            return $"lower the default k below {d.DefaultK}";
        }
        return input.AnonymizationProfile is not null && ProfileK(d.AnonymizationProfile) is { } now && ProfileK(input.AnonymizationProfile) < now
            ? $"lower the anonymization profile's k below {now}"
            : null;
    }

    private static int? ProfileK(string? json)
    {
        try
        {
            return json is null ? null : Connectors.Anonymization.AnonymizationProfile.Parse(json).K;
        }
        catch (Connectors.Anonymization.ProfileValidationException)
        {
            return null;
        }
    }

    /// <summary>Applies what differs; the audit event's details, and the grants moved to a new profile.</summary>
    private static async Task<(Dictionary<string, object?> Changes, List<Guid> MovedGrants)> ApplyAsync(
        DatasetServices services, PortalDb db, Dataset d, Input input, Checked valid, CancellationToken ct)
    {
        var changes = new Dictionary<string, object?>();
        var dataUse = valid.DataUse;
        if (valid.Classes is { } classes && Columns.ColumnClasses.Apply(d, classes) is { Count: > 0 } classified)
        {
            changes["columns"] = classified;
        }
        if (input.Name is { } name && name != d.Name)
        {
            changes["name"] = new { from = d.Name, to = name };
            d.Name = name;
        }
        if (input.Description is not null && input.Description.Trim() != d.Description)
        {
            d.Description = input.Description.Trim();
            changes["description"] = true;
        }
        if (dataUse is not null && DatasetRules.DuoText(dataUse) != DatasetRules.DuoText(d.DataUse))
        {
            changes["dataUse"] = new { from = DatasetRules.DuoText(d.DataUse), to = DatasetRules.DuoText(dataUse) };
            d.DataUse = dataUse;
        }
        if (input.TermsOfUse is not null && input.TermsOfUse.Trim() != d.TermsOfUse)
        {
            d.TermsOfUse = input.TermsOfUse.Trim();
            d.TermsVersion++;
            changes["termsVersion"] = d.TermsVersion;
        }
        List<Guid> movedGrants = [];
        if (input.AnonymizationProfile is not null && !DatasetRules.SameJson(input.AnonymizationProfile, d.AnonymizationProfile))
        {
            d.AnonymizationProfile = input.AnonymizationProfile;
            d.ProfileVersion++;
            changes["profileVersion"] = d.ProfileVersion;
            movedGrants = await ProfileChange.MoveGrantsAsync(services, db, d, ct);
            changes["grantsOnNewProfile"] = movedGrants.Count;
        }
        if (input.DefaultK is { } k && k != d.DefaultK)
        {
            changes["defaultK"] = new { from = d.DefaultK, to = k };
            d.DefaultK = k;
        }
        return (changes, movedGrants);
    }
}
