using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;
using Portal.Features.SignIn.Sessions;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// /saml/slo: the IdP's LogoutResponse to this SP's request (the portal session already ended when the person signed
/// out; this closes the round trip), or the IdP's own LogoutRequest (another SP or the IdP ended the person's
/// session there: every portal session bound to it ends, and the IdP gets a signed LogoutResponse).
/// </summary>
internal static class SamlSingleLogout
{
    public static async Task<IResult> HandleAsync(HttpContext http, SamlLogout logout, PortalDb db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var check = await logout.CheckAsync(http.Request.QueryString.Value, (id, c) => TakePendingAsync(db, id, c), ct);
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (check.Message is not { } message)
        {
            audit.Add(db, "signout.slo.failed", AuditOutcome.Failure, new AuditActor(null, null, ip), reason: check.Failure,
                details: new { idp = check.IdpEntityId, detail = check.Detail });
            await db.SaveChangesAsync(ct);
            // A person's browser arrives here from the IdP: it gets a page; API clients and scripts get problem details.
            if (WantsHtml(http.Request))
            {
                return Results.Redirect("/signout/failed?reason=" + Uri.EscapeDataString(check.Failure!));
            }
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Logout message rejected.",
                detail: $"{SamlReasons.Describe(check.Failure!).Replace("sign-in response", "logout message", StringComparison.Ordinal)} (reason {check.Failure})",
                extensions: new Dictionary<string, object?> { ["code"] = check.Failure });
        }
        if (!message.IsRequest)
        {
            audit.Add(db, "signout.slo.completed", message.StatusCode == SamlNames.StatusSuccess ? AuditOutcome.Success : AuditOutcome.Failure,
                new AuditActor(http.User.UserId(), http.User.Identity?.Name, ip),
                details: new { idp = message.Idp.EntityId, request = message.Answers!.RequestId, status = message.StatusCode });
            await db.SaveChangesAsync(ct);
            return Results.LocalRedirect(message.Answers.ReturnPath);
        }

        var ended = await SessionStore.EndSamlAsync(db, message.Idp.EntityId, message.NameId!, message.SessionIndexes, time.GetUtcNow(), ct);
        foreach (var userId in ended.Select(s => s.UserId).Distinct())
        {
            audit.Add(db, "signout", AuditOutcome.Success, new AuditActor(userId, null, ip), reason: "saml.slo",
                details: new { idp = message.Idp.EntityId, request = message.Id, sessions = ended.Where(s => s.UserId == userId).Select(s => s.Id).ToList() });
        }
        await db.SaveChangesAsync(ct);
        if (http.User.SessionId() is { } current && ended.Any(s => s.Id == current))
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        // An IdP without a Redirect logout endpoint cannot be answered over this binding; its sessions ended all the same.
        return message.Idp.RedirectSloUrl is null
            ? Results.Text("Signed out of the portal.")
            : Results.Redirect(logout.Response(message.Idp, message.Id, message.RelayState));
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static async Task<PendingLogout?> TakePendingAsync(PortalDb db, string requestId, CancellationToken ct)
    {
        var taken = await db.PendingLogouts
            .FromSql($"DELETE FROM saml_pending_logouts WHERE request_id = {requestId} RETURNING *")
            .AsNoTracking().ToListAsync(ct);
        return taken.SingleOrDefault();
    }
}
