using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.SignIn.Sessions;

/// <summary>Looks up and ends server-side portal sessions.</summary>
public static class SessionStore
{
    /// <summary>True when the cookie names a session that exists and has not ended.</summary>
    public static async Task<bool> IsLiveAsync(HttpContext http, string? sessionId)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!Guid.TryParse(sessionId, out var id))
        {
            return false;
        }
        var dbs = http.RequestServices.GetRequiredService<IDbContextFactory<PortalDb>>();
        await using var db = await dbs.CreateDbContextAsync(http.RequestAborted);
        return await db.PortalSessions.AnyAsync(s => s.Id == id && s.EndedAt == null, http.RequestAborted);
    }

    /// <summary>Ends the named session (tracked in <paramref name="db"/>; the caller saves) and returns it, or null.</summary>
    public static async Task<PortalSession?> EndAsync(PortalDb db, Guid? sessionId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (sessionId is not { } id)
        {
            return null;
        }
        var session = await db.PortalSessions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is { EndedAt: null })
        {
            session.EndedAt = now;
            session.EndReason = reason;
        }
        return session;
    }

    /// <summary>
    /// Ends the live SAML sessions of the person an IdP names (issuer + NameID), limited to the given session
    /// indexes when the IdP lists any. Tracked in <paramref name="db"/>; the caller saves.
    /// </summary>
    public static async Task<List<PortalSession>> EndSamlAsync(
        PortalDb db, string issuer, string nameId, IReadOnlyCollection<string> sessionIndexes, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sessionIndexes);
        var query = db.PortalSessions.Where(s => s.Method == "saml" && s.Issuer == issuer && s.SamlNameId == nameId && s.EndedAt == null);
        if (sessionIndexes.Count > 0)
        {
            query = query.Where(s => s.SamlSessionIndex != null && sessionIndexes.Contains(s.SamlSessionIndex));
        }
        var sessions = await query.ToListAsync(ct);
        foreach (var session in sessions)
        {
            session.EndedAt = now;
            session.EndReason = "saml.slo";
        }
        return sessions;
    }

    public static Guid? SessionId(this System.Security.Claims.ClaimsPrincipal principal) =>
        Guid.TryParse(principal?.FindFirst(PortalAuthentication.SessionIdClaim)?.Value, out var id) ? id : null;
}
