using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Notifications;

namespace Portal.Features.Access.Requests;

/// <summary>What asking for a dataset (or for more time on a grant) checks besides the kernel's rules.</summary>
public static class RequestRules
{
    public static readonly Failure NotInCatalogue = Failure.NotFound("access.request.dataset_not_found", "No such dataset in your VOs' catalogues.");

    /// <summary>The dataset and the caller's live VOs that list it; otherwise "not found", saying nothing about its existence.</summary>
    public static async Task<Outcome<(Dataset Dataset, List<VoRef> Vos)>> VisibleAsync(PortalDb db, User me, Guid datasetId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(me);
        var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == datasetId && d.Status == DatasetStatus.Active, ct);
        if (dataset is null)
        {
            return NotInCatalogue;
        }
        var live = db.Memberships.Where(Membership.ActiveAt(now));
        var vos = await db.DatasetShares.AsNoTracking()
            .Where(s => s.DatasetId == datasetId && s.Vo!.ArchivedAt == null && live.Any(m => m.VoId == s.VoId && m.UserId == me.Id))
            .OrderBy(s => s.Vo!.Name)
            .Select(s => new VoRef(s.VoId, s.Vo!.Name))
            .ToListAsync(ct);
        return vos.Count == 0 ? NotInCatalogue : (dataset, vos);
    }

    /// <summary>The researcher accepted the dataset's terms, in their current version.</summary>
    public static Failure? Terms(Dataset dataset, bool? accepted, int? version)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (accepted is not true)
        {
            return Failure.Invalid("access.request.terms_not_accepted", "acceptTerms",
                $"Accept the terms of use of \"{dataset.Name}\" (version {dataset.TermsVersion}) to ask for it.");
        }
        if (version != dataset.TermsVersion)
        {
            return Failure.Invalid("access.request.terms_outdated", "termsVersion",
                $"The terms of use of \"{dataset.Name}\" are now at version {dataset.TermsVersion}; read and accept them again.");
        }
        return null;
    }

    public static bool RequiresEthics(Dataset d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return d.DataUse.Modifiers.Contains("IRB", StringComparer.OrdinalIgnoreCase);
    }

    public static string DataUseText(DataUseConditions c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return string.Join(' ', [c.Primary == "DS" ? string.Join(' ', c.Diseases.Select(d => "DS:" + d)) : c.Primary, .. c.Modifiers]);
    }

    /// <summary>Tells the owner and the stewards (in the portal and by e-mail). Adds to the caller's unit of work.</summary>
    public static async Task NotifyManagersAsync(AccessServices services, PortalDb db, Dataset dataset, string title, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(dataset);
        var stewards = await db.DatasetStewards.Where(s => s.DatasetId == dataset.Id).Select(s => s.UserId).ToListAsync(ct);
        foreach (var userId in stewards.Prepend(dataset.OwnerId).Distinct())
        {
            services.Notifications.Notify(db, Recipient.User(userId), "access_request.created", title, body, GrantLinks.Inbox);
        }
    }
}
