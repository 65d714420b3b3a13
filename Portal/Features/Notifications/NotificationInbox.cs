using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.SignIn;

namespace Portal.Features.Notifications;

/// <summary>The caller's own notifications: the list, the unread count, marking as read. Nobody reads another's inbox.</summary>
public sealed class NotificationInbox(IDbContextFactory<PortalDb> dbs, TimeProvider time)
{
    public sealed record Item(Guid Id, string Kind, string Title, string Body, string? Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

    public sealed record Inbox(IReadOnlyList<Item> Items, int Page, int PageSize, int Total, int Unread);

    public async Task<Outcome<Inbox>> ListAsync(Caller caller, Paging paging, bool unreadOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == me);
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        var query = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        var total = unreadOnly ? unread : await query.CountAsync(ct);
        var items = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip(paging.Skip).Take(paging.PageSize)
            .Select(n => new Item(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt))
            .ToListAsync(ct);
        return new Inbox(items, paging.Page, paging.PageSize, total, unread);
    }

    public async Task<Outcome<int>> UnreadCountAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => n.UserId == me && n.ReadAt == null, ct);
    }

    /// <summary>Someone else's notification is "not found", not "forbidden": its existence is nobody else's business.</summary>
    public async Task<Outcome<Done>> MarkReadAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var n = await db.Notifications.SingleOrDefaultAsync(x => x.Id == id && x.UserId == me, ct);
        if (n is null)
        {
            return Failure.NotFound("No such notification.");
        }
        n.ReadAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return default(Done);
    }

    public async Task<Outcome<int>> MarkAllReadAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } me)
        {
            return Failure.SignInRequired;
        }
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        return await db.Notifications.Where(n => n.UserId == me && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }
}
