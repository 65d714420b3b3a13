using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Notifications;

/// <summary>GET /api/notifications and POST /api/notifications/{id}/read: the caller's own inbox.</summary>
internal static class NotificationsApi
{
    public static void MapNotificationsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/notifications").WithTags("Notifications");
        g.MapGet("/", List).WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first (?page=&pageSize=&unreadOnly=), with the unread count.")
            .RequireScope(Scopes.CatalogueRead);
        g.MapPost("/{id:guid}/read", MarkRead).WithName("MarkNotificationRead").WithSummary("Mark one of the caller's notifications as read.")
            .RequireScope(Scopes.CatalogueRead);
        g.MapPost("/read-all", MarkAllRead).WithName("MarkAllNotificationsRead").WithSummary("Mark all of the caller's notifications as read.")
            .RequireScope(Scopes.CatalogueRead);
    }

    private static async Task<Results<Ok<NotificationInbox.Inbox>, ProblemHttpResult>> List(
        int? page, int? pageSize, bool? unreadOnly, Caller caller, NotificationInbox inbox, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        if (paging.Failure is { } bad)
        {
            return bad.ToProblem();
        }
        var result = await inbox.ListAsync(caller, paging.Value, unreadOnly ?? false, ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(Guid id, Caller caller, NotificationInbox inbox, CancellationToken ct)
    {
        var result = await inbox.MarkReadAsync(caller, id, ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<int>, ProblemHttpResult>> MarkAllRead(Caller caller, NotificationInbox inbox, CancellationToken ct)
    {
        var result = await inbox.MarkAllReadAsync(caller, ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.Ok(result.Value);
    }
}
