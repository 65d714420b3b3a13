using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Notifications;

namespace Portal.Features.Datasets.Conditions;

/// <summary>
/// A new profile applies to every export from now on, like every other decision of the owner: the live and upcoming
/// grants move to its version, so that the engine's obligations name the profile the connector will apply, and the
/// people they cover are told (earlier downloads are what they were).
/// </summary>
internal static class ProfileChange
{
    public static async Task<List<Guid>> MoveGrantsAsync(DatasetServices services, PortalDb db, Dataset d, CancellationToken ct)
    {
        var now = services.Time.GetUtcNow();
        var live = await db.Grants.Where(g => g.DatasetId == d.Id && g.RevokedAt == null && g.ValidUntil > now).ToListAsync(ct);
        foreach (var grant in live)
        {
            grant.ProfileVersion = d.ProfileVersion;
        }
        var covered = (await GrantCoverage.CoverageAsync(db, live, now, ct)).Select(c => c.UserId).Distinct();
        foreach (var user in covered)
        {
            services.Notifications.Notify(db, Recipient.User(user), "dataset.profile_changed", $"{d.Name}: anonymization changed",
                $"The owner changed how \"{d.Name}\" is anonymized (profile version {d.ProfileVersion}). Your next exports use it; earlier downloads are unchanged.",
                GrantLinks.MyGrants);
        }
        return live.Select(g => g.Id).ToList();
    }
}
