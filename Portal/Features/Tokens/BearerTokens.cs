using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;

namespace Portal.Features.Tokens;

/// <summary>
/// `Authorization: Bearer vop_…` on /api: the token's owner, with the token's scopes only. A missing, unknown,
/// expired or revoked token, or one whose owner is suspended, gets 401 with a problem saying which.
/// </summary>
public sealed class BearerTokens(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<PortalDb> dbs, TimeProvider time, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string TokenIdClaim = PortalClaims.TokenId;
    public const string ScopeClaim = "scope";
    private const string FailureKey = "portal.token.failure";

    /// <summary>How stale "last used" may get: one write per token per minute, not one per request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var value = header["Bearer ".Length..].Trim();
        if (!TokenSecrets.LooksValid(value))
        {
            return Fail("token.malformed", "The bearer token is not a portal token (vop_…).");
        }
        var hash = TokenSecrets.Hash(value);
        var token = await FindAsync(hash, Context.RequestAborted);
        var now = time.GetUtcNow();
        if (token is null)
        {
            return Fail("token.unknown", "The token is not known to this portal.");
        }
        if (token.RevokedAt is not null)
        {
            return Fail("token.revoked", $"The token '{token.Name}' was revoked.");
        }
        if (now >= token.ExpiresAt)
        {
            return Fail("token.expired", $"The token '{token.Name}' expired at {token.ExpiresAt:u}.");
        }
        if (token.OwnerSuspended)
        {
            return Fail("account.suspended", "The token's owner is suspended.");
        }
        if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            await TouchAsync(token.Id, now, Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, token.UserId.ToString()),
            new(ClaimTypes.Name, token.OwnerName),
            new(TokenIdClaim, token.Id.ToString()),
            new("amr", "token"),
        };
        claims.AddRange(token.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private sealed record Found(Guid Id, Guid UserId, string Name, string[] Scopes, DateTimeOffset ExpiresAt,
        DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string OwnerName, bool OwnerSuspended);

    /// <summary>
    /// Every API request comes through here, so it is one prepared statement (prepared once per pooled connection)
    /// rather than an EF query with change tracking; see BENCHMARKS.md (API) for what that bought.
    /// </summary>
    private const string FindSql = """
        SELECT t.id, t.user_id, t.name, t.scopes, t.expires_at, t.last_used_at, t.revoked_at, u.display_name, u.suspended
        FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.hash = @hash
        """;

    private async Task<Found?> FindAsync(byte[] hash, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(FindSql, connection);
        command.Parameters.AddWithValue("hash", hash);
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new Found(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
            reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.GetString(7), reader.GetBoolean(8));
    }

    private async Task TouchAsync(Guid tokenId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Set<ApiToken>().Where(t => t.Id == tokenId).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedAt, now), ct);
    }

    private AuthenticateResult Fail(string code, string message)
    {
        Context.Items[FailureKey] = (code, message);
        return AuthenticateResult.Fail(message);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, message) = Context.Items[FailureKey] as (string, string)? ?? ("token.missing", "Send a personal API token as a Bearer token.");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{TokenSecrets.HeaderSafe(message)}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "The API token was not accepted.",
                Detail = message,
                Extensions = { ["code"] = code },
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Not allowed.", Detail = "This token may not do this." },
        });
    }

    /// <summary>The policy engine's view of the caller: the browser (no scope limits) or a token with its scopes.</summary>
    public static Policy.Model.Client ClientOf(ClaimsPrincipal user) =>
        user.FindFirstValue(TokenIdClaim) is null
            ? Policy.Model.Client.Ui
            : Policy.Model.Client.Token(Policy.Model.TokenScopeNames.Parse(user.FindAll(ScopeClaim).Select(c => c.Value)));

    public static Guid? TokenIdOf(ClaimsPrincipal user) => user.TokenId();

}
