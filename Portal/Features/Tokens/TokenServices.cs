using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Audit;

namespace Portal.Features.Tokens;

/// <summary>What the token use cases need, bound with <c>[AsParameters]</c> in the endpoints and injected into the page.</summary>
public sealed record TokenServices(IDbContextFactory<PortalDb> Dbs, AuditLog Audit, TimeProvider Time);

/// <summary>A token as its owner sees it: never its value, which is shown once, at creation.</summary>
public sealed record TokenInfo(Guid Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static TokenInfo Of(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}

/// <summary>Only a person signed in through their institution manages tokens: a token never mints or revokes tokens.</summary>
internal static class TokenOwner
{
    public static readonly Failure NotWithAToken =
        Failure.Forbidden("token.manage.browser_only", "Tokens are managed after signing in through your institution, not with a token.");

    public static Guid? Of(ClaimsPrincipal caller) => caller.UserId() is { } me && caller.TokenId() is null ? me : null;
}
