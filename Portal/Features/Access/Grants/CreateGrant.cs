using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Features.Access.Grants;

/// <summary>
/// The owner or a steward grants directly, without a request: to a person, a whole VO, a role in a VO or a VO's
/// members from one institution. Every purpose must fit the dataset's data use conditions.
/// </summary>
public static class CreateGrant
{
    public const int PurposesMax = 20;

    /// <summary>A direct grant: to a person (userId), a whole VO (voId), a role in a VO (voId, role) or a VO's members from one institution (voId, institutionId).</summary>
    public sealed record Input(
        Guid? DatasetId, string? GranteeKind, Guid? UserId, Guid? VoId, string? Role, Guid? InstitutionId,
        IReadOnlyList<string>? Purposes, bool? Commercial, IReadOnlyList<string>? Columns, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder grants) =>
        grants.MapPost("/", Endpoint).WithName("CreateGrant")
            .WithSummary("Owners and stewards: grant directly to a person, a VO, a role in a VO or a VO's members from one institution.");

    private static async Task<Results<Created<GrantView>, ProblemHttpResult>> Endpoint(
        Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, input ?? new Input(null, null, null, null, null, null, null, null, null, null, null), ct))
            .CreatedOr(v => $"/api/grants/{v.Id}");

    public static async Task<Outcome<GrantView>> HandleAsync(AccessServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        if (input.DatasetId is not { } datasetId)
        {
            return Failure.Invalid("access.grant.dataset_required", "datasetId", "datasetId is required.");
        }
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var manager = await DatasetManagers.ManagerAsync(db, caller, datasetId, "grant access to it", ct);
        if (manager.Failure is { } denied)
        {
            return denied;
        }
        var (me, dataset) = manager.Value;
        if (dataset.Status != DatasetStatus.Active)
        {
            return Failure.Conflict("access.grant.dataset_inactive", "datasetId", $"\"{dataset.Name}\" is not active; only active datasets can be granted.");
        }
        var now = services.Time.GetUtcNow();
        var grant = new Grant
        {
            Id = Guid.CreateVersion7(now),
            DatasetId = datasetId,
            ProfileVersion = dataset.ProfileVersion,
            K = dataset.DefaultK,
            CreatedById = me.Id,
            CreatedAt = now,
            ValidFrom = input.ValidFrom ?? now,
        };
        if ((await GranteeChoice.ApplyAsync(db, grant, input, ct) ?? Purposes(grant, dataset, input) ?? Columns(grant, dataset, input)) is { } invalid)
        {
            return invalid;
        }
        if (PeriodRules.Check(grant.ValidFrom, input.ValidUntil, now, "validFrom", "validUntil") is { } badPeriod)
        {
            return badPeriod;
        }
        grant.ValidUntil = input.ValidUntil!.Value;

        db.Grants.Add(grant);
        services.Audit.Add(db, "grant.created", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: datasetId, grantId: grant.Id,
            details: new
            {
                granteeKind = grant.GranteeKind.ToString(),
                grant.GranteeUserId,
                grant.GranteeVoId,
                role = grant.GranteeRole?.ToString(),
                grant.GranteeInstitutionId,
                purposes = grant.Purposes.Select(p => p.ToString()),
                grant.Columns,
                grant.ValidFrom,
                grant.ValidUntil,
                direct = true,
            });
        await GrantViews.NotifyCoveredAsync(services, db, grant, now, "grant.created", $"You have access to {dataset.Name}",
            $"{me.DisplayName} granted you access to \"{dataset.Name}\" for {string.Join(", ", grant.Purposes)} until {grant.ValidUntil:yyyy-MM-dd HH:mm} UTC.", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await services.ApplyToPolicyAsync(grant.Id, ct);
        services.Notifications.WakeDelivery();
        return await GrantViews.ViewAsync(services, grant.Id, ct);
    }

    private static Failure? Purposes(Grant grant, Dataset dataset, Input input)
    {
        if (input.Purposes is not { Count: > 0 } purposes)
        {
            return Failure.Invalid("access.grant.purposes_required", "purposes", "purposes is required: at least one DUO purpose, e.g. DS:HIV.");
        }
        if (purposes.Count > PurposesMax)
        {
            return Failure.Invalid("access.grant.too_many_purposes", "purposes", $"purposes lists more than {PurposesMax} purposes.");
        }
        foreach (var text in purposes)
        {
            var purpose = PurposeRules.Parse(text, input.Commercial ?? false, "purposes");
            if (purpose.Failure is { } badPurpose)
            {
                return badPurpose;
            }
            if (FitsDataUse(dataset, purpose.Value!, "purposes") is { } unfit)
            {
                return unfit;
            }
            if (grant.Purposes.Any(p => string.Equals(p.ToString(), purpose.Value!.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                return Failure.Invalid("access.grant.duplicate_purpose", "purposes", $"{purpose.Value} is listed twice; list each purpose once.");
            }
            grant.Purposes.Add(purpose.Value!);
        }
        return null;
    }

    private static Failure? Columns(Grant grant, Dataset dataset, Input input)
    {
        var columns = ColumnRules.Check(dataset, input.Columns, "columns");
        grant.Columns = columns.Value;
        return columns.Failure;
    }

    /// <summary>
    /// Does the purpose fit the dataset's DUO conditions? Ethics approval is the request's business, not the grant's.
    /// The refusal's code is the first DUO reason's (ReasonCatalog), as the policy engine would answer it.
    /// </summary>
    public static Failure? FitsDataUse(Dataset dataset, Purpose purpose, string field)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(purpose);
        var declared = new DeclaredPurpose(PurposeCodes.Parse(purpose.Code), purpose.Disease, purpose.Commercial, "granted");
        var reasons = DuoMatcher.Match(PolicyMapping.ToPolicy(dataset.DataUse), declared, DiseaseHierarchy.Default).ToList();
        return reasons.Count == 0
            ? null
            : Failure.Invalid(ReasonCatalog.Code(reasons[0]), field, $"{purpose} does not fit the data use conditions of \"{dataset.Name}\": "
                + string.Join(" ", reasons.Select(ReasonCatalog.Sentence)));
    }
}
