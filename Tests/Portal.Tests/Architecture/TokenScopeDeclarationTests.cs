using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Tokens;
using Portal.Kernel;
using Portal.Policy.Model;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Architecture;

/// <summary>
/// Every endpoint of the running app, as routing knows it: each /api operation says what a token needs, docs/scopes.md
/// says the same, and the scope names are the ones tokens are issued with and the policy engine checks.
/// </summary>
public sealed partial class TokenScopeDeclarationTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private List<RouteEndpoint> Endpoints()
    {
        _ = portal.Server; // maps the endpoints
        return [.. portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
    }

    private static bool IsApi(RouteEndpoint e) => Route(e).StartsWith("/api/", StringComparison.Ordinal) || Route(e) == "/api";

    [Fact]
    public void Every_api_endpoint_declares_the_scope_a_token_needs()
    {
        var api = Endpoints().Where(IsApi).ToList();
        Assert.True(api.Count >= 60, $"only {api.Count} /api endpoints found: the enumeration is broken");
        var undeclared = api.Where(e => e.Metadata.GetMetadata<TokenScopeDeclaration>() is null).Select(Operation).Order().ToList();
        Assert.True(undeclared.Count == 0, "no token scope declaration (RequireScope, AllowAnyScope or BrowserSessionOnly): " + string.Join(", ", undeclared));
    }

    [Fact]
    public void Outside_the_api_a_declaration_is_only_on_endpoints_anyone_may_call()
    {
        // A page or hub accepts no token (the enforcement fails closed without a declaration); declaring one there
        // would hand a script a browser's rights.
        var declared = Endpoints().Where(e => !IsApi(e) && e.Metadata.GetMetadata<TokenScopeDeclaration>() is not null
            && e.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null).Select(Operation).ToList();
        Assert.True(declared.Count == 0, "declared outside /api without being anonymous: " + string.Join(", ", declared));
    }

    [Fact]
    public void Docs_scopes_lists_every_api_operation_with_the_scope_the_app_declares()
    {
        var app = Endpoints().Where(IsApi)
            .Select(e => $"| `{Operation(e)}` | {Describe(e.Metadata.GetMetadata<TokenScopeDeclaration>())} |").ToHashSet();
        var doc = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "scopes.md"))
            .Where(l => l.StartsWith("| `GET ", StringComparison.Ordinal) || l.StartsWith("| `POST ", StringComparison.Ordinal)
                || l.StartsWith("| `PUT ", StringComparison.Ordinal) || l.StartsWith("| `DELETE ", StringComparison.Ordinal)
                || l.StartsWith("| `PATCH ", StringComparison.Ordinal))
            .Select(l => l.Split('|')).Select(c => $"| {c[1].Trim()} | {c[2].Trim()} |").ToHashSet();
        var notDocumented = app.Except(doc).Order().ToList();
        var notInApp = doc.Except(app).Order().ToList();
        Assert.True(notDocumented.Count == 0 && notInApp.Count == 0,
            "docs/scopes.md disagrees with the app (operation and declaration columns).\nThe app has:\n" + string.Join("\n", notDocumented)
            + "\nThe doc has:\n" + string.Join("\n", notInApp));
    }

    [Fact]
    public void The_scopes_are_the_ones_tokens_are_issued_with_and_the_policy_engine_checks()
    {
        Assert.Equal(Scopes.All, CreateToken.OfferedScopes);
        Assert.Equal(Scopes.All.Count, Scopes.All.Distinct().Count());
        Assert.Equal(BearerTokens.ScopeClaim, Scopes.Claim);
        // Every scope the engine requires for an action a token can be given is spelt the same here, and the other way round.
        foreach (var scope in Enum.GetValues<TokenScopes>().Where(s => s is not TokenScopes.None and not TokenScopes.AuditRead))
        {
            Assert.Contains(TokenScopeNames.NameOf(scope), Scopes.All);
        }
        foreach (var name in Scopes.All.Where(n => n != Scopes.PermissionsRead))
        {
            Assert.Equal(name, TokenScopeNames.NameOf(TokenScopeNames.Parse([name])));
        }
        Assert.DoesNotContain(TokenScopeNames.NameOf(TokenScopes.AuditRead), Scopes.All);
    }

    /// <summary>"GET /api/datasets/{id}/export": the method and the route without constraints or a trailing slash.</summary>
    private static string Operation(RouteEndpoint e) =>
        $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])} {Route(e)}";

    private static string Route(RouteEndpoint e) =>
        Constraint().Replace("/" + (e.RoutePattern.RawText ?? "").TrimStart('/'), "}").TrimEnd('/') is { Length: > 0 } p ? p : "/";

    private static string Describe(TokenScopeDeclaration? d) => d switch
    {
        null => "(none)",
        { Scope: { } scope } => $"`{scope}`",
        { TokensRefused: { } refused } => $"browser session only (`{refused.Code}`)",
        _ => "any token",
    };

    [GeneratedRegex(":[^}]*}")]
    private static partial Regex Constraint();
}
