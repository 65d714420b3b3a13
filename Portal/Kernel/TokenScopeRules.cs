using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Portal.Kernel;

/// <summary>
/// What an endpoint says about API tokens, as endpoint metadata: the scope it needs, that any token will do, or that
/// tokens are refused (with the refusal to give). Every /api endpoint carries exactly one (a test enumerates them).
/// </summary>
public sealed record TokenScopeDeclaration
{
    private TokenScopeDeclaration(string? scope, Failure? tokensRefused)
    {
        Scope = scope;
        TokensRefused = tokensRefused;
    }

    /// <summary>The scope a token needs; null when any token will do or none is accepted.</summary>
    public string? Scope { get; }

    /// <summary>Set when the endpoint is for browser sessions only: what a token gets instead.</summary>
    public Failure? TokensRefused { get; }

    public static TokenScopeDeclaration Requires(string scope) =>
        Scopes.All.Contains(scope) ? new(scope, null) : throw new ArgumentException($"'{scope}' is not one of the scopes in Scopes.All.", nameof(scope));

    public static readonly TokenScopeDeclaration AnyScope = new(null, null);

    public static TokenScopeDeclaration BrowserOnly(Failure refusal) => new(null, refusal ?? throw new ArgumentNullException(nameof(refusal)));

    public override string ToString() => Scope ?? (TokensRefused is null ? "any scope" : "browser session only");
}

/// <summary>The declarations, put on endpoints where they are mapped.</summary>
public static class TokenScopeEndpoints
{
    /// <summary>A token must carry <paramref name="scope"/> (one of <see cref="Scopes.All"/>).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TokenScopeDeclaration.Requires(scope));

    /// <summary>Any valid token may call this: it tells the caller about themselves and changes nothing.</summary>
    public static TBuilder AllowAnyScope<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TokenScopeDeclaration.AnyScope);

    /// <summary>No token, whatever its scopes: only a person signed in through their institution may call this.</summary>
    public static TBuilder BrowserSessionOnly<TBuilder>(this TBuilder builder, Failure refusal) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TokenScopeDeclaration.BrowserOnly(refusal));
}

/// <summary>
/// The one place token scopes are enforced, after authentication and authorization and before the endpoint reads its
/// body: a caller who came with a token and lacks what the endpoint declares gets 403 <c>token.scope_missing</c>
/// naming the scope. Browser sessions are not limited. An endpoint that declares nothing accepts no token unless it
/// is open to anonymous callers (where a token adds no rights), so a forgotten declaration fails closed.
/// </summary>
public static class TokenScopeEnforcement
{
    public const string MissingCode = "token.scope_missing";

    public static IApplicationBuilder UseTokenScopes(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (Refusal(http) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    /// <summary>The problem to answer instead of calling the endpoint, or null to go on.</summary>
    public static IResult? Refusal(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        // Only routes act; the other endpoints routing picks are its own rejections (405), which grant nothing.
        if (http.User.TokenId() is null || http.User.Identity?.IsAuthenticated != true || http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return null;
        }
        var declared = endpoint.Metadata.GetMetadata<TokenScopeDeclaration>();
        if (declared is null)
        {
            return endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                ? null
                : Missing(null, "This address does not accept API tokens.");
        }
        if (declared.TokensRefused is { } refused)
        {
            return refused.ToProblem();
        }
        if (declared.Scope is { } scope && !Holds(http.User, scope))
        {
            return Missing(scope, $"This token lacks the scope {scope}, which this operation needs; create a token with it.");
        }
        return null;
    }

    public static bool Holds(ClaimsPrincipal principal, string scope)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.HasClaim(Scopes.Claim, scope);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Missing(string? scope, string sentence)
    {
        var problem = Failure.Forbidden(MissingCode, sentence).ToProblem();
        if (scope is not null)
        {
            // Programs read which scope to add from here, not from the sentence.
            problem.ProblemDetails.Extensions["scope"] = scope;
        }
        return problem;
    }
}
