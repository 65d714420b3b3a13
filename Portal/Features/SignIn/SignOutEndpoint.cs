using Microsoft.AspNetCore.Antiforgery;
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
            // No form field is bound here, so the antiforgery result must be checked by hand: no cross-site sign-out.
            if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
            {
                return Results.BadRequest();
            }
            var userId = http.User.UserId();
            audit.Add(db, "signout", AuditOutcome.Success,
                new AuditActor(userId, http.User.Identity?.Name, http.Connection.RemoteIpAddress?.ToString()));
            await db.SaveChangesAsync(ct);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/");
        }).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute());
}
