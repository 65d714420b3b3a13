using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.SignIn.Sessions;

/// <summary>
/// An interactive page keeps the principal its circuit started with; this re-checks the server-side session every
/// minute, so a sign-out elsewhere (another tab, the IdP's logout request) also ends open pages.
/// </summary>
internal sealed class SessionRevalidation(ILoggerFactory loggers, IDbContextFactory<PortalDb> dbs)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var user = authenticationState.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return true;
        }
        if (user.SessionId() is not { } id)
        {
            return false;
        }
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.PortalSessions.AnyAsync(s => s.Id == id && s.EndedAt == null, cancellationToken);
    }
}
