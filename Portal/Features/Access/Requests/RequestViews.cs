using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Access.Requests;

/// <summary>A request as its requester and the dataset's owner and stewards see it.</summary>
public sealed record RequestView(
    Guid Id, Guid DatasetId, string DatasetName, Guid RequesterId, string RequesterName, Guid? VoId, string Kind, Guid? ExtendsGrantId,
    string Purpose, bool Commercial, string Description, string? EthicsReference, DateTimeOffset RequestedFrom, DateTimeOffset RequestedUntil,
    IReadOnlyList<string>? Columns, int TermsVersion, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? DecisionReason,
    Guid? GrantId);

/// <summary>What a researcher needs to fill in the request form: the dataset's conditions, columns and current terms.</summary>
public sealed record RequestFormView(
    Guid DatasetId, string DatasetName, string Description, string DataUse, bool RequiresEthics, IReadOnlyList<string> Columns,
    string TermsOfUse, int TermsVersion, IReadOnlyList<VoRef> Vos);

public sealed record VoRef(Guid Id, string Name);

/// <summary>The queries behind the request views, shared by the request and decision use cases.</summary>
public static class RequestViews
{
    public static async Task<RequestView> ViewAsync(AccessServices services, Guid requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Dbs.CreateDbContextAsync(ct);
        var r = await db.AccessRequests.AsNoTracking().Include(x => x.Dataset).Include(x => x.Requester).SingleAsync(x => x.Id == requestId, ct);
        return ToView(r);
    }

    public static async Task<PageOf<RequestView>> PageAsync(
        IQueryable<AccessRequest> ordered, IQueryable<AccessRequest> all, Paging paging, CancellationToken ct)
    {
        var total = await all.CountAsync(ct);
        var rows = await ordered.AsNoTracking().Include(r => r.Dataset).Include(r => r.Requester).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new PageOf<RequestView>([.. rows.Select(ToView)], paging.Page, paging.PageSize, total);
    }

    public static RequestView ToView(AccessRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(
            r.Id, r.DatasetId, r.Dataset?.Name ?? "", r.RequesterId, r.Requester?.DisplayName ?? "", r.VoId, r.Kind.ToString(), r.ExtendsGrantId,
            r.Purpose.ToString(), r.Purpose.Commercial, r.PurposeDescription, r.EthicsReference, r.RequestedFrom, r.RequestedUntil, r.Columns,
            r.TermsVersion, r.Status.ToString(), r.CreatedAt, r.DecidedAt, r.DecisionReason, r.GrantId);
    }

    /// <summary>Serializes the decisions on one request. Call inside a transaction.</summary>
    public static Task LockAsync(PortalDb db, Guid requestId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT 1 FROM access_requests WHERE id = {requestId} FOR UPDATE", ct);
}
