using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Connectors;
using Portal.Data;
using Portal.Features.Notifications;

namespace Portal.Features.Exports.Download;

/// <summary>
/// Tells the owner when an export delivered less than the share of consenting rows her profile names
/// (<c>warnBelowDeliveredShare</c>): most rows suppressed means her generalization is too fine for k, and she is the
/// one who can change it. At most one such notice per dataset a day, so a busy researcher does not flood her inbox.
/// </summary>
internal static class LowDelivery
{
    public const string Kind = "dataset.low_delivery";

    public static async Task WarnOwnerAsync(ExportServices services, PortalDb db, PermittedExport export, ExportManifest manifest, CancellationToken ct)
    {
        var consenting = manifest.RowsRead - manifest.RowsFilteredByConsent;
        if (export.Request.Profile.WarnBelowDeliveredShare is not { } share || consenting <= 0 || manifest.RowsWritten >= share * consenting)
        {
            return;
        }
        var owner = await db.Datasets.AsNoTracking().Where(d => d.Id == export.DatasetId).Select(d => d.OwnerId).SingleAsync(ct);
        var link = DatasetLinks.Dataset(export.DatasetId);
        var since = services.Time.GetUtcNow().AddDays(-1);
        if (await db.Notifications.AnyAsync(n => n.UserId == owner && n.Kind == Kind && n.Link == link && n.CreatedAt > since, ct))
        {
            return;
        }
        var delivered = (double)manifest.RowsWritten / consenting;
        services.Notifications.Notify(db, Recipient.User(owner), Kind, $"{export.DatasetName}: an export delivered {delivered:P0} of consenting rows",
            string.Create(CultureInfo.InvariantCulture,
                $"An export of \"{export.DatasetName}\" delivered {manifest.RowsWritten:N0} of {consenting:N0} consenting rows ({delivered:P1}, below your {share:P0}): {manifest.RowsSuppressed:N0} were in {manifest.EquivalenceClassesSuppressed:N0} groups smaller than k = {manifest.K}. Generalizing the quasi-identifiers further (the automatic search in `Portal generalize` finds the levels) lets more rows through."),
            link);
    }
}
