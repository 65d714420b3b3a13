using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Portal.Hosting;

/// <summary>
/// The OpenAPI document at /openapi/v1.json and an interactive reference at /api-docs. Both are public: they describe
/// the API, never data, and researchers need them before they hold a token.
/// </summary>
internal static class ApiDocs
{
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddPortalApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer<DescribeDocument>());

    public static WebApplication MapPortalApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api-docs", o => o
                .WithTitle("VO data portal API")
                .AddPreferredSecuritySchemes(BearerScheme))
            .AllowAnonymous();
        return app;
    }

    /// <summary>Title, how to authenticate, and that every /api operation needs it: the generator cannot infer these.</summary>
    private sealed class DescribeDocument : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info = new OpenApiInfo
            {
                Title = "VO data portal API",
                Version = "v1",
                Description = "Virtual organizations, datasets, access requests, grants, exports and the audit log. " +
                    "Authenticate with a personal API token (`Authorization: Bearer …`, created on the Tokens page) or a " +
                    "browser session. Errors are RFC 7807 problem details; lists take `page` and `pageSize`.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = $"A personal API token. Scopes (docs/scopes.md says which operation needs which): {string.Join(", ", Scopes.All)}.",
            };
            var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] };
            foreach (var (path, item) in document.Paths)
            {
                if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
                {
                    continue;
                }
                foreach (var operation in item.Operations.Values)
                {
                    operation.Security ??= [];
                    operation.Security.Add(requirement);
                    operation.Responses ??= [];
                    // Typed ProblemHttpResult answers carry no metadata: state the answers every /api operation can give.
                    AddProblem(operation.Responses, "400", "Invalid input: the problem's `errors` name each field.");
                    AddProblem(operation.Responses, "401", "No session and no valid bearer token.");
                    AddProblem(operation.Responses, "403", "Signed in, but not allowed (or the token lacks the scope).");
                    AddProblem(operation.Responses, "429", "Rate limit reached: retry after the `Retry-After` header's seconds.");
                }
            }
            return Task.CompletedTask;
        }

        private static void AddProblem(OpenApiResponses responses, string status, string description) =>
            responses.TryAdd(status, new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() },
            });
    }
}
