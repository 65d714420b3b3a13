using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.SignIn;

internal static class SignOutEndpoint
{
    public static void MapSignOut(this IEndpointRouteBuilder app) =>
        app.MapPost("/signout", async (HttpContext http, PortalDb db, AuditLog audit, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            audit.Add(db, "signout", AuditOutcome.Success,
                new AuditActor(userId, http.User.Identity?.Name, http.Connection.RemoteIpAddress?.ToString()));
            await db.SaveChangesAsync(ct);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/");
        }).AllowAnonymous();
}
