using Microsoft.EntityFrameworkCore;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.SignIn;
using Portal.Features.VirtualOrganizations;

namespace Portal.Features.Datasets;

public sealed partial class DatasetService
{
    public Task<Outcome<StewardView>> AddStewardAsync(Caller caller, Guid id, Guid? userId, CancellationToken ct) =>
        ChangeAsync<StewardView>(caller, id, Need.Own, "change its stewards", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return Withdrawn(d);
            }
            var user = userId is { } uid ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uid, ct) : null;
            if (user is null || user.Suspended)
            {
                return Failure.Invalid("userId", "userId must name an active user of this portal.");
            }
            if (user.Id == d.OwnerId)
            {
                return Failure.Invalid("userId", "The owner is not their own steward.");
            }
            if (d.Stewards.Any(s => s.UserId == user.Id))
            {
                return Failure.Conflict("userId", $"{user.DisplayName} already stewards \"{d.Name}\".");
            }
            var now = time.GetUtcNow();
            db.DatasetStewards.Add(new DatasetSteward { DatasetId = id, UserId = user.Id, AddedById = m.Me.Id, AddedAt = now });
            d.UpdatedAt = now;
            audit.Add(db, "dataset.steward_added", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { userId = user.Id });
            notifications.Notify(db, Recipient.User(user.Id), "dataset.steward_added", $"You steward {d.Name}",
                $"{m.Me.DisplayName} made you a steward of the dataset \"{d.Name}\": you may classify it, set its conditions and preview it.",
                DatasetLinks.Dataset(id));
            return new StewardView(user.Id, user.DisplayName, now);
        }, ct);

    public Task<Outcome<Done>> RemoveStewardAsync(Caller caller, Guid id, Guid userId, CancellationToken ct) =>
        ChangeAsync<Done>(caller, id, Need.Own, "change its stewards", propagate: true, (db, m) =>
        {
            var d = m.Dataset;
            var steward = d.Stewards.FirstOrDefault(s => s.UserId == userId);
            if (steward is null)
            {
                return Task.FromResult<Outcome<Done>>(Failure.NotFound("That person does not steward this dataset."));
            }
            db.DatasetStewards.Remove(steward);
            d.UpdatedAt = time.GetUtcNow();
            audit.Add(db, "dataset.steward_removed", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { userId });
            notifications.Notify(db, Recipient.User(userId), "dataset.steward_removed", $"You no longer steward {d.Name}",
                $"{m.Me.DisplayName} removed you as a steward of the dataset \"{d.Name}\".", null);
            return Task.FromResult<Outcome<Done>>(default(Done));
        }, ct);

    /// <summary>Lists the dataset in a VO's catalogue; the owner must be a live member of that VO.</summary>
    public Task<Outcome<ShareView>> ShareAsync(Caller caller, Guid id, Guid? voId, CancellationToken ct) =>
        ChangeAsync<ShareView>(caller, id, Need.Own, "share it", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return Withdrawn(d);
            }
            if (voId is null)
            {
                return Failure.Invalid("voId", "voId is required.");
            }
            var vo = await VoAccess.VoAsync(db, voId.Value, ct);
            if (vo.Failure is { } missing)
            {
                return missing;
            }
            var now = time.GetUtcNow();
            if (!VoAccess.IsLive(await VoAccess.MembershipAsync(db, voId.Value, m.Me.Id, ct), now))
            {
                return Failure.Forbidden($"You can only share into a virtual organization you are a member of, and you are not a member of \"{vo.Value!.Name}\".");
            }
            if (await db.DatasetShares.AnyAsync(s => s.DatasetId == id && s.VoId == voId, ct))
            {
                return Failure.Conflict("voId", $"\"{d.Name}\" is already in the catalogue of \"{vo.Value!.Name}\".");
            }
            db.DatasetShares.Add(new DatasetShare { DatasetId = id, VoId = voId.Value, SharedById = m.Me.Id, SharedAt = now });
            d.UpdatedAt = now;
            audit.Add(db, "dataset.shared", AuditOutcome.Success, caller.Actor, voId: voId, datasetId: id, details: new { vo = vo.Value!.Name });
            return new ShareView(voId.Value, vo.Value.Name, now);
        }, ct);

    /// <summary>Takes the dataset out of a VO's catalogue: its owner may, and so may a live admin of that VO (their catalogue).</summary>
    public async Task<Outcome<Done>> UnshareAsync(Caller caller, Guid id, Guid voId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var me = await VoAccess.CallerAsync(db, caller, ct);
        if (me.Failure is { } denied)
        {
            return denied;
        }
        var now = time.GetUtcNow();
        var share = await db.DatasetShares.Include(s => s.Dataset).ThenInclude(x => x!.Stewards)
            .SingleOrDefaultAsync(s => s.DatasetId == id && s.VoId == voId, ct);
        var d = share?.Dataset ?? await db.Datasets.Include(x => x.Stewards).SingleOrDefaultAsync(x => x.Id == id, ct);
        var myId = me.Value!.Id;
        var isOwner = d?.OwnerId == myId;
        var isVoAdmin = VoAccess.IsLiveAdmin(await VoAccess.MembershipAsync(db, voId, myId, ct), now);
        if (d is null || (!isOwner && !isVoAdmin && d.Stewards.All(s => s.UserId != myId)))
        {
            return NoSuchDataset;
        }
        if (!isOwner && !isVoAdmin)
        {
            return Failure.Forbidden($"Only the owner of \"{d.Name}\" or an admin of the virtual organization may take it out of a catalogue.");
        }
        if (share is null)
        {
            return Failure.NotFound("The dataset is not in that virtual organization's catalogue.");
        }
        db.DatasetShares.Remove(share);
        d.UpdatedAt = now;
        audit.Add(db, "dataset.unshared", AuditOutcome.Success, caller.Actor, voId: voId, datasetId: id, details: new { by = isOwner ? "owner" : "vo-admin" });
        if (!isOwner)
        {
            notifications.Notify(db, Recipient.User(d.OwnerId), "dataset.unshared", $"{d.Name} was taken out of a catalogue",
                $"{me.Value.DisplayName}, an admin of the virtual organization, took \"{d.Name}\" out of its catalogue.", DatasetLinks.Dataset(id));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifications.WakeDelivery();
        await PropagateAsync(id, ct);
        return default(Done);
    }

    /// <summary>Draft → Active: every column classified and a valid anonymization profile. Owner only.</summary>
    public Task<Outcome<DatasetView>> ActivateAsync(Caller caller, Guid id, CancellationToken ct) =>
        ChangeAsync<DatasetView>(caller, id, Need.Own, "activate it", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            if (d.Status != DatasetStatus.Draft)
            {
                return Failure.Conflict("status", $"\"{d.Name}\" is {d.Status.ToString().ToLowerInvariant()}; only a draft can be activated.");
            }
            var unclassified = d.Columns.Where(c => c.Classification == ColumnClass.Unclassified).Select(c => c.Name).ToList();
            if (d.Columns.Count == 0 || unclassified.Count > 0)
            {
                return Failure.Conflict("columns", d.Columns.Count == 0
                    ? "The dataset has no columns yet: read its schema first."
                    : $"Classify every column first; still unclassified: {string.Join(", ", unclassified)}.");
            }
            if (d.AnonymizationProfile is null)
            {
                return Failure.Conflict("anonymizationProfile", "Set an anonymization profile first.");
            }
            if (CheckProfile(d.AnonymizationProfile, d) is { } badProfile)
            {
                return badProfile with { Kind = FailureKind.Conflict };
            }
            d.Status = DatasetStatus.Active;
            d.UpdatedAt = time.GetUtcNow();
            audit.Add(db, "dataset.activated", AuditOutcome.Success, caller.Actor, datasetId: id, details: new { d.ProfileVersion, d.TermsVersion });
            return View(d, m.Me.Id, manage: true, await SharesAsync(db, id, ct));
        }, ct);

    /// <summary>Withdraws the dataset for good, with a reason: every grant stops working at once. Owner only.</summary>
    public Task<Outcome<DatasetView>> WithdrawAsync(Caller caller, Guid id, string? reason, CancellationToken ct) =>
        ChangeAsync<DatasetView>(caller, id, Need.Own, "withdraw it", propagate: true, async (db, m) =>
        {
            var d = m.Dataset;
            var checkedReason = GrantRules.Reason(reason, "grantees and auditors are told");
            if (checkedReason.Failure is { } badReason)
            {
                return badReason;
            }
            var why = checkedReason.Value!;
            if (d.Status == DatasetStatus.Withdrawn)
            {
                return Failure.Conflict("status", $"\"{d.Name}\" is already withdrawn.");
            }
            var now = time.GetUtcNow();
            d.Status = DatasetStatus.Withdrawn;
            d.WithdrawnAt = now;
            d.WithdrawalReason = why;
            d.UpdatedAt = now;
            audit.Add(db, "dataset.withdrawn", AuditOutcome.Success, caller.Actor, datasetId: id, reason: "dataset.withdrawn", details: new { reason = why });
            // Everyone a live grant covers, through a VO, role or institution too: they all lose access now.
            var live = await db.Grants.AsNoTracking().Where(g => g.DatasetId == id && g.RevokedAt == null && g.ValidUntil > now).ToListAsync(ct);
            var covered = (await GrantRules.CoverageAsync(db, live, now, ct)).Select(c => c.UserId);
            foreach (var user in covered.Concat(d.Stewards.Select(s => s.UserId)).Distinct())
            {
                notifications.Notify(db, Recipient.User(user), "dataset.withdrawn", $"{d.Name} was withdrawn",
                    $"The owner withdrew the dataset \"{d.Name}\": {why}", null);
            }
            return View(d, m.Me.Id, manage: true, await SharesAsync(db, id, ct));
        }, ct);
}

/// <summary>Links into the dataset pages, for notifications.</summary>
public static class DatasetLinks
{
    public static string Dataset(Guid id) => $"/owner/datasets/{id}";
}
