using Microsoft.AspNetCore.Mvc;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.SignIn.Saml;

/// <summary>POST /saml/acs: the IdP's HTTP-POST response (the Assertion Consumer Service).</summary>
internal static class ReceiveSamlResponse
{
    // The IdP's auto-submitted form cannot carry our antiforgery token; the pending request and its browser binding
    // play that part.
    internal static RouteHandlerBuilder Map(RouteGroupBuilder saml) => saml.MapPost("/acs", HandleAsync).DisableAntiforgery();

    /// <summary>Validates the IdP's response against every check of the SP checklist, then signs the person in or audits why not.</summary>
    internal static async Task<IResult> HandleAsync(
        [FromForm(Name = "SAMLResponse")] string? samlResponse, [FromForm(Name = "RelayState")] string? relayState,
        HttpContext http, SamlResponseValidator validator, PendingSignInStore pendingStore, SamlIdentityProviders idps,
        PortalDb db, AuditLog audit, SessionIssuer sessions, TimeProvider time, Hosting.PortalMetrics metrics, CancellationToken ct)
    {
        var nonce = http.Request.Cookies[PendingSignInStore.BindingCookie];
        http.Response.Cookies.Delete(PendingSignInStore.BindingCookie, new CookieOptions { Path = "/saml" });
        var pending = await pendingStore.TakeAsync(relayState, nonce, ct);
        var result = await validator.ValidateAsync(samlResponse, relayState, pending, ct);
        var ip = http.Connection.RemoteIpAddress?.ToString();

        if (result.Failure is { } failure)
        {
            audit.Add(db, "signin.failed", AuditOutcome.Failure, new AuditActor(null, null, ip), reason: failure.Code,
                details: new { method = "saml", idp = result.IdpEntityId, responseId = result.ResponseId, detail = failure.Detail });
            await db.SaveChangesAsync(ct);
            metrics.SignInFailed("saml", failure.Code);
            return Results.Redirect("/signin/failed?reason=" + Uri.EscapeDataString(failure.Code));
        }

        var identity = result.Identity!;
        var user = await FederatedUsers.UpsertAsync(db, identity, idps.Find(identity.IdpEntityId)!, time.GetUtcNow(), ct);
        if (user.Suspended)
        {
            audit.Add(db, "signin.failed", AuditOutcome.Denied, new AuditActor(user.Id, user.DisplayName, ip), reason: "account.suspended",
                details: new { method = "saml", idp = identity.IdpEntityId });
            await db.SaveChangesAsync(ct);
            metrics.SignInFailed("saml", "account.suspended");
            return Results.Redirect("/signin/failed?reason=account.suspended");
        }
        await sessions.SignInAsync(http, user, "saml", ct, identity.SessionNotOnOrAfter,
            new { idp = identity.IdpEntityId, identifier = identity.UserIdSource, encrypted = result.WasEncrypted, dropped = identity.DroppedValues },
            new Sessions.SessionOrigin("saml", identity.IdpEntityId) { SamlNameId = identity.NameId, SamlSessionIndex = identity.SessionIndex });
        return Results.Redirect(result.ReturnPath);
    }
}
