using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.SignIn;

namespace Portal.Features.Notifications;

/// <summary>GET /api/notifications and POST /api/notifications/{id}/read: the caller's own inbox.</summary>
internal static class NotificationsApi
{
    public static void MapNotificationsApi(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/notifications").WithTags("Notifications");
        g.MapGet("/", List).WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first (?page=&pageSize=&unreadOnly=), with the unread count.");
        g.MapPost("/{id:guid}/read", MarkRead).WithName("MarkNotificationRead").WithSummary("Mark one of the caller's notifications as read.");
        g.MapPost("/read-all", MarkAllRead).WithName("MarkAllNotificationsRead").WithSummary("Mark all of the caller's notifications as read.");
    }

    private static async Task<Results<Ok<NotificationInbox.Inbox>, ProblemHttpResult>> List(
        int? page, int? pageSize, bool? unreadOnly, HttpContext http, NotificationInbox inbox, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        if (paging.Failure is { } bad)
        {
            return bad.ToProblem();
        }
        var result = await inbox.ListAsync(Caller.From(http), paging.Value, unreadOnly ?? false, ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(Guid id, HttpContext http, NotificationInbox inbox, CancellationToken ct)
    {
        var result = await inbox.MarkReadAsync(Caller.From(http), id, ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<int>, ProblemHttpResult>> MarkAllRead(HttpContext http, NotificationInbox inbox, CancellationToken ct)
    {
        var result = await inbox.MarkAllReadAsync(Caller.From(http), ct);
        return result.Failure is { } f ? f.ToProblem() : TypedResults.Ok(result.Value);
    }
}
