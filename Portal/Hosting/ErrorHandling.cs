using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Portal.Hosting;

/// <summary>
/// Errors become RFC 7807 problem details under /api and a readable page elsewhere; never a stack trace.
/// </summary>
internal static class ErrorHandling
{
    public static IServiceCollection AddPortalProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }

    public static IApplicationBuilder UsePortalErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseWhen(c => !IsApi(c.Request), b => b.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseWhen(c => IsApi(c.Request), b => b.UseStatusCodePages());
        return app;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (!IsApi(httpContext.Request))
            {
                return false;
            }
            logger.LogError(exception, "Unhandled error in {Path}", httpContext.Request.Path);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "The portal could not complete this request.",
                    Detail = "Nothing was changed. Quote the trace id when you report this.",
                },
            });
        }
    }
}
