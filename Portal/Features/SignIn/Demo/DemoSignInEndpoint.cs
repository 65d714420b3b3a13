using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Demo;

namespace Portal.Features.SignIn.Demo;

internal static class DemoSignInEndpoint
{
    /// <summary>POST /signin/demo: sign in as one of the seeded demo users (Development only, see DemoSignInGuard).</summary>
    public static void MapDemoSignIn(this IEndpointRouteBuilder app) =>
        app.MapPost("/signin/demo", async Task<IResult> (
            [FromForm] Guid userId, [FromForm] string? returnUrl,
            HttpContext http, PortalDb db, SessionIssuer sessions, CancellationToken ct) =>
        {
            if (!DemoSeed.UserIds.Contains(userId))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                    title: "Not a demo user.", detail: "Demo sign-in accepts only the users that seed-demo created.");
            }
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
            if (user is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                    title: "Demo data missing.", detail: "Run the portal with `seed-demo` first (deploy/run.sh does).");
            }
            await sessions.SignInAsync(http, user, "demo", ct);
            return Results.LocalRedirect(ReturnPath.LocalOrRoot(returnUrl));
        }).AllowAnonymous();
}
