using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Policy.Model;

namespace Portal.Features.Access.Requests;

/// <summary>
/// A researcher asks for a dataset their VOs list. The policy engine's RequestAccess decision is the authority; the
/// owner and the stewards hear of it. One pending request per person and dataset.
/// </summary>
public static class SubmitRequest
{
    /// <summary>
    /// purpose is a DUO code ("DS:HIV", "HMB"); from defaults to now; columns null means every column the profile lets
    /// out; termsVersion is the version of the dataset's terms the researcher read and accepted.
    /// </summary>
    public sealed record Input(
        Guid? DatasetId, Guid? VoId, string? Purpose, bool? Commercial, string? Description, string? EthicsReference,
        DateTimeOffset? From, DateTimeOffset? Until, IReadOnlyList<string>? Columns, bool? AcceptTerms, int? TermsVersion);

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/", Endpoint).WithName("CreateAccessRequest")
            .WithSummary("Ask for a dataset your VO lists: purpose (DUO code), description, ethics reference, period, columns, accepted terms version.");

    private static async Task<Results<Created<RequestView>, ProblemHttpResult>> Endpoint(
        Input? input, Caller caller, [AsParameters] AccessServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, input ?? new Input(null, null, null, null, null, null, null, null, null, null, null), ct))
            .CreatedOr(v => $"/api/access-requests/{v.Id}");

    public static async Task<Outcome<RequestView>> HandleAsync(AccessServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        if (input.DatasetId is not { } datasetId)
        {
            return Failure.Invalid("access.request.dataset_required", "datasetId", "datasetId is required.");
        }
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await caller.ResolveAsync(db, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = services.Time.GetUtcNow();
        var visible = await RequestRules.VisibleAsync(db, me.Value!, datasetId, now, ct);
        if (visible.Failure is { } hidden)
        {
            return hidden;
        }
        var (dataset, vos) = visible.Value;
        var checkedInput = Check(input, dataset, vos, now);
        if (checkedInput.Failure is { } invalid)
        {
            return invalid;
        }
        var request = checkedInput.Value!;
        if (Decide(services, me.Value!.Id, dataset, request.Purpose, request.EthicsReference, now, caller) is { } refused)
        {
            return refused;
        }

        await DatasetManagers.LockAsync(db, datasetId, ct);
        if (await db.AccessRequests.AnyAsync(r => r.DatasetId == datasetId && r.RequesterId == me.Value.Id
            && r.Kind == AccessRequestKind.New && r.Status == AccessRequestStatus.Pending, ct))
        {
            return Failure.Conflict("access.request.duplicate_pending", "datasetId",
                $"You already have a pending request for \"{dataset.Name}\"; withdraw it or wait for the decision.");
        }
        request.Id = Guid.CreateVersion7(now);
        request.RequesterId = me.Value.Id;
        request.TermsAcceptedAt = now;
        request.CreatedAt = now;
        db.AccessRequests.Add(request);
        services.Audit.Add(db, "access_request.created", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: datasetId,
            details: new { requestId = request.Id, purpose = request.Purpose.ToString(), request.Purpose.Commercial, request.RequestedFrom, request.RequestedUntil, request.Columns, request.TermsVersion });
        await RequestRules.NotifyManagersAsync(services, db, dataset, $"{me.Value.DisplayName} asks for {dataset.Name}",
            $"{me.Value.DisplayName} asks for \"{dataset.Name}\" for {request.Purpose} from {request.RequestedFrom:yyyy-MM-dd} until {request.RequestedUntil:yyyy-MM-dd}: {request.PurposeDescription}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        services.Notifications.WakeDelivery();
        return await RequestViews.ViewAsync(services, request.Id, ct);
    }

    /// <summary>The input, checked field by field against the dataset, as the request to store (without who and when).</summary>
    private static Outcome<AccessRequest> Check(Input input, Dataset dataset, List<VoRef> vos, DateTimeOffset now)
    {
        var voId = input.VoId ?? vos[0].Id;
        if (vos.All(v => v.Id != voId))
        {
            return Failure.Invalid("access.request.vo_not_listing", "voId", "voId must be one of your VOs that lists the dataset.");
        }
        var purpose = PurposeRules.Parse(input.Purpose, input.Commercial ?? false, "purpose");
        if (purpose.Failure is { } badPurpose)
        {
            return badPurpose;
        }
        var description = input.Description?.Trim() ?? "";
        var ethics = string.IsNullOrWhiteSpace(input.EthicsReference) ? null : input.EthicsReference.Trim();
        if (description.Length == 0)
        {
            return Failure.Invalid("access.request.description_required", "description", "description is required: say what the data is for.");
        }
        if ((TextRules.TooLong(description, TextRules.DescriptionMax, "description") ?? TextRules.TooLong(ethics, TextRules.EthicsMax, "ethicsReference")) is { } tooLong)
        {
            return tooLong;
        }
        if (ethics is null && RequestRules.RequiresEthics(dataset))
        {
            return Failure.Invalid("access.request.ethics_required", "ethicsReference",
                $"\"{dataset.Name}\" may only be used with an ethics approval (IRB): give its reference.");
        }
        var from = input.From ?? now;
        if (PeriodRules.Check(from, input.Until, now, "from", "until") is { } badPeriod)
        {
            return badPeriod;
        }
        var columns = ColumnRules.Check(dataset, input.Columns, "columns");
        if (columns.Failure is { } badColumns)
        {
            return badColumns;
        }
        if (RequestRules.Terms(dataset, input.AcceptTerms, input.TermsVersion) is { } badTerms)
        {
            return badTerms;
        }
        return new AccessRequest
        {
            DatasetId = dataset.Id,
            VoId = voId,
            Purpose = purpose.Value!,
            PurposeDescription = description,
            EthicsReference = ethics,
            RequestedFrom = from,
            RequestedUntil = input.Until!.Value,
            Columns = columns.Value,
            TermsVersion = dataset.TermsVersion,
        };
    }

    /// <summary>
    /// The policy engine's RequestAccess decision, as a refusal naming the field it is about, or null. The code is the
    /// policy's own reason code (ReasonCatalog), so a client sees the same code here as in the explain API.
    /// </summary>
    private static Failure? Decide(AccessServices services, Guid me, Dataset dataset, Purpose purpose, string? ethics, DateTimeOffset now, Caller caller)
    {
        var declared = new DeclaredPurpose(PurposeCodes.Parse(purpose.Code), purpose.Disease, purpose.Commercial, ethics);
        var decision = services.Engine.Decide(new AccessQuestion(me, PolicyAction.RequestAccess, dataset.Id, now, declared, Tokens.BearerTokens.ClientOf(caller.Principal)));
        if (decision.IsPermit)
        {
            return null;
        }
        var reasons = decision.Reasons.ToList();
        var sentences = string.Join(" ", reasons.Select(ReasonCatalog.Sentence));
        var code = ReasonCatalog.Code(reasons[0]);
        if (reasons.Any(r => r is ReasonCode.DatasetUnknown or ReasonCode.DatasetNotVisible or ReasonCode.DatasetWithdrawn or ReasonCode.MembershipExpired))
        {
            return RequestRules.NotInCatalogue;
        }
        if (reasons.All(r => r == ReasonCode.DuoIrbRequiresEthicsApproval))
        {
            return Failure.Invalid(code, "ethicsReference", sentences);
        }
        if (reasons.All(r => ReasonCatalog.Code(r).StartsWith("duo.", StringComparison.Ordinal) || ReasonCatalog.Code(r).StartsWith("purpose.", StringComparison.Ordinal)))
        {
            return Failure.Invalid(code, "purpose", $"The purpose does not fit the data use conditions of \"{dataset.Name}\": {sentences}");
        }
        return Failure.Forbidden(code, sentences);
    }
}
