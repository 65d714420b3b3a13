using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Access;
using Portal.Features.Audit;
using Portal.Features.Datasets;
using Portal.Features.Grants;
using Portal.Features.Notifications;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;
using Portal.Policy;
using Portal.Policy.Model;

namespace Portal.Features.AccessRequests;

/// <summary>
/// Access requests and their decisions, for the API and the pages alike. A researcher asks for a dataset their VOs
/// list (the policy engine's RequestAccess decision is the authority) or for more time on a grant; the dataset's
/// owner or a steward approves (as asked or narrower, never wider) or denies with a reason. Each change commits with
/// its audit event and notifications; an approval's grant is in this instance's policy engine before the answer.
/// </summary>
public sealed class AccessRequestService(
    IDbContextFactory<PortalDb> dbs, AuditLog audit, NotificationService notifications, PolicyEngine engine, TimeProvider time)
{
    /// <summary>The request form's facts: only for datasets the caller can find in a live VO's catalogue.</summary>
    public async Task<Outcome<RequestFormView>> FormAsync(Caller caller, Guid datasetId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var visible = await VisibleAsync(db, me.Value!, datasetId, time.GetUtcNow(), ct);
        if (visible.Failure is { } hidden)
        {
            return hidden;
        }
        var (d, vos) = visible.Value;
        return new RequestFormView(d.Id, d.Name, d.Description, DataUseText(d.DataUse), RequiresEthics(d), [.. d.Columns.Select(c => c.Name)],
            d.TermsOfUse, d.TermsVersion, vos);
    }

    public async Task<Outcome<AccessRequestView>> CreateAsync(Caller caller, CreateAccessRequestInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (input.DatasetId is not { } datasetId)
        {
            return Failure.Invalid("datasetId", "datasetId is required.");
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var visible = await VisibleAsync(db, me.Value!, datasetId, time.GetUtcNow(), ct);
        if (visible.Failure is { } hidden)
        {
            return hidden;
        }
        var (dataset, vos) = visible.Value;
        var voId = input.VoId ?? vos[0].Id;
        if (vos.All(v => v.Id != voId))
        {
            return Failure.Invalid("voId", "voId must be one of your VOs that lists the dataset.");
        }
        var now = time.GetUtcNow();
        var purpose = GrantRules.Purpose(input.Purpose, input.Commercial ?? false, "purpose");
        if (purpose.Failure is { } badPurpose)
        {
            return badPurpose;
        }
        var description = input.Description?.Trim() ?? "";
        var ethics = string.IsNullOrWhiteSpace(input.EthicsReference) ? null : input.EthicsReference.Trim();
        if (description.Length == 0)
        {
            return Failure.Invalid("description", "description is required: say what the data is for.");
        }
        if ((GrantRules.Length(description, GrantRules.DescriptionMax, "description") ?? GrantRules.Length(ethics, GrantRules.EthicsMax, "ethicsReference")) is { } tooLong)
        {
            return tooLong;
        }
        if (ethics is null && RequiresEthics(dataset))
        {
            return Failure.Invalid("ethicsReference", $"\"{dataset.Name}\" may only be used with an ethics approval (IRB): give its reference.");
        }
        var from = input.From ?? now;
        if (GrantRules.Period(from, input.Until, now, "from", "until") is { } badPeriod)
        {
            return badPeriod;
        }
        var columns = GrantRules.Columns(dataset, input.Columns, "columns");
        if (columns.Failure is { } badColumns)
        {
            return badColumns;
        }
        if (Terms(dataset, input.AcceptTerms, input.TermsVersion) is { } badTerms)
        {
            return badTerms;
        }
        if (Decide(me.Value!.Id, dataset, purpose.Value!, ethics, now, caller) is { } refused)
        {
            return refused;
        }

        await GrantRules.LockDatasetAsync(db, datasetId, ct);
        if (await db.AccessRequests.AnyAsync(r => r.DatasetId == datasetId && r.RequesterId == me.Value.Id
            && r.Kind == AccessRequestKind.New && r.Status == AccessRequestStatus.Pending, ct))
        {
            return Failure.Conflict("datasetId", $"You already have a pending request for \"{dataset.Name}\"; withdraw it or wait for the decision.");
        }
        var request = new AccessRequest
        {
            Id = Guid.CreateVersion7(now),
            DatasetId = datasetId,
            RequesterId = me.Value.Id,
            VoId = voId,
            Purpose = purpose.Value!,
            PurposeDescription = description,
            EthicsReference = ethics,
            RequestedFrom = from,
            RequestedUntil = input.Until!.Value,
            Columns = columns.Value,
            TermsAcceptedAt = now,
            TermsVersion = dataset.TermsVersion,
            CreatedAt = now,
        };
        db.AccessRequests.Add(request);
        audit.Add(db, "access_request.created", AuditOutcome.Success, caller.Actor, voId: voId, datasetId: datasetId,
            details: new { requestId = request.Id, purpose = request.Purpose.ToString(), request.Purpose.Commercial, request.RequestedFrom, request.RequestedUntil, request.Columns, request.TermsVersion });
        await NotifyManagersAsync(db, dataset, "access_request.created", $"{me.Value.DisplayName} asks for {dataset.Name}",
            $"{me.Value.DisplayName} asks for \"{dataset.Name}\" for {request.Purpose} from {request.RequestedFrom:yyyy-MM-dd} until {request.RequestedUntil:yyyy-MM-dd}: {description}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return await ViewAsync(request.Id, ct);
    }

    /// <summary>A researcher asks for more time on their personal grant. Approval moves the grant's end.</summary>
    public async Task<Outcome<AccessRequestView>> RequestExtensionAsync(Caller caller, Guid grantId, ExtensionRequestInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var grant = await db.Grants.AsNoTracking().Include(g => g.Dataset).SingleOrDefaultAsync(g => g.Id == grantId && g.GranteeUserId == me.Value!.Id, ct);
        if (grant is null)
        {
            return Failure.NotFound("You have no such personal grant (extensions of VO-wide grants are the owner's decision).");
        }
        var dataset = grant.Dataset!;
        var now = time.GetUtcNow();
        if (grant.RevokedAt is not null || grant.ValidUntil <= now || dataset.Status != DatasetStatus.Active)
        {
            return Failure.Conflict("grantId", "The grant is no longer live; ask for access anew.");
        }
        var description = input.Description?.Trim() ?? "";
        if (GrantRules.Length(description, GrantRules.DescriptionMax, "description") is { } tooLong)
        {
            return tooLong;
        }
        if (input.Until is not { } until)
        {
            return Failure.Invalid("until", "until is required.");
        }
        if (until <= grant.ValidUntil)
        {
            return Failure.Invalid("until", $"until must come after the grant's current end ({grant.ValidUntil:yyyy-MM-dd HH:mm} UTC).");
        }
        if (until - now > GrantRules.MaxPeriod)
        {
            return Failure.Invalid("until", "A grant cannot run more than five years from now.");
        }
        if (Terms(dataset, input.AcceptTerms, input.TermsVersion) is { } badTerms)
        {
            return badTerms;
        }
        await GrantRules.LockDatasetAsync(db, dataset.Id, ct);
        if (await db.AccessRequests.AnyAsync(r => r.ExtendsGrantId == grantId && r.Status == AccessRequestStatus.Pending, ct))
        {
            return Failure.Conflict("grantId", "An extension of this grant is already waiting for a decision.");
        }
        var original = grant.RequestId is { } rid ? await db.AccessRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rid, ct) : null;
        var first = grant.Purposes[0];
        var request = new AccessRequest
        {
            Id = Guid.CreateVersion7(now),
            DatasetId = dataset.Id,
            RequesterId = me.Value!.Id,
            VoId = original?.VoId,
            Kind = AccessRequestKind.Extension,
            ExtendsGrantId = grantId,
            Purpose = new Purpose { Code = first.Code, Disease = first.Disease, Commercial = first.Commercial },
            PurposeDescription = description,
            EthicsReference = original?.EthicsReference,
            RequestedFrom = grant.ValidUntil,
            RequestedUntil = until,
            Columns = grant.Columns,
            TermsAcceptedAt = now,
            TermsVersion = dataset.TermsVersion,
            CreatedAt = now,
        };
        db.AccessRequests.Add(request);
        audit.Add(db, "access_request.created", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id, grantId: grantId,
            details: new { requestId = request.Id, kind = "Extension", from = grant.ValidUntil, to = until, request.TermsVersion });
        await NotifyManagersAsync(db, dataset, "access_request.created", $"{me.Value.DisplayName} asks for more time on {dataset.Name}",
            $"{me.Value.DisplayName} asks to extend their access to \"{dataset.Name}\" from {grant.ValidUntil:yyyy-MM-dd} until {until:yyyy-MM-dd}. {description}", ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return await ViewAsync(request.Id, ct);
    }

    /// <summary>The requester takes back a pending request.</summary>
    public async Task<Outcome<AccessRequestView>> WithdrawAsync(Caller caller, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        await GrantRules.LockRequestAsync(db, requestId, ct);
        var request = await db.AccessRequests.SingleOrDefaultAsync(r => r.Id == requestId && r.RequesterId == me.Value!.Id, ct);
        if (request is null)
        {
            return Failure.NotFound("You have no such request.");
        }
        if (request.Status != AccessRequestStatus.Pending)
        {
            return Failure.Conflict("status", $"The request is {request.Status.ToString().ToLowerInvariant()}; only a pending request can be withdrawn.");
        }
        request.Status = AccessRequestStatus.Withdrawn;
        audit.Add(db, "access_request.withdrawn", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: request.DatasetId,
            grantId: request.ExtendsGrantId, details: new { requestId });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await ViewAsync(request.Id, ct);
    }

    /// <summary>Approves as asked, or narrower. Creates the grant (or, for an extension, moves the grant's end).</summary>
    public async Task<Outcome<AccessRequestView>> ApproveAsync(Caller caller, Guid requestId, ApproveInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var decider = await DeciderAsync(db, caller, requestId, ct);
        if (decider.Failure is { } denied)
        {
            return denied;
        }
        var (me, dataset, request) = decider.Value;
        var now = time.GetUtcNow();
        Grant grant;
        if (request.Kind == AccessRequestKind.Extension)
        {
            grant = await db.Grants.SingleAsync(g => g.Id == request.ExtendsGrantId, ct);
            var until = input.ValidUntil ?? request.RequestedUntil;
            if (until > request.RequestedUntil)
            {
                return Failure.Invalid("validUntil", $"validUntil may not be later than requested ({request.RequestedUntil:yyyy-MM-dd HH:mm} UTC).");
            }
            var old = grant.ValidUntil;
            if (GrantService.Extend(grant, until, now) is { } refused)
            {
                return refused;
            }
            audit.Add(db, "grant.extended", AuditOutcome.Success, caller.Actor, voId: grant.GranteeVoId, datasetId: dataset.Id, grantId: grant.Id,
                details: new { from = old, to = grant.ValidUntil, requestId });
        }
        else
        {
            var built = Narrower(dataset, request, input, now);
            if (built.Failure is { } bad)
            {
                return bad;
            }
            grant = built.Value!;
            grant.Id = Guid.CreateVersion7(now);
            grant.CreatedById = me.Id;
            grant.CreatedAt = now;
            db.Grants.Add(grant);
            audit.Add(db, "grant.created", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id, grantId: grant.Id,
                details: new
                {
                    granteeKind = grant.GranteeKind.ToString(),
                    grant.GranteeUserId,
                    purposes = grant.Purposes.Select(p => p.ToString()),
                    grant.Columns,
                    grant.ValidFrom,
                    grant.ValidUntil,
                    requestId,
                });
        }
        request.Status = AccessRequestStatus.Approved;
        request.DecidedAt = now;
        request.DecidedById = me.Id;
        request.GrantId = grant.Id;
        audit.Add(db, "access_request.approved", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id, grantId: grant.Id,
            details: new { requestId, grant.ValidFrom, grant.ValidUntil, grant.Columns, purposes = grant.Purposes.Select(p => p.ToString()) });
        notifications.Notify(db, Recipient.User(request.RequesterId), "access_request.approved",
            request.Kind == AccessRequestKind.Extension ? $"Your access to {dataset.Name} was extended" : $"Your request for {dataset.Name} was approved",
            $"{me.DisplayName} approved your request: access to \"{dataset.Name}\" for {string.Join(", ", grant.Purposes)} from {grant.ValidFrom:yyyy-MM-dd HH:mm} until {grant.ValidUntil:yyyy-MM-dd HH:mm} UTC.",
            GrantLinks.MyGrants);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("grantId", "The grant changed at the same time; reload and decide again.");
        }
        await tx.CommitAsync(ct);
        await GrantRules.ApplyToPolicyAsync(dbs, engine, grant.Id, ct);
        notifications.WakeDelivery();
        return await ViewAsync(request.Id, ct);
    }

    /// <summary>The grant an approval creates: what was asked, or less of it. Never more.</summary>
    private static Outcome<Grant> Narrower(Dataset dataset, AccessRequest request, ApproveInput input, DateTimeOffset now)
    {
        var from = input.ValidFrom ?? request.RequestedFrom;
        var until = input.ValidUntil ?? request.RequestedUntil;
        if (from < request.RequestedFrom)
        {
            return Failure.Invalid("validFrom", $"validFrom may not be earlier than requested ({request.RequestedFrom:yyyy-MM-dd HH:mm} UTC).");
        }
        if (until > request.RequestedUntil)
        {
            return Failure.Invalid("validUntil", $"validUntil may not be later than requested ({request.RequestedUntil:yyyy-MM-dd HH:mm} UTC).");
        }
        if (GrantRules.Period(from, until, now, "validFrom", "validUntil", fromMayBePast: true) is { } badPeriod)
        {
            return badPeriod;
        }
        var columns = GrantRules.Columns(dataset, input.Columns ?? request.Columns, "columns");
        if (columns.Failure is { } badColumns)
        {
            return badColumns;
        }
        if (input.Columns is not null && request.Columns is not null && columns.Value!.Any(c => !request.Columns.Contains(c)))
        {
            return Failure.Invalid("columns", "columns may only leave out columns that were asked for, not add others.");
        }
        var purposes = new List<Purpose>();
        foreach (var text in input.Purposes ?? [request.Purpose.ToString()])
        {
            var parsed = GrantRules.Purpose(text, request.Purpose.Commercial, "purposes");
            if (parsed.Failure is { } badPurpose)
            {
                return badPurpose;
            }
            var p = parsed.Value!;
            if (p.Code != request.Purpose.Code || !string.Equals(p.Disease, request.Purpose.Disease, StringComparison.OrdinalIgnoreCase))
            {
                return Failure.Invalid("purposes", $"{p} was not asked for; approve {request.Purpose} or deny.");
            }
            if (purposes.All(x => x.ToString() != p.ToString()))
            {
                purposes.Add(p);
            }
        }
        if (purposes.Count == 0)
        {
            return Failure.Invalid("purposes", "purposes is empty; deny the request instead.");
        }
        return new Grant
        {
            DatasetId = dataset.Id,
            GranteeKind = GranteeKind.Person,
            GranteeUserId = request.RequesterId,
            Purposes = purposes,
            Columns = columns.Value,
            ProfileVersion = dataset.ProfileVersion,
            K = dataset.DefaultK,
            ValidFrom = from,
            ValidUntil = until,
            RequestId = request.Id,
        };
    }

    public async Task<Outcome<AccessRequestView>> DenyAsync(Caller caller, Guid requestId, DenyInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var why = GrantRules.Reason(input.Reason, "the researcher is told");
        if (why.Failure is { } invalid)
        {
            return invalid;
        }
        var reason = why.Value!;
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var decider = await DeciderAsync(db, caller, requestId, ct);
        if (decider.Failure is { } denied)
        {
            return denied;
        }
        var (me, dataset, request) = decider.Value;
        var now = time.GetUtcNow();
        request.Status = AccessRequestStatus.Denied;
        request.DecidedAt = now;
        request.DecidedById = me.Id;
        request.DecisionReason = reason;
        audit.Add(db, "access_request.denied", AuditOutcome.Success, caller.Actor, voId: request.VoId, datasetId: dataset.Id,
            grantId: request.ExtendsGrantId, reason: reason, details: new { requestId });
        notifications.Notify(db, Recipient.User(request.RequesterId), "access_request.denied", $"Your request for {dataset.Name} was denied",
            $"{me.DisplayName} denied your request for \"{dataset.Name}\". Reason: {reason}", GrantLinks.MyRequests);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        return await ViewAsync(request.Id, ct);
    }

    /// <summary>The caller's own requests, newest first.</summary>
    public async Task<Outcome<PageOf<AccessRequestView>>> MineAsync(Caller caller, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var mine = db.AccessRequests.Where(r => r.RequesterId == me.Value!.Id);
        return await PageAsync(mine.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id), mine, paging, ct);
    }

    /// <summary>Requests on the datasets the caller owns or stewards (optionally one dataset), pending first, then newest.</summary>
    public async Task<Outcome<PageOf<AccessRequestView>>> InboxAsync(Caller caller, Guid? datasetId, Paging paging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var id = me.Value!.Id;
        if (datasetId is { } one && !await GrantRules.IsManagerAsync(db, one, id, ct))
        {
            return Failure.Forbidden("Only the dataset's owner or a steward sees its requests.");
        }
        var mine = db.AccessRequests.Where(r => r.Dataset!.OwnerId == id || r.Dataset.Stewards.Any(s => s.UserId == id));
        if (datasetId is { } only)
        {
            mine = mine.Where(r => r.DatasetId == only);
        }
        return await PageAsync(mine.OrderBy(r => r.Status == AccessRequestStatus.Pending ? 0 : 1).ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id),
            mine, paging, ct);
    }

    /// <summary>One request, for its requester and for the dataset's owner and stewards.</summary>
    public async Task<Outcome<AccessRequestView>> GetAsync(Caller caller, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var request = await db.AccessRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || (request.RequesterId != me.Value!.Id && !await GrantRules.IsManagerAsync(db, request.DatasetId, me.Value.Id, ct)))
        {
            return Failure.NotFound("No such request.");
        }
        return await ViewAsync(requestId, ct);
    }

    /// <summary>The decider (owner or steward of an active dataset) and the pending request, locked. Someone unrelated learns nothing.</summary>
    private static async Task<Outcome<(User Me, Dataset Dataset, AccessRequest Request)>> DeciderAsync(
        PortalDb db, Caller caller, Guid requestId, CancellationToken ct)
    {
        var me = await GrantRules.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        await GrantRules.LockRequestAsync(db, requestId, ct);
        var request = await db.AccessRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Failure.NotFound("No such request.");
        }
        var dataset = await db.Datasets.SingleAsync(d => d.Id == request.DatasetId, ct);
        if (!await GrantRules.IsManagerAsync(db, dataset.Id, me.Value!.Id, ct))
        {
            return request.RequesterId == me.Value.Id
                ? Failure.Forbidden($"Only the owner or a steward of \"{dataset.Name}\" decides requests for it.")
                : Failure.NotFound("No such request.");
        }
        if (request.Status != AccessRequestStatus.Pending)
        {
            return Failure.Conflict("status", $"The request is already {request.Status.ToString().ToLowerInvariant()}.");
        }
        if (dataset.Status != DatasetStatus.Active)
        {
            return Failure.Conflict("datasetId", $"\"{dataset.Name}\" is not active; its requests cannot be approved.");
        }
        return (me.Value, dataset, request);
    }

    /// <summary>The dataset and the caller's live VOs that list it; otherwise "not found", saying nothing about its existence.</summary>
    private static async Task<Outcome<(Dataset Dataset, List<VoRef> Vos)>> VisibleAsync(PortalDb db, User me, Guid datasetId, DateTimeOffset now, CancellationToken ct)
    {
        var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == datasetId && d.Status == DatasetStatus.Active, ct);
        if (dataset is null)
        {
            return Failure.NotFound("No such dataset in your VOs' catalogues.");
        }
        var live = db.Memberships.Where(Membership.ActiveAt(now));
        var vos = await db.DatasetShares.AsNoTracking()
            .Where(s => s.DatasetId == datasetId && s.Vo!.ArchivedAt == null && live.Any(m => m.VoId == s.VoId && m.UserId == me.Id))
            .OrderBy(s => s.Vo!.Name)
            .Select(s => new VoRef(s.VoId, s.Vo!.Name))
            .ToListAsync(ct);
        return vos.Count == 0 ? Failure.NotFound("No such dataset in your VOs' catalogues.") : (dataset, vos);
    }

    /// <summary>The policy engine's RequestAccess decision, as a refusal naming the field it is about, or null.</summary>
    private Failure? Decide(Guid me, Dataset dataset, Purpose purpose, string? ethics, DateTimeOffset now, Caller caller)
    {
        var declared = new DeclaredPurpose(PurposeCodes.Parse(purpose.Code), purpose.Disease, purpose.Commercial, ethics);
        var decision = engine.Decide(new AccessQuestion(me, PolicyAction.RequestAccess, dataset.Id, now, declared, Tokens.BearerTokens.ClientOf(caller.Principal)));
        if (decision.IsPermit)
        {
            return null;
        }
        var reasons = decision.Reasons.ToList();
        var sentences = string.Join(" ", reasons.Select(Policy.Model.ReasonCatalog.Sentence));
        if (reasons.Any(r => r is ReasonCode.DatasetUnknown or ReasonCode.DatasetNotVisible or ReasonCode.DatasetWithdrawn or ReasonCode.MembershipExpired))
        {
            return Failure.NotFound("No such dataset in your VOs' catalogues.");
        }
        if (reasons.All(r => r == ReasonCode.DuoIrbRequiresEthicsApproval))
        {
            return Failure.Invalid("ethicsReference", sentences);
        }
        if (reasons.All(r => ReasonCatalog(r).StartsWith("duo.", StringComparison.Ordinal) || ReasonCatalog(r).StartsWith("purpose.", StringComparison.Ordinal)))
        {
            return Failure.Invalid("purpose", $"The purpose does not fit the data use conditions of \"{dataset.Name}\": {sentences}");
        }
        return Failure.Forbidden(sentences);
    }

    private static string ReasonCatalog(ReasonCode r) => Policy.Model.ReasonCatalog.Code(r);

    private static Failure? Terms(Dataset dataset, bool? accepted, int? version)
    {
        if (accepted is not true)
        {
            return Failure.Invalid("acceptTerms", $"Accept the terms of use of \"{dataset.Name}\" (version {dataset.TermsVersion}) to ask for it.");
        }
        if (version != dataset.TermsVersion)
        {
            return Failure.Invalid("termsVersion", $"The terms of use of \"{dataset.Name}\" are now at version {dataset.TermsVersion}; read and accept them again.");
        }
        return null;
    }

    private static bool RequiresEthics(Dataset d) => d.DataUse.Modifiers.Contains("IRB", StringComparer.OrdinalIgnoreCase);

    private static string DataUseText(DataUseConditions c) =>
        string.Join(' ', [c.Primary == "DS" ? string.Join(' ', c.Diseases.Select(d => "DS:" + d)) : c.Primary, .. c.Modifiers]);

    private async Task NotifyManagersAsync(PortalDb db, Dataset dataset, string kind, string title, string body, CancellationToken ct)
    {
        var stewards = await db.DatasetStewards.Where(s => s.DatasetId == dataset.Id).Select(s => s.UserId).ToListAsync(ct);
        foreach (var userId in stewards.Prepend(dataset.OwnerId).Distinct())
        {
            notifications.Notify(db, Recipient.User(userId), kind, title, body, GrantLinks.Inbox);
        }
    }

    private static async Task<Outcome<PageOf<AccessRequestView>>> PageAsync(
        IQueryable<AccessRequest> ordered, IQueryable<AccessRequest> all, Paging paging, CancellationToken ct)
    {
        var total = await all.CountAsync(ct);
        var rows = await ordered.AsNoTracking().Include(r => r.Dataset).Include(r => r.Requester).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new PageOf<AccessRequestView>([.. rows.Select(ToView)], paging.Page, paging.PageSize, total);
    }

    private async Task<AccessRequestView> ViewAsync(Guid requestId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var r = await db.AccessRequests.AsNoTracking().Include(x => x.Dataset).Include(x => x.Requester).SingleAsync(x => x.Id == requestId, ct);
        return ToView(r);
    }

    private static AccessRequestView ToView(AccessRequest r) => new(
        r.Id, r.DatasetId, r.Dataset?.Name ?? "", r.RequesterId, r.Requester?.DisplayName ?? "", r.VoId, r.Kind.ToString(), r.ExtendsGrantId,
        r.Purpose.ToString(), r.Purpose.Commercial, r.PurposeDescription, r.EthicsReference, r.RequestedFrom, r.RequestedUntil, r.Columns,
        r.TermsVersion, r.Status.ToString(), r.CreatedAt, r.DecidedAt, r.DecisionReason, r.GrantId);
}
